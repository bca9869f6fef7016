/**
 * The emulator's applications, service principals, app role grants, claims mapping policies and token
 * issuance start listeners are as strict as Graph: what Graph refuses is refused, permissions are
 * enforced per call, and they work the same in workforce and external tenants.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { ALL_ROLES } from "../../local/graph-emulator";
import {
  EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
  GRAPH_SP_OBJECT_ID,
  MICROSOFT_GRAPH_APP_ID,
} from "../../local/graph-emulator/directorySeed";
import { applicationByAppId } from "../../local/graph-emulator/store";
import { client } from "../graph-emulator/helpers";
import { tenantWithTokenExtension, type ExtensionTenant } from "./token-claims-fixture";

let t: ExtensionTenant;
let call: ReturnType<typeof client>;
before(async () => {
  t = await tenantWithTokenExtension();
  call = client(t.emu);
});
after(() => t.cleanup());
beforeEach(() => t.emu.tenant.set({ tenantType: "AAD", grantedRoles: [...ALL_ROLES] }));

async function newApi(name: string) {
  const app = await call("POST", "/applications", { displayName: name, signInAudience: "AzureADMyOrg" });
  assert.equal(app.status, 201, JSON.stringify(app.body));
  const sp = await call("POST", "/servicePrincipals", { appId: app.body.appId });
  assert.equal(sp.status, 201, JSON.stringify(sp.body));
  return { app: app.body, sp: sp.body };
}

test("identifier URIs follow Graph's rules: api://<host>/<appId> is accepted, another app's id or host-only is refused, duplicates too", async () => {
  const { app } = await newApi("uri rules");
  const good = `api://fn.example.net/${app.appId}`;
  const ok = await call("PATCH", `/applications/${app.id}`, {
    identifierUris: [good],
    api: { requestedAccessTokenVersion: 2 },
  });
  assert.equal(ok.status, 204);
  const read = await call("GET", `/applications(appId='${app.appId}')`);
  assert.deepEqual(read.body.identifierUris, [good]);
  assert.equal(read.body.api.requestedAccessTokenVersion, 2);
  assert.equal(read.body.ownedByCaller, undefined, "no emulator bookkeeping in Graph's answer");

  for (const bad of [
    "api://fn.example.net",
    `api://fn.example.net/${crypto.randomUUID()}`,
    "https://fn.example.net/x",
  ]) {
    const r = await call("PATCH", `/applications/${app.id}`, { identifierUris: [bad] });
    assert.equal(r.status, 400, bad);
    assert.equal(r.body.error.code, "HostNameNotOnVerifiedDomain");
  }
  const shared = `api://${t.emu.tenantId}/shared`;
  assert.equal(
    (await call("PATCH", `/applications/${app.id}`, { identifierUris: [good, shared] })).status,
    204,
  );
  const other = await newApi("uri rules 2");
  const dup = await call("PATCH", `/applications/${other.app.id}`, {
    identifierUris: [shared.toUpperCase()],
  });
  assert.equal(dup.status, 400);
  assert.match(dup.body.error.message, /identifierUris already exists/);
});

test("PATCH of api replaces the whole apiApplication: fields not sent are reset", async () => {
  const { app } = await newApi("api replace");
  await call("PATCH", `/applications/${app.id}`, {
    api: { acceptMappedClaims: true, requestedAccessTokenVersion: 2 },
  });
  await call("PATCH", `/applications/${app.id}`, { api: { requestedAccessTokenVersion: 2 } });
  const read = await call("GET", `/applications/${app.id}`);
  assert.equal(read.body.api.acceptMappedClaims, null);
  const bad = await call("PATCH", `/applications/${app.id}`, { api: { requestedAccessTokenVersion: 3 } });
  assert.equal(bad.status, 400);
});

test("Microsoft Graph's service principal publishes Receive.Payload under the tenant's own id, readable by the appId key", async () => {
  const r = await call("GET", `/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')?$select=id,appRoles`);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, GRAPH_SP_OBJECT_ID);
  const role = r.body.appRoles.find(
    (x: { value: string }) => x.value === "CustomAuthenticationExtension.Receive.Payload",
  );
  assert.equal(role.id, EMULATED_RECEIVE_PAYLOAD_ROLE_ID);
  assert.notEqual(role.id, "00aa00aa-bb11-cc22-dd33-44ee44ee44ee");
});

test("service principals: one per existing app; app role grants check the role, the resource and duplicates; deleting the app removes its SP and grants", async () => {
  const { app, sp } = await newApi("grants");
  const again = await call("POST", "/servicePrincipals", { appId: app.appId });
  assert.equal(again.status, 400);
  const ghost = await call("POST", "/servicePrincipals", { appId: crypto.randomUUID() });
  assert.equal(ghost.status, 400);
  assert.match(ghost.body.error.message, /does not reference a valid application/);

  const body = {
    principalId: sp.id,
    resourceId: GRAPH_SP_OBJECT_ID,
    appRoleId: EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
  };
  const wrongRole = await call("POST", `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo`, {
    ...body,
    appRoleId: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
  });
  assert.equal(wrongRole.status, 400, "the documentation's placeholder role id is not a role");
  const wrongResource = await call("POST", `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo`, {
    ...body,
    resourceId: sp.id,
  });
  assert.equal(wrongResource.status, 400);
  const granted = await call("POST", `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo`, body);
  assert.equal(granted.status, 201);
  const dup = await call("POST", `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo`, body);
  assert.equal(dup.status, 400);
  assert.match(dup.body.error.message, /already exists/);
  const mine = await call("GET", `/servicePrincipals/${sp.id}/appRoleAssignments`);
  assert.deepEqual(
    mine.body.value.map((a: { appRoleId: string }) => a.appRoleId),
    [EMULATED_RECEIVE_PAYLOAD_ROLE_ID],
  );

  assert.equal((await call("DELETE", `/applications/${app.id}`)).status, 204);
  const state = t.emu.snapshot();
  assert.equal(
    state.servicePrincipals.some((x) => x.id === sp.id),
    false,
  );
  assert.equal(
    state.appRoleAssignments.some((a) => a.principalId === sp.id),
    false,
  );
});

test("permissions: OwnedBy covers only the caller's apps; a grant needs AppRoleAssignment.ReadWrite.All and Application.Read.All", async () => {
  const { sp } = await newApi("perm");
  const sample = t.emu.sampleAppId;
  const sampleObj = t.emu.snapshot().applications.find((a) => a.appId === sample)!.id;
  t.emu.tenant.set({ grantedRoles: ["Application.ReadWrite.OwnedBy", "AppRoleAssignment.ReadWrite.All"] });
  const foreign = await call("PATCH", `/applications/${sampleObj}`, { api: { acceptMappedClaims: true } });
  assert.equal(foreign.status, 403, "OwnedBy does not cover an app the caller did not create");
  const own = await call("POST", "/applications", { displayName: "owned", signInAudience: "AzureADMyOrg" });
  assert.equal((await call("PATCH", `/applications/${own.body.id}`, { displayName: "owned 2" })).status, 204);
  const body = {
    principalId: sp.id,
    resourceId: GRAPH_SP_OBJECT_ID,
    appRoleId: EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
  };
  t.emu.tenant.set({ grantedRoles: ["AppRoleAssignment.ReadWrite.All"] });
  assert.equal(
    (await call("POST", `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo`, body)).status,
    403,
  );
  t.emu.tenant.set({ grantedRoles: ["Application.Read.All"] });
  assert.equal(
    (await call("POST", `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo`, body)).status,
    403,
  );
  t.emu.tenant.set({ grantedRoles: ["EventListener.Read.All"] });
  assert.equal((await call("GET", "/identity/authenticationEventListeners")).status, 200);
  assert.equal((await call("POST", "/identity/authenticationEventListeners", {})).status, 403);
  t.emu.tenant.set({ grantedRoles: ["Policy.Read.All"] });
  assert.equal((await call("POST", "/policies/claimsMappingPolicies", {})).status, 403);
});

const definition = (schema: unknown[]) => [
  JSON.stringify({ ClaimsMappingPolicy: { Version: 1, IncludeBasicClaimSet: "true", ClaimsSchema: schema } }),
];

test("claims mapping policies: definition is one string of valid policy JSON with non-empty IDs; one policy per service principal; no delete while assigned", async () => {
  for (const bad of [
    ["a", "b"],
    "{}",
    ["not json"],
    definition([{ Source: "CustomClaimsProvider", ID: "" }]),
    definition([
      { Source: "CustomClaimsProvider", ID: "a", JwtClaimType: "x" },
      { Source: "CustomClaimsProvider", ID: "b", JwtClaimType: "x" },
    ]),
  ]) {
    const r = await call("POST", "/policies/claimsMappingPolicies", { displayName: "bad", definition: bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  const mk = async (name: string) =>
    (
      await call("POST", "/policies/claimsMappingPolicies", {
        displayName: name,
        isOrganizationDefault: false,
        definition: definition([{ Source: "CustomClaimsProvider", ID: "PartnerRole", JwtClaimType: "role" }]),
      })
    ).body;
  const p1 = await mk("one");
  const p2 = await mk("two");
  const { sp } = await newApi("policy target");
  const ref = (id: string) => ({ "@odata.id": `${t.emu.url}/v1.0/policies/claimsMappingPolicies/${id}` });
  assert.equal(
    (await call("POST", `/servicePrincipals/${sp.id}/claimsMappingPolicies/$ref`, ref(p1.id))).status,
    204,
  );
  const second = await call("POST", `/servicePrincipals/${sp.id}/claimsMappingPolicies/$ref`, ref(p2.id));
  assert.equal(second.status, 400);
  assert.match(second.body.error.message, new RegExp(p1.id));
  const listed = await call("GET", `/servicePrincipals/${sp.id}/claimsMappingPolicies`);
  assert.deepEqual(
    listed.body.value.map((p: { id: string }) => p.id),
    [p1.id],
  );
  assert.equal((await call("DELETE", `/policies/claimsMappingPolicies/${p1.id}`)).status, 400);
  assert.equal(
    (await call("DELETE", `/servicePrincipals/${sp.id}/claimsMappingPolicies/${p1.id}/$ref`)).status,
    204,
  );
  assert.equal((await call("DELETE", `/policies/claimsMappingPolicies/${p1.id}`)).status, 204);
  assert.equal((await call("DELETE", `/policies/claimsMappingPolicies/${p2.id}`)).status, 204);
});

test("token issuance start listeners: need an existing extension of the right type, @odata.type on PATCH, and work in an external tenant", async () => {
  t.emu.tenant.set({ tenantType: "CIAM" });
  const body = (extId: string) => ({
    "@odata.type": "#microsoft.graph.onTokenIssuanceStartListener",
    conditions: { applications: { includeApplications: [{ appId: t.emu.sampleAppId }] } },
    handler: {
      "@odata.type": "#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler",
      customExtension: { id: extId },
    },
  });
  const missing = await call("POST", "/identity/authenticationEventListeners", body(crypto.randomUUID()));
  assert.equal(missing.status, 400);
  const wrongType = await call("POST", "/identity/authenticationEventListeners", body(t.submitExtensionId));
  assert.equal(wrongType.status, 400);
  assert.match(wrongType.body.error.message, /onAttributeCollectionSubmitCustomExtension/);
  const created = await call("POST", "/identity/authenticationEventListeners", body(t.extensionId));
  assert.equal(created.status, 201);
  assert.equal(created.body.priority, 500);
  assert.equal(created.body.handler.customExtension.id, t.extensionId);
  const untyped = await call("PATCH", `/identity/authenticationEventListeners/${created.body.id}`, {
    priority: 7,
  });
  assert.equal(untyped.status, 400);
  const typed = await call("PATCH", `/identity/authenticationEventListeners/${created.body.id}`, {
    "@odata.type": "#microsoft.graph.onTokenIssuanceStartListener",
    priority: 7,
  });
  assert.equal(typed.status, 204);
  assert.equal(
    (await call("GET", `/identity/authenticationEventListeners/${created.body.id}`)).body.priority,
    7,
  );
  assert.equal(
    (await call("DELETE", `/identity/authenticationEventListeners/${created.body.id}`)).status,
    204,
  );
});

test("applicationByAppId finds an application and its service principal, and hands out copies", async () => {
  const { app, sp } = await newApi("lookup");
  const state = t.emu.snapshot();
  const found = applicationByAppId(state, app.appId.toUpperCase());
  assert.equal(found?.application.id, app.id);
  assert.equal(found?.servicePrincipal?.id, sp.id);
  found!.application.displayName = "changed";
  assert.equal(applicationByAppId(state, app.appId)?.application.displayName, "lookup");
  assert.equal(applicationByAppId(state, crypto.randomUUID()), undefined);
});
