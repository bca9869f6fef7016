/**
 * The stamp workflow's per-tenant job script (`npm run stamp:one`, what .github/workflows/stamp.yml calls),
 * run as three parallel processes against three emulated tenants: each ends with its one result block, a
 * second run reports only `same`, and a stack is never re-pointed at another tenant — not even when its
 * stack file is gone and only the state remembers the tenant.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { stringify } from "yaml";
import type { StampOutcome } from "../../stacks/stamp-one";
import { repoRoot } from "../helpers/pulumi";
import { startEmulatedTenants, type EmulatedTenants } from "./emulated-tenants";

const tenants = [
  "00000000-0000-4000-8000-0000000001a1",
  "00000000-0000-4000-8000-0000000001b2",
  "00000000-0000-4000-8000-0000000001c3",
];
let t: EmulatedTenants;
let targetsFile: string;

before(async () => {
  t = await startEmulatedTenants("stamp-one", tenants);
  targetsFile = path.join(t.dir, "tenants.yaml");
  fs.writeFileSync(targetsFile, stringify(t.targets));
});

after(async () => {
  await t?.close();
});

/** Runs the job script in its own process; resolves with its exit code, stdout and result file. */
function stampOne(stack: string, args: string[], file = targetsFile) {
  const result = path.join(t.dir, `${stack}-${Date.now()}.json`);
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "stacks/stamp-one.ts",
      "--all",
      file,
      "--stack",
      stack,
      "--work-dir",
      t.project,
      "--result",
      result,
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, ...t.envVars }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string; outcome: StampOutcome }>(
    (resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) =>
        resolve({
          code,
          stdout,
          stderr,
          outcome: JSON.parse(fs.readFileSync(result, "utf8")) as StampOutcome,
        }),
      );
    },
  );
}

const stacks = () => t.targets.map((target) => target.stack!);

test("three tenants stamped by the job script in parallel processes each end with their result block; a second run reports only same", async () => {
  const first = await Promise.all(stacks().map((stack) => stampOne(stack, ["--up"])));
  for (const [i, run] of first.entries()) {
    const stack = stacks()[i]!;
    assert.equal(run.code, 0, `${stack}:\n${run.stdout}\n${run.stderr}`);
    const block = new RegExp(
      `^OK: pulumi up of stack '${stack}' \\(tenant ${tenants[i]}\\)\\n  changes: \\d+ create\\n  Full log: .*${stack}\\.log\\n$`,
    );
    assert.match(run.stdout, block);
    assert.equal(run.outcome.result, "ok");
    assert.equal(run.outcome.tenant, tenants[i]);
    assert.equal(run.outcome.environment, stack, "the GitHub environment defaults to the stack name");
    const state = JSON.stringify(t.emulators[i]!.snapshot());
    assert.ok(state.includes("B2X_1_PartnerSignUp"), `tenant ${i + 1} has the flow`);
    assert.ok(state.includes(`connector-${i + 1}.example.com`), `tenant ${i + 1} has its own connector`);
  }
  // The stack file is the template's, comments and all, with this stack's secrets provider.
  const stackFile = fs.readFileSync(path.join(t.project, "Pulumi.staging-1.yaml"), "utf8");
  assert.match(stackFile, /tenantId: 00000000-0000-4000-8000-0000000001a1 # replaced by `npm run stamp/);
  assert.match(stackFile, /name: PartnerSignUp # becomes B2X_1_PartnerSignUp/);
  assert.match(stackFile, /^encryptionsalt: /m);

  for (const em of t.emulators) em.clearLog();
  const second = await Promise.all(stacks().map((stack) => stampOne(stack, ["--up"])));
  for (const [i, run] of second.entries()) {
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /\n  changes: \d+ same\n/, "only unchanged resources");
    assert.deepEqual(Object.keys(run.outcome.changes), ["same"]);
    assert.equal(t.emulators[i]!.counts().writes, 0, `tenant ${i + 1} saw no Graph writes`);
  }
});

test("re-stamping a deployed stack with another tenant is refused, from its file and from its state alone", async () => {
  const other = "00000000-0000-4000-8000-0000000001ff";
  const retargeted = path.join(t.dir, "retargeted.yaml");
  fs.writeFileSync(retargeted, stringify(t.targets.map((x, i) => (i === 0 ? { ...x, tenantId: other } : x))));
  const before = fs.readFileSync(path.join(t.project, "Pulumi.staging-1.yaml"), "utf8");

  const fromFile = await stampOne("staging-1", ["--up"], retargeted);
  assert.equal(fromFile.code, 2);
  assert.match(
    fromFile.stdout,
    new RegExp(
      `^FAILED: pulumi up of stack 'staging-1': refused before it started\\n  - retargeted\\.yaml entry 1: stack 'staging-1' already targets tenant ${tenants[0]} \\(Pulumi\\.staging-1\\.yaml\\); refusing to re-point it at tenant ${other}\\. To stamp tenant ${other} as a second stack, give it its own name: --stack staging-00000000 \\(or another --env\\)\\n  Nothing was changed\\.\\n$`,
    ),
  );
  assert.equal(fs.readFileSync(path.join(t.project, "Pulumi.staging-1.yaml"), "utf8"), before);

  // A fresh checkout in CI has no stack file: the deployed state still names the tenant.
  fs.rmSync(path.join(t.project, "Pulumi.staging-1.yaml"));
  const fromState = await stampOne("staging-1", ["--up"], retargeted);
  assert.equal(fromState.code, 1);
  assert.match(
    fromState.stdout,
    /^FAILED: pulumi up of stack 'staging-1' \(tenant 00000000-0000-4000-8000-0000000001ff\)\n/,
  );
  assert.match(fromState.stdout, new RegExp(`already targets tenant ${tenants[0]} \\(its state\\)`));
  assert.match(fromState.stdout, /\n  Full log: .*staging-1\.log\n$/);
  assert.equal(fromState.outcome.result, "failed");
  assert.equal(t.emulators[0]!.counts().writes, 0, "the original tenant was not touched");
});
