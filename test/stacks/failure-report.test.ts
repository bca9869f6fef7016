/**
 * Every failure ends with one short block: what failed, each problem on one line, where the full log is —
 * never the engine's whole output, colour codes, an object dump or a previous run's `Outputs:`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, test } from "node:test";
import { localFailureBlock, runLog } from "../../local/failure";
import { engineProblems, failureBlock } from "../../stacks/failure-report";
import { stampResultBlock, stampTenant } from "../../stacks/stamping";
import { makeTempDir } from "../helpers/pulumi";
import { startEmulatedTenants, type EmulatedTenants } from "./emulated-tenants";

test("a failure block is the FAILED line, one line per problem and the log — nothing else", () => {
  assert.equal(
    failureBlock({
      what: "pulumi up of stack 'staging' (tenant 1)",
      problems: ["\u001b[31mentra-signup:a.b: bad\u001b[0m", "two\n  lines", "entra-signup:a.b: bad"],
      logs: ["/tmp/staging.log"],
    }),
    [
      "FAILED: pulumi up of stack 'staging' (tenant 1)",
      "  - entra-signup:a.b: bad",
      "  - two lines",
      "  - entra-signup:a.b: bad",
      "  Full log: /tmp/staging.log",
    ].join("\n"),
  );
  assert.equal(
    failureBlock({ what: "stamp refused the target", problems: [] }),
    "FAILED: stamp refused the target\n  - (no error message; see the log)\n  Nothing was changed.",
  );
});

test("the reasons of an engine failure come out once each, without colour, object dumps or Outputs", () => {
  const esc = "\u001b";
  const text = [
    "code: 255",
    " stdout: Updating (staging):",
    `${esc}[31merror:${esc}[0m Running program '/repo' failed with an unhandled exception:`,
    "    <ref *1> ResourceError: tenant.graphBaseUrl: cannot reach http://127.0.0.1:1 (ECONNREFUSED)",
    "        at new SelfServiceSignUp (/repo/components/selfServiceSignUp.ts:80:13)",
    `      resource: <ref *2> SelfServiceSignUp { __pulumiResource: true, ${esc}[32m'urn'${esc}[39m: [Promise] }`,
    "Outputs:",
    '    flowId: "B2X_1_PartnerSignUp"',
    "Diagnostics:",
    "  pulumi:pulumi:Stack (entra-signup-staging):",
    "    error: The stack configuration has 2 problem(s):",
    "      - entra-signup:tenant.tenantId: must be a GUID",
    "      - entra-signup:userFlow.name: too long",
    "    error: The stack configuration has 2 problem(s):",
    "      - entra-signup:tenant.tenantId: must be a GUID",
    "      - entra-signup:userFlow.name: too long",
    "    error: update failed",
    " stderr: error: update failed",
  ].join("\n");
  assert.deepEqual(engineProblems(text), [
    "tenant.graphBaseUrl: cannot reach http://127.0.0.1:1 (ECONNREFUSED)",
    "entra-signup:tenant.tenantId: must be a GUID",
    "entra-signup:userFlow.name: too long",
  ]);
});

test("a failed npm run local ends with the engine's reasons and its log; the whole output goes to the log only", () => {
  const stateDir = makeTempDir("local-failure");
  try {
    const log = runLog(stateDir.dir);
    log.write("  Updating (local):");
    const engineError = new Error(
      [
        "code: 255",
        " stdout: Updating (local):",
        "    error: Graph 409 Conflict on POST /identity/apiConnectors (request-id r1): a connector named 'entra-signup local' exists; set entra-signup:adoptExisting: true",
        "Outputs:",
        '    flowId: "B2X_1_PartnerSignUp"',
        " stderr: error: update failed",
      ].join("\n"),
    );
    const block = localFailureBlock(engineError, log);
    assert.equal(
      block,
      [
        "FAILED: npm run local (pulumi up of the local stack)",
        "  - Graph 409 Conflict on POST /identity/apiConnectors (request-id r1): a connector named 'entra-signup local' exists; set entra-signup:adoptExisting: true",
        `  Full log: ${log.file}`,
      ].join("\n"),
    );
    const written = fs.readFileSync(log.file, "utf8");
    assert.ok(written.startsWith("  Updating (local):\n"));
    assert.ok(written.includes('flowId: "B2X_1_PartnerSignUp"'), "the whole error is in the log");
  } finally {
    stateDir.cleanup();
  }
});

let t: EmulatedTenants;
before(async () => {
  t = await startEmulatedTenants("failure", ["00000000-0000-4000-8000-0000000002a1"]);
});
after(async () => {
  await t?.close();
});

test("a stamp whose engine run fails ends with the reason and the log, the engine output only in the log", async () => {
  // The tenant's Graph endpoint is gone: the create fails inside the engine, after the config checks passed.
  const emulator = t.emulators.pop()!;
  await emulator.close();
  const lines: string[] = [];
  // Preflight would stop it first (next test); skipped here to reach the engine's own failure.
  const result = await stampTenant(t.targets[0]!, {
    workDir: t.project,
    apply: true,
    skipPreflight: true,
    envVars: t.envVars,
    onProgress: (line) => lines.push(line),
  });
  assert.equal(result.ok, false);
  const block = stampResultBlock(result, { apply: true });
  const blockLines = block.split("\n");
  assert.equal(
    blockLines[0],
    "FAILED: pulumi up of stack 'staging-1' (tenant 00000000-0000-4000-8000-0000000002a1)",
  );
  assert.equal(blockLines.at(-1), `  Full log: ${result.log}`);
  assert.ok(blockLines.length <= 8, block);
  assert.ok(
    blockLines.slice(1, -1).every((l) => l.startsWith("  - ")),
    block,
  );
  assert.match(block, /ECONNREFUSED|connect|fetch failed/i);
  assert.ok(!block.includes("\u001b["), "no colour codes");
  assert.ok(!/Outputs:|<ref \*|__pulumi/.test(block), block);
  const log = fs.readFileSync(result.log!, "utf8");
  assert.ok(log.includes("applying (pulumi up)"), "the full engine output is in the log");
});

test("a stamp whose tenant cannot be reached is stopped by preflight before the engine starts", async () => {
  const gone = await startEmulatedTenants("failure-preflight", ["00000000-0000-4000-8000-0000000002a2"]);
  try {
    await gone.emulators.pop()!.close();
    const result = await stampTenant(gone.targets[0]!, {
      workDir: gone.project,
      apply: true,
      envVars: gone.envVars,
    });
    assert.equal(result.ok, false);
    const block = stampResultBlock(result, { apply: true });
    assert.match(block, /^ {2}- preflight credential: /m, block);
    const log = fs.readFileSync(result.log!, "utf8");
    assert.ok(!log.includes("applying (pulumi up)"), "the engine never started");
  } finally {
    await gone.close();
  }
});
