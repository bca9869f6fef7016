/**
 * scripts/ensure-pulumi with an injected build command (ENTRA_SIGNUP_PULUMI_BUILD) and a private cache,
 * so nothing here builds Go or touches the machine's CLI.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, "scripts", "ensure-pulumi");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ensure-pulumi-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A PATH with the shell tools but without any `pulumi`. */
const BASE_PATH = "/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";
const SDK_VERSION = `v${(JSON.parse(fs.readFileSync(path.join(root, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version}`;

function fakeCli(dir: string, version: string, withHost = true): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "pulumi"), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  if (withHost) fs.writeFileSync(path.join(dir, "pulumi-language-nodejs"), "#!/bin/sh\n", { mode: 0o755 });
}

/**
 * A build that records each start in `builds.log`, then waits for the file `release` (so the test
 * decides when it ends), then writes a fake CLI of the pinned version into the folder it is given.
 */
function fakeBuild(dir: string): string {
  const file = path.join(dir, "fake-build.sh");
  fs.writeFileSync(
    file,
    [
      "set -e",
      `echo started >> "${dir}/builds.log"`,
      `while [ ! -e "${dir}/release" ]; do sleep 0.1; done`,
      `printf '#!/bin/sh\\necho v3.259.0\\n' > "$1/pulumi"; chmod +x "$1/pulumi"`,
      `printf '#!/bin/sh\\n' > "$1/pulumi-language-nodejs"; chmod +x "$1/pulumi-language-nodejs"`,
    ].join("\n"),
  );
  return `bash ${file} "$1"`;
}

