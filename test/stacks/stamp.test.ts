/**
 * Tenant stamping end to end: three emulated tenants (one Graph emulator each) stamped concurrently by
 * the Automation API with the real program; each ends with its own flow, and a second run changes nothing.
 * The Function App part is supplied as an external connector URL, as the issue allows here.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { stampAll } from "../../stacks/stamping";
import { startEmulatedTenants, type EmulatedTenants } from "./emulated-tenants";

const tenants = [
  "00000000-0000-4000-8000-0000000000a1",
  "00000000-0000-4000-8000-0000000000b2",
  "00000000-0000-4000-8000-0000000000c3",
];
let tenantsUnderTest: EmulatedTenants;
const progress: string[] = [];

before(async () => {
  tenantsUnderTest = await startEmulatedTenants("stamp", tenants);
});

after(async () => {
  await tenantsUnderTest?.close();
});

const options = () => ({
  workDir: tenantsUnderTest.project,
  apply: true,
  envVars: tenantsUnderTest.envVars,
  onProgress: (line: string) => progress.push(line),
});

test("three tenants stamped concurrently each get their own flow, and a second run changes nothing", async () => {
  const { emulators, targets } = tenantsUnderTest;
  const first = await stampAll(targets, options(), 3);
  for (const result of first) assert.ok(result.ok, `${result.stack} failed: ${result.error}`);

  for (const [i, em] of emulators.entries()) {
    const state = JSON.stringify(em.snapshot());
    assert.ok(state.includes("B2X_1_PartnerSignUp"), `tenant ${i + 1} has the flow`);
    assert.ok(state.includes(`connector-${i + 1}.example.com`), `tenant ${i + 1} has its own connector URL`);
    for (const [j] of emulators.entries()) {
      if (j !== i)
        assert.ok(
          !state.includes(`connector-${j + 1}.example.com`),
          `no other tenant's connector in tenant ${i + 1}`,
        );
    }
    assert.equal(first[i]!.outputs.flowId, "B2X_1_PartnerSignUp");
  }
  assert.ok(
    progress.some((l) => l.startsWith("[staging-1] ")),
    "progress lines are prefixed per stack",
  );

  for (const em of emulators) em.clearLog();
  const second = await stampAll(targets, options(), 3);
  for (const result of second) {
    assert.ok(result.ok, `${result.stack} failed on the second run: ${result.error}`);
    const changed = Object.entries(result.changes).filter(([op, n]) => op !== "same" && n > 0);
    assert.deepEqual(changed, [], `${result.stack} changed on the second run`);
  }
  for (const [i, em] of emulators.entries())
    assert.equal(em.counts().writes, 0, `tenant ${i + 1} saw no Graph writes`);
});
