/**
 * Every injected fault on every resource's create survives with the right end state: exactly one object
 * (no duplicate after a lost response, no orphan), configured as asked, and gone after delete.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FaultRule, GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { selfServiceSignUpPolicyProvider } from "../../components/graph/providers/policy";
import { userFlowAttributeProvider } from "../../components/graph/providers/attribute";
import { apiConnectorProvider } from "../../components/graph/providers/connector";
import { b2xUserFlowProvider } from "../../components/graph/providers/userflow";
import { userFlowAppAssociationProvider } from "../../components/graph/providers/listener";
import { socialIdentityProviderProvider } from "../../components/graph/providers/social-idp";
import { checked, emulatorWithConnection, makePfx, outOfBand, type AnyProvider } from "./helpers";

let emu: GraphEmulator;
let connection: GraphConnection;
before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());

type Fault = Omit<FaultRule, "path" | "method">;
const faults: Record<string, Fault> = {
  "429 without Retry-After": { kind: "throttle", times: 2 },
  "429 with Retry-After": { kind: "throttle", times: 2, retryAfterSeconds: 1 },
  "503": { kind: "unavailable", times: 2 },
  "504": { kind: "gatewayTimeout", times: 2 },
  "404 after create": { kind: "notFoundAfterCreate", durationMs: 150 },
  "already-exists 400": { kind: "alreadyExists" },
  "createThenFail (write done, response lost)": { kind: "createThenFail" },
};

const enableSignUp = () =>
  outOfBand(emu, "PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } });
const certA = makePfx("fault-a");
const certB = makePfx("fault-b");

interface Case {
  readonly provider: unknown;
  readonly createPath: string;
  readonly inputs: () => Promise<Record<string, unknown>>;
  /** Objects of this kind the test created, as the emulator holds them. */
  readonly count: () => number;
  /** The end state is what was asked for. */
  readonly verify: (id: string) => void;
}

const cases: Record<string, Case> = {
  UserFlowAttribute: {
    provider: userFlowAttributeProvider,
    createPath: "^/identity/userFlowAttributes$",
    inputs: async () => ({ connection, displayName: "Fault attr", dataType: "int64" }),
    count: () => emu.snapshot().userFlowAttributes.filter((a) => a.displayName === "Fault attr").length,
    verify: (id) =>
      assert.equal(emu.snapshot().userFlowAttributes.find((a) => a.id === id)?.dataType, "int64"),
  },
  ApiConnector: {
    provider: apiConnectorProvider,
    createPath: "^/identity/apiConnectors$",
    inputs: async () => ({
      connection,
      displayName: "Fault connector",
      targetUrl: "https://f.example.net",
      certificates: [{ pkcs12Base64: certA.pkcs12Base64 }, { pkcs12Base64: certB.pkcs12Base64 }],
    }),
    count: () => emu.snapshot().apiConnectors.length,
    verify: (id) => {
      const auth = emu.snapshot().apiConnectors.find((c) => c.id === id)?.auth;
      assert.deepEqual(auth?.type === "certificate" ? auth.certificates.map((c) => c.thumbprint) : [], [
        certA.thumbprint,
        certB.thumbprint,
      ]);
    },
  },
  B2xUserFlow: {
    provider: b2xUserFlowProvider,
    createPath: "^/identity/b2xUserFlows$",
    inputs: async () => ({
      connection,
      name: "Faulty",
      identityProviders: ["EmailOtpSignup-OAUTH"],
      attributes: [
        { attributeId: "city", displayName: "City" },
        { attributeId: "email", displayName: "Email" },
      ],
    }),
    count: () => emu.snapshot().b2xUserFlows.length,
    verify: (id) => {
      const f = emu.snapshot().b2xUserFlows.find((x) => x.id === id);
      assert.deepEqual(f?.identityProviderIds, ["EmailOtpSignup-OAUTH"]);
      assert.deepEqual(
        f?.assignments.map((a) => a.id),
        ["city", "email"],
      );
    },
  },
  UserFlowAppAssociation: {
    provider: userFlowAppAssociationProvider,
    createPath: "^/identity/events/onSignupStart$",
    inputs: async () => {
      await enableSignUp();
      await outOfBand(emu, "POST", "/identity/b2xUserFlows", {
        id: "L",
        userFlowType: "signUpOrSignIn",
        userFlowTypeVersion: 1,
      });
      return { connection, userFlowId: "B2X_1_L", appIds: [emu.sampleAppId], priority: 3 };
    },
    count: () => emu.snapshot().onSignupStartListeners.length,
    verify: (id) => assert.equal(emu.snapshot().onSignupStartListeners.find((l) => l.id === id)?.priority, 3),
  },
  SocialIdentityProvider: {
    provider: socialIdentityProviderProvider,
    createPath: "^/identity/identityProviders$",
    inputs: async () => ({ connection, type: "Google", clientId: "c", clientSecret: "s" }),
    count: () => emu.snapshot().identityProviders.filter((i) => i.kind === "social").length,
    verify: (id) => assert.equal(emu.snapshot().identityProviders.find((i) => i.id === id)?.clientId, "c"),
  },
};