interface Run {
  readonly child: ChildProcess;
  stderr: string;
  stdout: string;
  readonly done: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const child = spawn("bash", [script], { env: { HOME: scratch, PATH: BASE_PATH, ...env } });
  const r: Run = {
    child,
    stderr: "",
    stdout: "",
    done: new Promise((resolve) => child.once("exit", resolve)),
  };
  child.stdout.on("data", (d: Buffer) => (r.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (r.stderr += d.toString()));
  return r;
}

async function until(what: string, check: () => boolean, boundMs = 120_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("two concurrent first runs build the CLI once: the second waits for the first and reuses its build", async () => {
  const dir = fs.mkdtempSync(path.join(scratch, "concurrent-"));
  const env = { ENTRA_SIGNUP_CACHE: path.join(dir, "cache"), ENTRA_SIGNUP_PULUMI_BUILD: fakeBuild(dir) };
  const builds = () =>
    fs.existsSync(path.join(dir, "builds.log"))
      ? fs.readFileSync(path.join(dir, "builds.log"), "utf8").split("\n").filter(Boolean).length
      : 0;
  const first = run(env);
  await until("the first build to start", () => builds() === 1);
  const second = run(env);
  await until("the second run to wait for the lock", () => /waiting for it/.test(second.stderr));
  fs.writeFileSync(path.join(dir, "release"), "");
  const [a, b] = await Promise.all([first.done, second.done]);
  assert.equal(a, 0, first.stderr);
  assert.equal(b, 0, second.stderr);
  assert.equal(builds(), 1, "one build for both runs");
  const out = path.join(dir, "cache", "pulumi", "v3.259.0", "bin");
  assert.equal(first.stdout.trim(), out);
  assert.equal(second.stdout.trim(), out);
  assert.match(second.stderr, /built by another run/);
  for (const tool of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"])
    assert.ok(fs.statSync(path.join(out, tool)).mode & 0o111, `${tool} is executable`);
  const leftovers = fs.readdirSync(path.join(dir, "cache", "pulumi")).filter((f) => f.startsWith("."));
  assert.deepEqual(leftovers, [], "no temporary build folder is left behind");
});

test("a failed build leaves no half-made toolchain, and the next run builds again", async () => {
  const dir = fs.mkdtempSync(path.join(scratch, "failed-"));
  const cache = path.join(dir, "cache");
  const failing = run({ ENTRA_SIGNUP_CACHE: cache, ENTRA_SIGNUP_PULUMI_BUILD: `touch "$1/pulumi"; exit 3` });
  assert.notEqual(await failing.done, 0);
  assert.equal(fs.existsSync(path.join(cache, "pulumi", "v3.259.0", "bin")), false);
  assert.deepEqual(
    fs.readdirSync(path.join(cache, "pulumi")).filter((f) => f.startsWith(".")),
    [],
    "the staging folder is removed",
  );
  fs.writeFileSync(path.join(dir, "release"), "");
  const retry = run({ ENTRA_SIGNUP_CACHE: cache, ENTRA_SIGNUP_PULUMI_BUILD: fakeBuild(dir) });
  assert.equal(await retry.done, 0, retry.stderr);
});

test("an installed CLI at or above the SDK's version is used as it is, with the shim from node_modules", async () => {
  const dir = fs.mkdtempSync(path.join(scratch, "installed-"));
  const cli = path.join(dir, "pulumi-cli");
  fakeCli(cli, "v3.999.1");
  const r = run({
    PATH: `${cli}:${BASE_PATH}`,
    ENTRA_SIGNUP_CACHE: path.join(dir, "cache"),
    ENTRA_SIGNUP_PULUMI_BUILD: "exit 9",
  });
  assert.equal(await r.done, 0, r.stderr);
  const entries = r.stdout.trim().split(":");
  assert.equal(entries[0], cli);
  assert.match(
    r.stderr,
    new RegExp(`using installed pulumi v3\\.999\\.1 .*minimum ${SDK_VERSION.replace(/\./g, "\\.")}`),
  );
  const shim = path.join(entries[1]!, "pulumi-resource-pulumi-nodejs");
  assert.ok(fs.existsSync(shim), "the dynamic-provider shim is put on PATH next to the installed CLI");
});

test("an installed CLI older than the SDK's version is not used", async () => {
  const dir = fs.mkdtempSync(path.join(scratch, "old-"));
  const cli = path.join(dir, "pulumi-cli");
  fakeCli(cli, "v3.100.0");
  fs.writeFileSync(path.join(dir, "release"), "");
  const r = run({
    PATH: `${cli}:${BASE_PATH}`,
    ENTRA_SIGNUP_CACHE: path.join(dir, "cache"),
    ENTRA_SIGNUP_PULUMI_BUILD: fakeBuild(dir),
  });
  assert.equal(await r.done, 0, r.stderr);
  assert.match(r.stderr, /installed pulumi v3\.100\.0 is older than the minimum/);
  assert.equal(r.stdout.trim(), path.join(dir, "cache", "pulumi", "v3.259.0", "bin"));
});

test("scripts that never start the engine run without a Pulumi CLI", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  for (const name of [
    "approvals",
    "build:connector",
    "connector",
    "graph-emulator",
    "lint",
    "typecheck",
    "format",
  ])
    assert.match(pkg.scripts[name] ?? "", /with-toolchain --no-pulumi /, name);
  const r = spawnSync(
    "bash",
    [
      path.join(root, "scripts", "with-toolchain"),
      "--no-pulumi",
      "bash",
      "-c",
      "command -v pulumi || echo none",
    ],
    {
      env: {
        HOME: scratch,
        PATH: BASE_PATH,
        ENTRA_SIGNUP_CACHE: path.join(scratch, "no-cli"),
        ENTRA_SIGNUP_PULUMI_BUILD: "exit 9",
      },
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "none");
  assert.equal(fs.existsSync(path.join(scratch, "no-cli")), false, "no build was attempted");
});

test("the YAML language host is built once next to the cached CLI; a failed YAML build leaves the CLI usable", async () => {
  const dir = fs.mkdtempSync(path.join(scratch, "yaml-"));
  fs.writeFileSync(path.join(dir, "release"), "");
  const yamlBuild = `echo started >> "${dir}/yaml-builds.log"; printf '#!/bin/sh\\n' > "$1/pulumi-language-yaml"; chmod +x "$1/pulumi-language-yaml"`;
  const env = {
    ENTRA_SIGNUP_CACHE: path.join(dir, "cache"),
    ENTRA_SIGNUP_PULUMI_BUILD: fakeBuild(dir),
    ENTRA_SIGNUP_PULUMI_YAML_BUILD: yamlBuild,
  };
  const out = path.join(dir, "cache", "pulumi", "v3.259.0", "bin");
  for (let i = 0; i < 2; i++) {
    const r = run(env);
    assert.equal(await r.done, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
  }
  assert.ok(
    fs.statSync(path.join(out, "pulumi-language-yaml")).mode & 0o111,
    "pulumi-language-yaml is executable",
  );
  assert.equal(
    fs.readFileSync(path.join(dir, "yaml-builds.log"), "utf8").trim().split("\n").length,
    1,
    "built once",
  );

  const failed = run({
    ...env,
    ENTRA_SIGNUP_CACHE: path.join(dir, "cache2"),
    ENTRA_SIGNUP_PULUMI_YAML_BUILD: "exit 4",
  });
  assert.equal(await failed.done, 0, failed.stderr);
  assert.match(
    failed.stderr,
    /could not build pulumi-language-yaml v1\.25\.0; Pulumi YAML programs will not run/,
  );
  const out2 = path.join(dir, "cache2", "pulumi", "v3.259.0", "bin");
  assert.equal(failed.stdout.trim(), out2);
  assert.equal(fs.existsSync(path.join(out2, "pulumi-language-yaml")), false);
  assert.deepEqual(
    fs.readdirSync(path.join(dir, "cache2", "pulumi")).filter((f) => f.startsWith(".")),
    [],
    "no temporary YAML build folder is left behind",
  );
});
