/**
 * Every injected fault on the create of each extension-identity and token-claims resource, and on each
 * later step of the API identity and the policy assignment, ends with exactly one object configured as
 * asked (no duplicate after a lost answer, no orphan), converged, and gone after delete.
 */
import assert from "node:assert/strict";
import { after, before, afterEach, test } from "node:test";
import type { FaultRule } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { extensionApiApplicationProvider } from "../../components/graph/providers/api-application";
import { tokenIssuanceStartListenerProvider } from "../../components/graph/providers/token-listener";
import { claimsMappingPolicyProvider } from "../../components/graph/providers/claims-policy";
import { mappedClaimsAcceptanceProvider } from "../../components/graph/providers/claims-policy-acceptance";
import { checked, type AnyProvider } from "./helpers";
import { tenantWithTokenExtension, type ExtensionTenant } from "./token-claims-fixture";

let t: ExtensionTenant;
let connection: GraphConnection;
before(async () => {
  t = await tenantWithTokenExtension();
  connection = { cloud: "global", baseUrl: t.emu.url, credential: "emulator" };
});
after(() => t.cleanup());
afterEach(() => {
  t.emu.faults.clear();
  assert.deepEqual(
    t.emu.diffFromSeed().filter((d) => !t.isFixture(d)),
    [],
    "each test leaves the tenant as seeded",
  );
});

type Fault = Omit<FaultRule, "path" | "method">;
const createFaults: Record<string, Fault> = {
  "429 without Retry-After": { kind: "throttle", times: 2 },
  "429 with Retry-After": { kind: "throttle", times: 2, retryAfterSeconds: 1 },
  "503": { kind: "unavailable", times: 2 },
  "504": { kind: "gatewayTimeout", times: 2 },
  "404 after create": { kind: "notFoundAfterCreate", durationMs: 150 },
  "already-exists 400": { kind: "alreadyExists" },
  "createThenFail (write done, response lost)": { kind: "createThenFail" },
};

interface Case {
  readonly provider: unknown;
  readonly createPath: string;
  readonly inputs: () => Record<string, unknown>;
  readonly count: () => number;
  readonly verify: (id: string, outs: Record<string, unknown>) => void;
}

const apiName = "Fault authentication events API";
const snap = () => t.emu.snapshot();
const cases: Record<string, Case> = {
  ExtensionApiApplication: {
    provider: extensionApiApplicationProvider,
    createPath: "^/applications$",
    inputs: () => ({ connection, displayName: apiName, targetUrl: "https://fault.example.net/api/x" }),
    count: () => snap().applications.filter((a) => a.displayName === apiName).length,
    verify: (id, outs) => {
      const app = snap().applications.find((a) => a.id === id)!;
      assert.deepEqual(app.identifierUris, [`api://fault.example.net/${app.appId}`]);
      const sps = snap().servicePrincipals.filter((s) => s.appId === app.appId);
      assert.equal(sps.length, 1);
      assert.equal(snap().appRoleAssignments.filter((a) => a.principalId === sps[0]!.id).length, 1);
      assert.equal(
        outs.appRoleAssignmentId,
        snap().appRoleAssignments.find((a) => a.principalId === sps[0]!.id)?.id,
      );
    },
  },
  TokenIssuanceStartListener: {
    provider: tokenIssuanceStartListenerProvider,
    createPath: "^/identity/authenticationEventListeners$",
    inputs: () => ({
      connection,
      customExtensionId: t.extensionId,
      includeApplications: [t.emu.sampleAppId],
      priority: 3,
    }),
    count: () => snap().authenticationEventListeners.filter((l) => !l.authenticationEventsFlowId).length,
    verify: (id) => assert.equal(snap().authenticationEventListeners.find((l) => l.id === id)?.priority, 3),
  },
  ClaimsMappingPolicy: {
    provider: claimsMappingPolicyProvider,
    createPath: "^/policies/claimsMappingPolicies$",
    inputs: () => ({
      connection,
      displayName: "Fault claims",
      claims: [{ id: "PartnerRole" }],
      appIds: [t.emu.sampleAppId],
    }),
    count: () => snap().claimsMappingPolicies.length,
    verify: (id) =>
      assert.deepEqual(
        snap().servicePrincipals.find((s) => s.appId === t.emu.sampleAppId)?.claimsMappingPolicyIds,
        [id],
      ),
  },
};

async function roundTrip(c: Case, fault: Fault | undefined) {
  const p = c.provider as AnyProvider;
  const inputs = await checked(p, c.inputs());
  const { id, outs } = await p.create(inputs);
  assert.deepEqual(t.emu.faults.remaining(), [], "the fault fired");
  assert.equal(c.count(), 1, "exactly one object: no duplicate");
  c.verify(id, outs!);
  if (fault?.kind === "notFoundAfterCreate")
    await new Promise((r) => setTimeout(r, (fault.durationMs ?? 0) + 50));
  const read = await p.read(id, outs!);
  assert.equal((await p.diff(id, read.props!, inputs)).changes, false, "converged");
  await p.delete(id, read.props!);
  assert.equal(c.count(), 0, "no orphan");
}

for (const [kind, c] of Object.entries(cases)) {
  for (const [name, fault] of Object.entries(createFaults)) {
    test(`${kind} survives ${name} on create`, async () => {
      t.emu.faults.add({ ...fault, method: "POST", path: c.createPath });
      await roundTrip(c, fault);
    });
  }
}

const stepFaults: Record<string, Fault> = {
  "503": { kind: "unavailable", times: 2 },
  "already-exists 400": { kind: "alreadyExists" },
  "createThenFail (write done, response lost)": { kind: "createThenFail" },
};
const steps: Record<string, [method: string, path: string, c: Case]> = {
  "POST /servicePrincipals": ["POST", "^/servicePrincipals$", cases.ExtensionApiApplication!],
  "PATCH /applications/{id}": ["PATCH", "^/applications/[^/]+$", cases.ExtensionApiApplication!],
  "POST appRoleAssignedTo": ["POST", "/appRoleAssignedTo$", cases.ExtensionApiApplication!],
  "POST claimsMappingPolicies/$ref": ["POST", "/claimsMappingPolicies/\\$ref$", cases.ClaimsMappingPolicy!],
};

for (const [step, [method, path, c]] of Object.entries(steps)) {
  for (const [name, fault] of Object.entries(stepFaults)) {
    if (method === "PATCH" && fault.kind === "alreadyExists") continue; // a PATCH has no "already exists"
    test(`${step} survives ${name}: done once, nothing twice`, async () => {
      t.emu.faults.add({ ...fault, method, path });
      await roundTrip(c, fault);
    });
  }
}

for (const [name, fault] of Object.entries({
  "503": stepFaults["503"]!,
  "createThenFail (write done, response lost)": stepFaults["createThenFail (write done, response lost)"]!,
})) {
  test(`MappedClaimsAcceptance survives ${name} on its PATCH and restores on delete`, async () => {
    const p = mappedClaimsAcceptanceProvider as unknown as AnyProvider;
    const inputs = await checked(p, { connection, appId: t.emu.sampleAppId });
    t.emu.faults.add({ ...fault, method: "PATCH", path: "^/applications/[^/]+$" });
    const { id, outs } = await p.create(inputs);
    assert.deepEqual(t.emu.faults.remaining(), []);
    assert.equal(snap().applications.find((a) => a.id === id)?.api.acceptMappedClaims, true);
    assert.equal(t.emu.log.filter((e) => e.method === "PATCH" && e.handled).length >= 1, true);
    await p.delete(id, outs!);
  });
}