for (const [kind, c] of Object.entries(cases)) {
  for (const [name, fault] of Object.entries(faults)) {
    test(`${kind} survives ${name} on create`, async () => {
      emu.reset();
      const p = c.provider as AnyProvider;
      const inputs = await checked(p, await c.inputs());
      emu.faults.add({ ...fault, method: "POST", path: c.createPath });
      const { id, outs } = await p.create(inputs);
      assert.deepEqual(emu.faults.remaining(), [], "the fault fired");
      assert.equal(c.count(), 1, "exactly one object: no duplicate");
      c.verify(id);
      // Let the emulated replication window close: a read or delete inside it sees 404 as Graph would.
      if (fault.kind === "notFoundAfterCreate")
        await new Promise((r) => setTimeout(r, (fault.durationMs ?? 0) + 50));
      const read = await p.read(id, outs!);
      assert.equal((await p.diff(id, read.props!, inputs)).changes, false, "converged");
      await p.delete(id, outs!);
      assert.equal(c.count(), 0, "no orphan");
    });
  }
}

const transient: Record<string, Fault> = {
  "429 without Retry-After": { kind: "throttle", times: 3 },
  "429 with Retry-After": { kind: "throttle", times: 3, retryAfterSeconds: 2 },
  "503": { kind: "unavailable", times: 3 },
  "504": { kind: "gatewayTimeout", times: 3 },
};

for (const [name, fault] of Object.entries(transient)) {
  test(`reads and in-place writes survive ${name} (policy PATCH, flow parts, getOrder)`, async () => {
    emu.reset();
    const policy = selfServiceSignUpPolicyProvider as unknown as AnyProvider;
    emu.faults.add({ ...fault, method: "PATCH", path: "^/policies/authenticationFlowsPolicy$" });
    emu.faults.add({ ...fault, method: "GET", path: "/getOrder$" });
    emu.faults.add({ ...fault, method: "POST", path: "/userFlowIdentityProviders/\\$ref$" });
    const pol = await policy.create(await checked(policy, { connection }));
    const flow = b2xUserFlowProvider as unknown as AnyProvider;
    const f = await flow.create(
      await checked(flow, { connection, name: "T", identityProviders: ["MSASignup-OAUTH"] }),
    );
    assert.deepEqual(emu.faults.remaining(), []);
    assert.equal(emu.snapshot().authenticationFlowsPolicy.selfServiceSignUp.isEnabled, true);
    assert.deepEqual(emu.snapshot().b2xUserFlows[0]?.identityProviderIds, ["MSASignup-OAUTH"]);
    await flow.delete(f.id, f.outs!);
    await policy.delete(pol.id, pol.outs!);
    assert.deepEqual(emu.diffFromSeed(), []);
  });
}

test("policy: a PATCH whose response is lost is re-read, not failed; the value found first is kept", async () => {
  emu.reset();
  const policy = selfServiceSignUpPolicyProvider as unknown as AnyProvider;
  const inputs = await checked(policy, { connection });
  emu.faults.add({ method: "PATCH", path: "^/policies/authenticationFlowsPolicy$", kind: "createThenFail" });
  const { outs } = await policy.create(inputs);
  assert.deepEqual(emu.faults.remaining(), [], "the fault fired");
  assert.equal(emu.snapshot().authenticationFlowsPolicy.selfServiceSignUp.isEnabled, true);
  assert.equal(outs?.previousEnabled, false, "the value before this stack changed it, restored on delete");
  assert.equal(
    emu.log.filter((e) => e.method === "PATCH" && e.handled).length,
    1,
    "applied once: the re-read saw it applied and did not write again",
  );
});
