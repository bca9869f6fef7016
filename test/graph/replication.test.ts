/**
 * The replication window right after a create (docs/graph-contract.md §7.2): a refresh that lands in it
 * retries the 404 with bounded back-off before calling the object deleted; long after the create a 404 means
 * "gone" at once; a delete that 404s is success either way. Every provider that creates an object is covered.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { userFlowAttributeProvider } from "../../components/graph/providers/attribute";
import { apiConnectorProvider } from "../../components/graph/providers/connector";
import { b2xUserFlowProvider } from "../../components/graph/providers/userflow";
import { userFlowAppAssociationProvider } from "../../components/graph/providers/listener";
import { socialIdentityProviderProvider } from "../../components/graph/providers/social-idp";
import { recentlyCreated, replicationWindowMs } from "../../components/graph/providers/common";
import { checked, emulatorWithConnection, outOfBand, type AnyProvider } from "./helpers";

let emu: GraphEmulator;
let connection: GraphConnection;
before(async () => {
  ({ emu, connection } = await emulatorWithConnection());
  // A read's 404 budget (6 back-offs) becomes ~0.7–1.4 s: comfortably longer than the 300 ms window.
  process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE = "0.03";
});
after(() => emu.close());

const windowMs = 300;
const longAgo = () => new Date(Date.now() - 2 * replicationWindowMs).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Case {
  readonly provider: unknown;
  /** Path of the collection the object is created in (the fault's path, without version). */
  readonly collection: string;
  readonly version?: "beta";
  readonly inputs: () => Promise<Record<string, unknown>>;
  /** The create request an admin (or another replica) would send; returns the new id. */
  readonly createOutOfBand: () => Promise<string>;
  readonly objectPath: (id: string) => string;
  /** A read whose id 404s looks the object up by natural key (the listener has no other key). */
  readonly rematches?: boolean;
}

