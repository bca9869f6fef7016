/**
 * The project as a library, the way a platform engineer takes it: build it (`tsc -p tsconfig.build.json`,
 * what `npm run build` runs), pack it (`npm pack`), install the tarball into a fresh Pulumi TypeScript
 * program in a temp folder outside the repository (offline, from the tarball and the npm cache that
 * `npm ci` filled), construct `SelfServiceSignUp` with a minimal config, and run a real `pulumi preview`,
 * `up` and `destroy` against the Graph emulator.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { repoRoot, testPassphrase } from "../helpers/pulumi";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  version: string;
  devDependencies: Record<string, string>;
};

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** A package-lock for the consumer: the packed library, typescript, and this project's non-dev packages. */
function writeConsumerLock(program: string, tarball: string): void {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const own = lock.packages[""]! as LockEntry & { dependencies: Record<string, string> };
  const packages: Record<string, LockEntry> = {
    "": {
      name: "consumer",
      dependencies: {
        [pkg.name]: `file:../${path.basename(tarball)}`,
        typescript: pkg.devDependencies.typescript!,
      },
    },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:../${path.basename(tarball)}`,
      license: "Apache-2.0",
      dependencies: own.dependencies,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith("node_modules/") || entry.link) continue;
    if (entry.dev && key !== "node_modules/typescript") continue;
    const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
    packages[key] = rest;
  }
  fs.writeFileSync(
    path.join(program, "package-lock.json"),
    JSON.stringify({ name: "consumer", lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

let emu: GraphEmulator;
let dir: string;
let stack: Stack;

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });

before(async () => {
  emu = await startGraphEmulator();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-signup-consumer-"));
  run("npx", ["tsc", "-p", "tsconfig.build.json"], repoRoot);
  const packed = JSON.parse(
    run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], repoRoot),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = path.join(dir, packed[0]!.filename);
  const program = path.join(dir, "program");
  fs.mkdirSync(program);
  fs.writeFileSync(
    path.join(program, "package.json"),
    JSON.stringify(
      {
        name: "consumer",
        private: true,
        main: "index.ts",
        dependencies: {
          [pkg.name]: `file:../${path.basename(tarball)}`,
          typescript: pkg.devDependencies.typescript!,
        },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(program, "Pulumi.yaml"),
    "name: consumer\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
  );
  fs.writeFileSync(
    path.join(program, "index.ts"),
    `import * as pulumi from "@pulumi/pulumi";
import { SelfServiceSignUp } from "${pkg.name}";

const config = new pulumi.Config();
const signUp = new SelfServiceSignUp("partners", {
  connection: { cloud: "global", baseUrl: config.require("graphUrl"), credential: "emulator" },
  userFlow: {
    name: "ConsumerSignUp",
    page: [{ attribute: "email", userInputType: "emailBox", requiresVerification: true }, { attribute: "city" }],
  },
  connector: {
    policy: { domains: { block: ["gmail.com"] } },
    hosting: { kind: "external", baseUrl: "https://connector.example.net/api" },
  },
});
export const flowId = signUp.flowId;
export const connectorUrls = signUp.connectorUrls;
`,
  );
  // Offline: the consumer's lockfile takes every dependency's resolved URL and integrity from this
  // project's lockfile, so \`npm ci --offline\` installs from the tarball and the npm cache alone.
  writeConsumerLock(program, tarball);
  run("npm", ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], program);
  const backend = path.join(dir, "state");
  fs.mkdirSync(backend);
  stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "consumer", workDir: program },
    {
      workDir: program,
      envVars: {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: testPassphrase,
        PULUMI_HOME: path.join(dir, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      },
    },
  );
  await stack.setConfig("graphUrl", { value: emu.url });
});

after(async () => {
  await stack?.workspace.removeStack("consumer", { force: true }).catch(() => undefined);
  await emu?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("the packed library holds the compiled entry, its types and no program, tests or Function App code", () => {
  const installed = path.join(dir, "program", "node_modules", pkg.name);
  assert.ok(fs.existsSync(path.join(installed, "lib", "src", "index.js")));
  assert.ok(fs.existsSync(path.join(installed, "lib", "src", "index.d.ts")));
  for (const absent of ["index.ts", "test", "functions", "local", "Pulumi.local.yaml"])
    assert.ok(!fs.existsSync(path.join(installed, absent)), `${absent} is not packed`);
  // Importing the library declares nothing: the entry only re-exports.
  const entry = fs.readFileSync(path.join(installed, "lib", "src", "index.js"), "utf8");
  assert.doesNotMatch(entry, /new \w+\(/);
});

test("a consumer program previews, deploys and destroys SelfServiceSignUp from the tarball", async () => {
  const preview = await stack.preview();
  // The stack, the component, the tenant toggle, the generated password, one connector, the flow.
  assert.equal(preview.changeSummary.create, 6, JSON.stringify(preview.changeSummary));
  assert.equal(emu.snapshot().b2xUserFlows.length, 0, "preview writes nothing");

  const up = await stack.up();
  assert.equal(up.summary.result, "succeeded");
  assert.equal(up.outputs.flowId?.value, "B2X_1_ConsumerSignUp");
  assert.deepEqual(up.outputs.connectorUrls?.value, {
    postFederationSignup: "https://connector.example.net/api/postFederationSignup",
    postAttributeCollection: "https://connector.example.net/api/postAttributeCollection",
  });
  const flow = emu.snapshot().b2xUserFlows.find((f) => f.id === "B2X_1_ConsumerSignUp");
  assert.ok(flow, "the flow exists in the emulated tenant");
  assert.deepEqual(
    flow.assignments.map((a) => a.id),
    ["email", "city"],
  );

  const destroy = await stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.equal(emu.snapshot().b2xUserFlows.length, 0);
});
