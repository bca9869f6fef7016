/**
 * UserFlowAppAssociation (beta onSignupStart listener) and SocialIdentityProvider providers against the
 * Graph emulator: lifecycle, drift, re-matching a listener whose id is gone, adoption.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { userFlowAppAssociationProvider } from "../../components/graph/providers/listener";
import { socialIdentityProviderProvider } from "../../components/graph/providers/social-idp";
import { b2xUserFlowProvider } from "../../components/graph/providers/userflow";
import { checked, emulatorWithConnection, outOfBand, type AnyProvider } from "./helpers";
import { setNoticeSink } from "../../components/graph/providers/adopt-secrets";

const listener = userFlowAppAssociationProvider as unknown as AnyProvider;
const idp = socialIdentityProviderProvider as unknown as AnyProvider;
const flow = b2xUserFlowProvider as unknown as AnyProvider;
let emu: GraphEmulator;
let connection: GraphConnection;

before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());

async function twoFlows() {
  const a = await flow.create(await checked(flow, { connection, name: "A" }));
  const b = await flow.create(await checked(flow, { connection, name: "B" }));
  return { a: a.id, b: b.id };
}

test("listener: create → read → update (priority, flow, apps) → id lost and re-matched → delete", async () => {
  emu.reset();
  await outOfBand(emu, "PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: true },
  });
  const { a, b } = await twoFlows();
  const inputs = await checked(listener, { connection, userFlowId: a, appIds: [emu.sampleAppId] });
  assert.equal(inputs.priority, 100);
  const { id, outs } = await listener.create(inputs);
  assert.equal(
    emu.log.filter((e) => e.path.startsWith("/identity/events")).every((e) => e.version === "beta"),
    true,
    "beta only",
  );
  const stored = () => emu.snapshot().onSignupStartListeners;
  assert.deepEqual(
    stored().map((l) => [l.userFlowId, l.includeApplications, l.priority]),
    [[a, [emu.sampleAppId], 100]],
  );

  const fresh = await listener.read(id, outs!);
  assert.equal((await listener.diff(id, fresh.props!, inputs)).changes, false);

  const moved = { ...inputs, userFlowId: b, priority: 7, appIds: [emu.sampleAppId.toUpperCase()] };
  const d = await listener.diff(id, outs!, moved);
  assert.equal(d.changes, true);
  assert.deepEqual(
    d.replaces,
    ["userFlowId"],
    "a new flow is a new listener (and lets the flow be replaced)",
  );
  assert.deepEqual(
    (await listener.diff(id, outs!, { ...inputs, priority: 9 })).replaces,
    [],
    "priority updates in place",
  );
  const up = await listener.update(id, outs!, moved);
  assert.equal(stored()[0]?.userFlowId, b);
  assert.equal(stored()[0]?.priority, 7);

  // Drift: priority edited out of band.
  await outOfBand(
    emu,
    "PATCH",
    `/identity/events/onSignupStart/${id}`,
    { "@odata.type": "#microsoft.graph.invokeUserFlowListener", priority: 55 },
    "beta",
  );
  const drift = await listener.read(id, up.outs!);
  assert.equal(drift.props?.priority, 55);

  // The listener is recreated out of band under a new id: read re-matches it by flow + apps.
  await outOfBand(emu, "DELETE", `/identity/events/onSignupStart/${id}`, undefined, "beta");
  const again = (await outOfBand(
    emu,
    "POST",
    "/identity/events/onSignupStart",
    {
      "@odata.type": "#microsoft.graph.invokeUserFlowListener",
      priority: 7,
      sourceFilter: { includeApplications: [emu.sampleAppId] },
      userFlow: { id: b },
    },
    "beta",
  )) as { id: string };
  const rematched = await listener.read(id, up.outs!);
  assert.equal(rematched.id, again.id);

  // Deleted out of band before an update: update recreates it.
  await outOfBand(emu, "DELETE", `/identity/events/onSignupStart/${again.id}`, undefined, "beta");
  const recreated = await listener.update(
    again.id,
    { ...up.outs!, listenerId: again.id },
    { ...moved, priority: 8 },
  );
  assert.equal(stored().length, 1);
  assert.equal(stored()[0]?.priority, 8);

  await listener.delete(String(recreated.outs?.listenerId), recreated.outs!);
  await listener.delete(String(recreated.outs?.listenerId), recreated.outs!);
  assert.equal(stored().length, 0);
});

test("listener: adoptExisting matches by flow and app set; check rejects object ids that are not GUIDs", async () => {
  emu.reset();
  await outOfBand(emu, "PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: true },
  });
  const { a } = await twoFlows();
  const existing = (await outOfBand(
    emu,
    "POST",
    "/identity/events/onSignupStart",
    {
      "@odata.type": "#microsoft.graph.invokeUserFlowListener",
      priority: 5,
      sourceFilter: { includeApplications: [emu.sampleAppId] },
      userFlow: { id: a },
    },
    "beta",
  )) as { id: string };
  const { id } = await listener.create(
    await checked(listener, {
      connection,
      userFlowId: a,
      appIds: [emu.sampleAppId],
      priority: 6,
      adoptExisting: true,
    }),
  );
  assert.equal(id, existing.id);
  assert.equal(emu.snapshot().onSignupStartListeners.length, 1);
  assert.equal(emu.snapshot().onSignupStartListeners[0]?.priority, 6);

  const bad = await listener.check(
    {},
    { connection, userFlowId: "", appIds: ["Partner Portal"], priority: -1 },
  );
  assert.deepEqual(bad.failures?.map((f) => f.property).sort(), ["appIds", "priority", "userFlowId"]);
});

test("social identity provider: create → secret diff by hash → update → replace on type → delete", async () => {
  emu.reset();
  const inputs = await checked(idp, {
    connection,
    type: "google",
    clientId: "cid-1",
    clientSecret: "google-secret-1",
  });
  assert.equal(inputs.type, "Google");
  const { id, outs } = await idp.create(inputs);
  assert.equal(id, "Google-OAUTH");
  assert.equal(outs?.clientSecret, undefined, "no secret in outputs");
  assert.ok(!JSON.stringify(outs).includes("google-secret-1"), "no secret in outputs");
  const stored = () => emu.snapshot().identityProviders.find((i) => i.id === id);
  assert.equal(stored()?.clientSecret, "google-secret-1");

  assert.equal((await idp.diff(id, outs!, inputs)).changes, false);
  const rotated = { ...inputs, clientSecret: "google-secret-2" };
  assert.equal((await idp.diff(id, outs!, rotated)).changes, true);
  const up = await idp.update(id, outs!, rotated);
  assert.equal(stored()?.clientSecret, "google-secret-2");
  assert.equal((await idp.diff(id, up.outs!, rotated)).changes, false);

  await outOfBand(emu, "PATCH", `/identity/identityProviders/${id}`, {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    clientId: "changed",
  });
  const drift = await idp.read(id, up.outs!);
  assert.equal(drift.props?.clientId, "changed");
  assert.equal((await idp.diff(id, drift.props!, rotated)).changes, true);

  const toFacebook = await idp.diff(id, up.outs!, { ...rotated, type: "Facebook" });
  assert.deepEqual(toFacebook.replaces, ["type"]);
  assert.equal(toFacebook.deleteBeforeReplace, true);

  await idp.delete(id, up.outs!);
  await idp.delete(id, up.outs!);
  assert.deepEqual(emu.diffFromSeed(), []);
});

test("social identity provider: adoptExisting takes over the tenant's provider of that type", async () => {
  emu.reset();
  await outOfBand(emu, "POST", "/identity/identityProviders", {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    displayName: "Facebook",
    identityProviderType: "Facebook",
    clientId: "old",
    clientSecret: "old",
  });
  const { id } = await idp.create(
    await checked(idp, {
      connection,
      type: "Facebook",
      clientId: "new",
      clientSecret: "fb-new",
      adoptExisting: true,
    }),
  );
  const fb = emu.snapshot().identityProviders.filter((i) => i.identityProviderType === "Facebook");
  assert.equal(fb.length, 1);
  assert.equal(fb[0]?.id, id);
  assert.equal(fb[0]?.clientSecret, "fb-new");
});

test("social identity provider: adopting with the client id Graph shows trusts the given secret (0 writes, one notice); a later change is one PATCH; adoptSecrets: write sends it once", async () => {
  emu.reset();
  const handMade = {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    displayName: "Google",
    identityProviderType: "Google",
    clientId: "google-app",
    clientSecret: "hand-made-secret",
  };
  await outOfBand(emu, "POST", "/identity/identityProviders", handMade);
  const inputs = await checked(idp, {
    connection,
    type: "Google",
    clientId: "google-app",
    clientSecret: "hand-made-secret",
    adoptExisting: true,
  });
  const writes = () => emu.log.filter((l) => l.write).map((l) => `${l.method} ${l.path}`);
  const stored = () => emu.snapshot().identityProviders.find((i) => i.id === "Google-OAUTH");
  const notices: string[] = [];
  const previous = setNoticeSink((line) => notices.push(line));
  emu.clearLog();
  const { id, outs } = await idp.create(inputs).finally(() => setNoticeSink(previous));
  assert.deepEqual(writes(), [], "adopting with the secret it holds writes nothing");
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /adopted Google identity provider "Google-OAUTH" with the client secret /);
  assert.ok(
    !notices.join("").includes("hand-made-secret") && !JSON.stringify(outs).includes("hand-made-secret"),
  );
  assert.equal(outs?.secretAdopted, true);
  assert.equal((await idp.diff(id, outs!, inputs)).changes, false, "recorded as if sent");

  const changed = { ...inputs, clientSecret: "rotated-secret" };
  assert.equal((await idp.diff(id, outs!, changed)).changes, true);
  emu.clearLog();
  const up = await idp.update(id, outs!, changed);
  assert.deepEqual(writes(), ["PATCH /identity/identityProviders/Google-OAUTH"]);
  assert.equal(stored()?.clientSecret, "rotated-secret");
  assert.equal(up.outs?.secretAdopted, undefined);
  assert.equal((await idp.diff(id, up.outs!, { ...changed, adoptSecrets: "write" })).changes, false);

  // Adopted with "trust" while Graph held another secret; "write" sends the given one once.
  await idp.delete(id, up.outs!);
  await outOfBand(emu, "POST", "/identity/identityProviders", handMade);
  const silenced = setNoticeSink(() => undefined);
  const again = await idp.create(changed).finally(() => setNoticeSink(silenced));
  assert.equal(stored()?.clientSecret, "hand-made-secret", "trusted: not sent");
  const write = { ...changed, adoptSecrets: "write" };
  assert.equal((await idp.diff(id, again.outs!, write)).changes, true);
  emu.clearLog();
  const sent = await idp.update(id, again.outs!, write);
  assert.deepEqual(writes(), ["PATCH /identity/identityProviders/Google-OAUTH"]);
  assert.equal(stored()?.clientSecret, "rotated-secret");
  assert.equal((await idp.diff(id, sent.outs!, write)).changes, false, "and only once");

  // At adopt, "write" sends it straight away; a changed display name alone is written without the secret.
  await idp.delete(id, sent.outs!);
  await outOfBand(emu, "POST", "/identity/identityProviders", handMade);
  await idp.create(await checked(idp, { ...write, clientSecret: "third" }));
  assert.equal(stored()?.clientSecret, "third");
  await idp.delete(id, sent.outs!);
  await outOfBand(emu, "POST", "/identity/identityProviders", handMade);
  const quiet = setNoticeSink(() => undefined);
  const renamed = await idp
    .create(await checked(idp, { ...inputs, displayName: "Sign in with Google" }))
    .finally(() => setNoticeSink(quiet));
  assert.equal(stored()?.displayName, "Sign in with Google");
  assert.equal(stored()?.clientSecret, "hand-made-secret");
  assert.equal(renamed.outs?.secretAdopted, true);
});

test("adoptSecrets: a value other than trust or write is refused at check, naming both", async () => {
  const result = await idp.check(
    {},
    { connection, type: "Google", clientId: "c", clientSecret: "s", adoptSecrets: "always" },
  );
  assert.deepEqual(
    result.failures?.map((f) => f.property),
    ["adoptSecrets"],
  );
  assert.match(result.failures![0]!.reason, /"always" is not one of "trust", "write"/);
});
