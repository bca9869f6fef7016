/**
 * TokenIssuanceStartListener, ClaimsMappingPolicy and MappedClaimsAcceptance against the Graph emulator:
 * lifecycle, drift, refusals before any write, and the claims mapping definition as pure functions.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { GraphConnection } from "../../components/graph";
import { tokenIssuanceStartListenerProvider } from "../../components/graph/providers/token-listener";
import { claimsMappingPolicyProvider } from "../../components/graph/providers/claims-policy";
import { mappedClaimsAcceptanceProvider } from "../../components/graph/providers/claims-policy-acceptance";
import {
  claimsMappingDefinition,
  claimsOfDefinition,
  validateClaims,
} from "../../components/graph/providers/claims-policy-definition";
import { checked, outOfBand, type AnyProvider } from "./helpers";
import { tenantWithTokenExtension, type ExtensionTenant } from "./token-claims-fixture";

const listener = tokenIssuanceStartListenerProvider as unknown as AnyProvider;
const policy = claimsMappingPolicyProvider as unknown as AnyProvider;
const accept = mappedClaimsAcceptanceProvider as unknown as AnyProvider;
let t: ExtensionTenant;
let connection: GraphConnection;
before(async () => {
  t = await tenantWithTokenExtension();
  connection = { cloud: "global", baseUrl: t.emu.url, credential: "emulator" };
});
after(() => t.cleanup());

const newApp = async (name: string, signInAudience = "AzureADMyOrg") => {
  const app = (await outOfBand(t.emu, "POST", "/applications", { displayName: name, signInAudience })) as {
    id: string;
    appId: string;
  };
  const sp = (await outOfBand(t.emu, "POST", "/servicePrincipals", { appId: app.appId })) as { id: string };
  return { ...app, spId: sp.id };
};

test("claims mapping definition: one string, CustomClaimsProvider entries, read back to the same claims", () => {
  const def = claimsMappingDefinition([{ id: "PartnerRole", jwtClaimType: "partner_role" }, { id: "tier" }]);
  assert.equal(def.length, 1);
  assert.deepEqual(JSON.parse(def[0]!), {
    ClaimsMappingPolicy: {
      Version: 1,
      IncludeBasicClaimSet: "true",
      ClaimsSchema: [
        { Source: "CustomClaimsProvider", ID: "PartnerRole", JwtClaimType: "partner_role" },
        { Source: "CustomClaimsProvider", ID: "tier" },
      ],
    },
  });
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:-]{0,20}$/);
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ id: name, jwtClaimType: fc.option(name, { nil: undefined }) }, { requiredKeys: ["id"] }),
        { maxLength: 8 },
      ),
      (claims) => {
        const clean = claims.map((c) =>
          c.jwtClaimType === undefined ? { id: c.id } : { id: c.id, jwtClaimType: c.jwtClaimType },
        );
        assert.deepEqual(claimsOfDefinition(claimsMappingDefinition(clean)), clean);
      },
    ),
  );
  assert.equal(claimsOfDefinition([def[0], def[0]]), undefined, "two strings is not our definition");
  assert.equal(
    claimsOfDefinition(['{"ClaimsMappingPolicy":{"ClaimsSchema":[{"Source":"user","ID":"mail"}]}}']),
    undefined,
  );
});

test("claims are refused with the key path: none, an empty id (1003026), repeated ids or token names, bad names", () => {
  const reasons = (claims: unknown) =>
    validateClaims(claims)
      .map(([, r]) => r)
      .join("\n");
  assert.match(reasons([]), /at least one claim/);
  assert.match(reasons([{ id: "" }]), /claims\[0\]\.id: required non-empty.*1003026/);
  assert.match(reasons([{ id: "a" }, { id: "a" }]), /claims\[1\]\.id: "a" repeats claims\[0\]/);
  assert.match(reasons([{ id: "a", jwtClaimType: "x" }, { id: "x" }]), /claims\[1\]: token claim name "x"/);
  assert.match(reasons([{ id: "has space" }]), /claims\[0\]\.id/);
  assert.equal(reasons([{ id: "A" }, { id: "a" }]), "", "ids are case-sensitive: A and a are two claims");
});

test("listener: create with priority 500 → no change on read → update apps and priority in place → drift seen → id lost and re-matched → delete", async () => {
  const other = await newApp("listener other");
  const i = await checked(listener, {
    connection,
    customExtensionId: t.extensionId,
    includeApplications: [t.emu.sampleAppId],
  });
  assert.equal(i.priority, 500);
  const { id, outs } = await listener.create(i);
  const stored = () => t.emu.snapshot().authenticationEventListeners.filter((l) => l.id !== t.flowListenerId);
  assert.deepEqual(
    stored().map((l) => [l.type, l.customExtensionId, l.includeApplications, l.priority]),
    [["microsoft.graph.onTokenIssuanceStartListener", t.extensionId, [t.emu.sampleAppId], 500]],
  );
  const fresh = await listener.read(id, outs!);
  assert.equal((await listener.diff(id, fresh.props!, i)).changes, false);

  const moved = { ...i, includeApplications: [t.emu.sampleAppId, other.appId], priority: 10 };
  const d = await listener.diff(id, outs!, moved);
  assert.equal(d.changes, true);
  assert.deepEqual(d.replaces, []);
  const up = await listener.update(id, outs!, moved);
  assert.deepEqual(stored()[0]?.includeApplications, [t.emu.sampleAppId, other.appId]);

  await outOfBand(t.emu, "PATCH", `/identity/authenticationEventListeners/${id}`, {
    "@odata.type": "#microsoft.graph.onTokenIssuanceStartListener",
    priority: 77,
  });
  const drift = await listener.read(id, up.outs!);
  assert.equal(drift.props?.priority, 77);
  assert.equal((await listener.diff(id, drift.props!, moved)).changes, true);

  const recreated = (await outOfBand(t.emu, "POST", "/identity/authenticationEventListeners", {
    "@odata.type": "#microsoft.graph.onTokenIssuanceStartListener",
    conditions: {
      applications: { includeApplications: [{ appId: other.appId }, { appId: t.emu.sampleAppId }] },
    },
    handler: {
      "@odata.type": "#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler",
      customExtension: { id: t.extensionId },
    },
  })) as { id: string };
  await outOfBand(t.emu, "DELETE", `/identity/authenticationEventListeners/${id}`);
  const rematched = await listener.read(id, up.outs!);
  assert.equal(rematched.id, recreated.id, "found again by extension + set of apps");
  await listener.delete(rematched.id!, rematched.props!);
  assert.deepEqual(stored(), []);
});

test("listener: one that belongs to an events flow is neither adopted nor deleted", async () => {
  const flowOwned = () =>
    t.emu.snapshot().authenticationEventListeners.find((l) => l.id === t.flowListenerId);
  assert.ok(flowOwned()?.authenticationEventsFlowId);
  const i = await checked(listener, {
    connection,
    customExtensionId: t.extensionId,
    includeApplications: [t.emu.sampleAppId],
    adoptExisting: true,
  });
  const { id, outs } = await listener.create(i);
  assert.notEqual(id, t.flowListenerId, "same extension and apps, but the flow's: a new listener is made");
  await listener.delete(id, outs!);
  // State pointing at the flow's listener (e.g. adopted by an older release): delete leaves it to the flow.
  await listener.delete(t.flowListenerId, { ...outs!, listenerId: t.flowListenerId });
  assert.ok(flowOwned(), "the flow's listener is still there");
  assert.deepEqual(
    t.emu.snapshot().authenticationEventListeners.map((l) => l.id),
    [t.flowListenerId],
  );
});

test("claims mapping policy: created with isOrganizationDefault false and assigned; claim set changes in place; a removed assignment is drift; delete unassigns first", async () => {
  const target = await newApp("claims target");
  const i = await checked(policy, {
    connection,
    displayName: "Contoso claims",
    claims: [{ id: "PartnerRole", jwtClaimType: "partner_role" }],
    appIds: [target.appId],
  });
  const { id, outs } = await policy.create(i);
  const stored = () => t.emu.snapshot().claimsMappingPolicies.find((p) => p.id === id);
  assert.equal(stored()?.isOrganizationDefault, false);
  assert.deepEqual(outs?.servicePrincipalIds, [target.spId]);
  assert.deepEqual(
    t.emu.snapshot().servicePrincipals.find((s) => s.id === target.spId)?.claimsMappingPolicyIds,
    [id],
  );
  assert.equal((await policy.diff(id, (await policy.read(id, outs!)).props!, i)).changes, false);

  const more = { ...i, claims: [{ id: "PartnerRole", jwtClaimType: "partner_role" }, { id: "partnerTier" }] };
  assert.deepEqual((await policy.diff(id, outs!, more)).replaces, []);
  const up = await policy.update(id, outs!, more);
  assert.deepEqual(claimsOfDefinition(stored()?.definition), more.claims);

  await outOfBand(t.emu, "DELETE", `/servicePrincipals/${target.spId}/claimsMappingPolicies/${id}/$ref`);
  const drift = await policy.read(id, up.outs!);
  assert.deepEqual(drift.props?.servicePrincipalIds, [""]);
  assert.equal((await policy.diff(id, drift.props!, more)).changes, true);
  await outOfBand(t.emu, "PATCH", `/policies/claimsMappingPolicies/${id}`, { isOrganizationDefault: true });
  const fixed = await policy.update(id, (await policy.read(id, up.outs!)).props!, more);
  assert.equal(stored()?.isOrganizationDefault, false, "never the organization default");
  assert.equal((await policy.diff(id, (await policy.read(id, fixed.outs!)).props!, more)).changes, false);

  await policy.delete(id, fixed.outs!);
  assert.equal(stored(), undefined);
  assert.deepEqual(
    t.emu.snapshot().servicePrincipals.find((s) => s.id === target.spId)?.claimsMappingPolicyIds,
    [],
  );
});

test("claims mapping policy: an app whose service principal already has another policy is refused by name before anything is written", async () => {
  const taken = await newApp("already mapped");
  const theirs = (await outOfBand(t.emu, "POST", "/policies/claimsMappingPolicies", {
    displayName: "Their policy",
    definition: claimsMappingDefinition([{ id: "x" }]),
  })) as { id: string };
  await outOfBand(t.emu, "POST", `/servicePrincipals/${taken.spId}/claimsMappingPolicies/$ref`, {
    "@odata.id": `${t.emu.url}/v1.0/policies/claimsMappingPolicies/${theirs.id}`,
  });
  const before = t.emu.snapshot().claimsMappingPolicies.length;
  t.emu.clearLog();
  const i = await checked(policy, {
    connection,
    displayName: "Ours",
    claims: [{ id: "r" }],
    appIds: [taken.appId],
  });
  await assert.rejects(
    policy.create(i),
    /already has claims mapping policy "Their policy" \(.*\).*drop the app from appIds/,
  );
  assert.equal(t.emu.counts().writes, 0);
  assert.equal(t.emu.snapshot().claimsMappingPolicies.length, before);
  const noSp = (await outOfBand(t.emu, "POST", "/applications", {
    displayName: "no sp",
    signInAudience: "AzureADMyOrg",
  })) as { appId: string };
  await assert.rejects(
    policy.create({ ...i, appIds: [noSp.appId] }),
    new RegExp(`${noSp.appId} has no service principal`),
  );
});

test("mapped claims acceptance: a single-tenant app accepts mapped claims with v2 tokens, other api settings survive, and delete restores what was found", async () => {
  const app = await newApp("accepting app");
  await outOfBand(t.emu, "PATCH", `/applications/${app.id}`, {
    api: { knownClientApplications: [t.emu.sampleAppId] },
  });
  const i = await checked(accept, { connection, appId: app.appId });
  const { id, outs } = await accept.create(i);
  const stored = () => t.emu.snapshot().applications.find((a) => a.id === app.id)!.api;
  assert.equal(stored().acceptMappedClaims, true);
  assert.equal(stored().requestedAccessTokenVersion, 2);
  assert.deepEqual(
    stored().knownClientApplications,
    [t.emu.sampleAppId],
    "the rest of api is sent back, not lost",
  );
  assert.equal((await accept.diff(id, (await accept.read(id, outs!)).props!, i)).changes, false);

  await outOfBand(t.emu, "PATCH", `/applications/${app.id}`, {
    api: { ...stored(), acceptMappedClaims: false },
  });
  const drift = await accept.read(id, outs!);
  assert.equal((await accept.diff(id, drift.props!, i)).changes, true);
  await accept.update(id, drift.props!, i);
  assert.equal(stored().acceptMappedClaims, true);

  await accept.delete(id, outs!);
  assert.equal(stored().acceptMappedClaims, null);
  assert.equal(stored().requestedAccessTokenVersion, null);
  assert.deepEqual(stored().knownClientApplications, [t.emu.sampleAppId]);
});

test("mapped claims acceptance: a multi-tenant app is refused at preview with the reason and the alternative, with no write", async () => {
  const multi = await newApp("multi-tenant app", "AzureADMultipleOrgs");
  t.emu.clearLog();
  const r = await accept.check({}, { connection, appId: multi.appId });
  const reason = (r.failures ?? []).map((f) => f.reason).join("\n");
  assert.match(reason, /multi-tenant \(signInAudience AzureADMultipleOrgs\)/);
  assert.match(reason, /custom signing key/);
  assert.match(reason, /AzureADMyOrg/);
  assert.equal(t.emu.counts().writes, 0);
  const unknownApp = await accept.check({}, { connection, appId: crypto.randomUUID() });
  assert.match((unknownApp.failures ?? [])[0]?.reason ?? "", /no application with appId/);
});
