/**
 * Every GitHub Actions workflow passes actionlint (https://github.com/rhysd/actionlint), the pinned version
 * built from Go modules into the same cache as the Pulumi CLI by scripts/ensure-actionlint.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { makeTempDir, repoRoot } from "../helpers/pulumi";

const workflowsDir = path.join(repoRoot, ".github", "workflows");

function ensureActionlint(env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn("bash", [path.join(repoRoot, "scripts", "ensure-actionlint")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test("actionlint passes on every workflow file", async () => {
  const built = await ensureActionlint();
  assert.equal(built.code, 0, built.stderr);
  const binary = built.stdout.trim().split("\n").at(-1)!;
  const files = fs
    .readdirSync(workflowsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(workflowsDir, f));
  assert.ok(
    files.some((f) => f.endsWith("stamp.yml")),
    "the stamp workflow is checked too",
  );
  const run = spawnSync(binary, ["-no-color", ...files], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(run.status, 0, `actionlint found problems:\n${run.stdout}${run.stderr}`);
});

test("actionlint catches a broken workflow (the check is not a no-op)", async () => {
  const built = await ensureActionlint();
  const binary = built.stdout.trim().split("\n").at(-1)!;
  const tmp = makeTempDir("actionlint");
  try {
    const file = path.join(tmp.dir, "broken.yml");
    fs.writeFileSync(
      file,
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n",
    );
    const run = spawnSync(binary, ["-no-color", file], { encoding: "utf8" });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /property "nope" is not defined/);
  } finally {
    tmp.cleanup();
  }
});

test("two concurrent runs on an empty cache build actionlint once and both get it", async () => {
  const tmp = makeTempDir("actionlint-cache");
  try {
    const env = { ...process.env, ENTRA_SIGNUP_CACHE: tmp.dir };
    const runs = await Promise.all([ensureActionlint(env), ensureActionlint(env)]);
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const builds = runs.filter((r) => r.stderr.includes("building actionlint")).length;
    assert.equal(builds, 1, runs.map((r) => r.stderr).join("\n---\n"));
    const [a, b] = runs.map((r) => r.stdout.trim().split("\n").at(-1));
    assert.equal(a, b);
    assert.equal(a, path.join(tmp.dir, "actionlint", "v1.7.12", "bin", "actionlint"));
  } finally {
    tmp.cleanup();
  }
});