const enableSignUp = () =>
  outOfBand(emu, "PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } });
const idOf = (x: unknown) => (x as { id: string }).id;

const cases: Record<string, Case> = {
  UserFlowAttribute: {
    provider: userFlowAttributeProvider,
    collection: "/identity/userFlowAttributes",
    inputs: async () => ({ connection, displayName: "Window attr" }),
    createOutOfBand: async () =>
      idOf(
        await outOfBand(emu, "POST", "/identity/userFlowAttributes", {
          displayName: "Window attr",
          dataType: "string",
          description: "",
        }),
      ),
    objectPath: (id) => `/identity/userFlowAttributes/${id}`,
  },
  ApiConnector: {
    provider: apiConnectorProvider,
    collection: "/identity/apiConnectors",
    inputs: async () => ({ connection, displayName: "Window connector", targetUrl: "https://w.example.net" }),
    createOutOfBand: async () =>
      idOf(
        await outOfBand(emu, "POST", "/identity/apiConnectors", {
          displayName: "Window connector",
          targetUrl: "https://w.example.net",
          authenticationConfiguration: {
            "@odata.type": "#microsoft.graph.basicAuthentication",
            username: "u",
            password: "window-password",
          },
        }),
      ),
    objectPath: (id) => `/identity/apiConnectors/${id}`,
  },
  B2xUserFlow: {
    provider: b2xUserFlowProvider,
    collection: "/identity/b2xUserFlows",
    inputs: async () => ({
      connection,
      name: "Window",
      attributes: [{ attributeId: "email", displayName: "E" }],
    }),
    createOutOfBand: async () =>
      idOf(
        await outOfBand(emu, "POST", "/identity/b2xUserFlows", {
          id: "Window",
          userFlowType: "signUpOrSignIn",
          userFlowTypeVersion: 1,
        }),
      ),
    objectPath: (id) => `/identity/b2xUserFlows/${id}`,
  },
  UserFlowAppAssociation: {
    provider: userFlowAppAssociationProvider,
    collection: "/identity/events/onSignupStart",
    version: "beta",
    inputs: async () => {
      await enableSignUp();
      await outOfBand(emu, "POST", "/identity/b2xUserFlows", {
        id: "L",
        userFlowType: "signUpOrSignIn",
        userFlowTypeVersion: 1,
      });
      return { connection, userFlowId: "B2X_1_L", appIds: [emu.sampleAppId] };
    },
    createOutOfBand: async () =>
      idOf(
        await outOfBand(
          emu,
          "POST",
          "/identity/events/onSignupStart",
          {
            "@odata.type": "#microsoft.graph.invokeUserFlowListener",
            priority: 100,
            sourceFilter: { includeApplications: [emu.sampleAppId] },
            userFlow: { id: "B2X_1_L" },
          },
          "beta",
        ),
      ),
    objectPath: (id) => `/identity/events/onSignupStart/${id}`,
    rematches: true,
  },
  SocialIdentityProvider: {
    provider: socialIdentityProviderProvider,
    collection: "/identity/identityProviders",
    inputs: async () => ({ connection, type: "Facebook", clientId: "fb", clientSecret: "fb-secret" }),
    createOutOfBand: async () =>
      idOf(
        await outOfBand(emu, "POST", "/identity/identityProviders", {
          "@odata.type": "#microsoft.graph.socialIdentityProvider",
          identityProviderType: "Facebook",
          clientId: "fb",
          clientSecret: "fb-secret",
        }),
      ),
    objectPath: (id) => `/identity/identityProviders/${id}`,
  },
};

/** The object is created (by the engine's create, or a replica we did not ask) and starts a 404 window. */
async function createHidden(c: Case): Promise<string> {
  emu.faults.add({
    method: "POST",
    path: `^${c.collection.replace(/\$/g, "\\$")}$`,
    kind: "notFoundAfterCreate",
    durationMs: windowMs,
  });
  return c.createOutOfBand();
}

const notFoundReads = (path: string) =>
  emu.log.filter((e) => e.method === "GET" && e.path.toLowerCase() === path.toLowerCase() && e.status === 404)
    .length;

for (const [kind, c] of Object.entries(cases)) {
  test(`${kind}: a refresh inside the replication window retries the 404; long after the create, 404 is "deleted"`, async () => {
    emu.reset();
    const p = c.provider as AnyProvider;
    const inputs = await checked(p, await c.inputs());
    // The provider records its create time in state.
    const made = await p.create(inputs);
    assert.ok(recentlyCreated(made.outs ?? {}), `createdAt in state: ${String(made.outs?.createdAt)}`);
    await p.delete(made.id, made.outs!);

    // Inside the window: retried until the object shows up, then read as usual.
    let id = await createHidden(c);
    emu.clearLog();
    const fresh = await p.read(id, { ...made.outs, createdAt: new Date().toISOString() });
    assert.equal(fresh.id, id, "not reported as deleted");
    assert.ok(notFoundReads(c.objectPath(id)) >= 1, "the first read did hit the window");
    assert.equal(fresh.inputs?.createdAt, undefined, "createdAt is state, not an input");
    assert.ok(recentlyCreated(fresh.props ?? {}), "and it survives the refresh");
    await sleep(windowMs);
    await p.delete(id, fresh.props!);

    // Long after our create, a 404 is the object being gone: one GET, no back-off.
    id = await createHidden(c);
    emu.clearLog();
    const gone = await p.read(id, { ...made.outs, createdAt: longAgo() });
    // (The listener then matches by flow and apps in the list, which the window does not hide.)
    if (!c.rematches) assert.equal(gone.id, undefined);
    assert.equal(notFoundReads(c.objectPath(id)), 1, "one GET: no retry, so no waiting");
    // State written before this change has no createdAt: same as long ago.
    const { createdAt: _c, ...legacy } = made.outs!;
    if (!c.rematches) assert.equal((await p.read(id, legacy)).id, undefined);
    await sleep(windowMs);
    await p.delete(id, fresh.props!);
  });

  test(`${kind}: a delete inside the replication window treats 404 as success, without retrying`, async () => {
    emu.reset();
    const p = c.provider as AnyProvider;
    const inputs = await checked(p, await c.inputs());
    const made = await p.create(inputs);
    await p.delete(made.id, made.outs!);
    const id = await createHidden(c);
    emu.clearLog();
    await p.delete(id, { ...made.outs, createdAt: new Date().toISOString() });
    assert.deepEqual(
      emu.log.filter((e) => e.method === "DELETE").map((e) => e.status),
      [404],
      "one DELETE, its 404 taken as 'already gone'",
    );
    await sleep(windowMs);
    await outOfBand(emu, "DELETE", c.objectPath(id), undefined, c.version);
  });
}

test("an update moments after the create retries the replication 404 instead of failing (listener: or duplicating)", async () => {
  emu.reset();
  const c = cases.UserFlowAppAssociation!;
  const p = c.provider as AnyProvider;
  const inputs = await checked(p, await c.inputs());
  const made = await p.create(inputs);
  await p.delete(made.id, made.outs!);
  const id = await createHidden(c);
  const olds = { ...made.outs, listenerId: id, createdAt: new Date().toISOString() };
  const { outs } = await p.update(id, olds, { ...inputs, priority: 42 });
  assert.equal(outs?.listenerId, id, "the same listener, patched");
  assert.deepEqual(
    emu.snapshot().onSignupStartListeners.map((l) => [l.id, l.priority]),
    [[id, 42]],
  );
});
