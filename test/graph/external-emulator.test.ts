/**
 * The emulator's external-tenant surface: events flows, their parts, custom extensions and the three
 * attach variants, strict like Graph and served only in an external (CIAM) tenant.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { client } from "../graph-emulator/helpers";

let emu: GraphEmulator;
let call: ReturnType<typeof client>;

before(async () => {
  emu = await startGraphEmulator();
  call = client(emu);
});
after(async () => {
  await emu?.close();
});
beforeEach(() => {
  emu.reset();
  emu.tenant.set({ tenantType: "CIAM" });
});

const FLOWS = "/identity/authenticationEventsFlows";
const FLOW_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const prefix = (id: string) => `${FLOWS}/${id}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow`;
const attrsPath = (id: string) =>
  `${prefix(id)}/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`;
const idpsPath = (id: string) =>
  `${prefix(id)}/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`;

const input = (attribute: string, label: string) => ({ attribute, label, inputType: "text" });
function flowBody(displayName: string, extra: Record<string, unknown> = {}) {
  return {
    "@odata.type": FLOW_TYPE,
    displayName,
    onInteractiveAuthFlowStart: {
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
      isSignUpAllowed: true,
    },
    onAuthenticationMethodLoadStart: {
      "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
      identityProviders: [{ id: "EmailPassword-OAUTH" }],
    },
    onAttributeCollection: {
      "@odata.type": "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp",
      attributes: [{ id: "email" }, { id: "city" }],
      attributeCollectionPage: { views: [{ inputs: [input("email", "Email"), input("city", "City")] }] },
    },
    ...extra,
  };
}
function extensionBody(type: "Start" | "Submit", host = "fn.example.net") {
  return {
    "@odata.type": `#microsoft.graph.onAttributeCollection${type}CustomExtension`,
    displayName: `${type} ext`,
    endpointConfiguration: {
      "@odata.type": "#microsoft.graph.httpRequestEndpoint",
      targetUrl: `https://${host}/api/on${type}`,
    },
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
      resourceId: `api://fn.example.net/${emu.sampleAppId}`,
    },
    clientConfiguration: { timeoutInMilliseconds: 1000, maximumRetries: 1 },
  };
}

test("flows exist only in an external tenant", async () => {
  emu.tenant.set({ tenantType: "AAD" });
  const r = await call("POST", FLOWS, flowBody("Customers"));
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /only available in external tenants/);
});

test("a flow is refused without @odata.type, with an unknown property, without an IdP, or with a page input outside its attributes", async () => {
  const { ["@odata.type"]: _t, ...untyped } = flowBody("A");
  assert.equal((await call("POST", FLOWS, untyped)).status, 400);
  assert.match((await call("POST", FLOWS, { ...flowBody("A"), colour: "red" })).body.error.message, /colour/);
  const noIdp = flowBody("A");
  noIdp.onAuthenticationMethodLoadStart.identityProviders = [];
  assert.match((await call("POST", FLOWS, noIdp)).body.error.message, /at least one identity provider/);
  const stray = flowBody("A");
  stray.onAttributeCollection.attributeCollectionPage.views[0]!.inputs.push(input("surname", "Surname"));
  assert.match(
    (await call("POST", FLOWS, stray)).body.error.message,
    /'surname' is not one of the flow's attributes/,
  );
  assert.deepEqual(emu.snapshot().authenticationEventsFlows, [], "nothing written");
});

test("a duplicate flow name is refused; the app filter finds the flow that includes an app, and a second flow cannot take it", async () => {
  const app = { appId: emu.sampleAppId };
  const a = await call(
    "POST",
    FLOWS,
    flowBody("A", { conditions: { applications: { includeApplications: [app] } } }),
  );
  assert.equal(a.status, 201);
  assert.equal((await call("POST", FLOWS, flowBody("a"))).status, 400);
  const filter = encodeURIComponent(
    `microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications/any(appId:appId/appId eq '${emu.sampleAppId}')`,
  );
  const found = await call("GET", `${FLOWS}?$filter=${filter}`);
  assert.deepEqual(
    found.body.value.map((f: { id: string }) => f.id),
    [a.body.id],
  );
  const b = await call("POST", FLOWS, flowBody("B"));
  const take = await call("POST", `${FLOWS}/${b.body.id}/conditions/applications/includeApplications`, {
    "@odata.type": "#microsoft.graph.authenticationConditionApplication",
    ...app,
  });
  assert.equal(take.status, 400);
  assert.match(take.body.error.message, /already linked to user flow 'A'/);
});

test("attributes/$ref adds a default input; the page PATCH replaces the page whole; the last IdP cannot be removed", async () => {
  const f = (await call("POST", FLOWS, flowBody("A"))).body;
  const ref = { "@odata.id": `${emu.url}/v1.0/identity/userFlowAttributes/surname` };
  assert.equal((await call("POST", `${attrsPath(f.id)}/$ref`, ref)).status, 204);
  const page = async () =>
    (
      await call("GET", `${FLOWS}/${f.id}`)
    ).body.onAttributeCollection.attributeCollectionPage.views[0].inputs.map(
      (i: { attribute: string }) => i.attribute,
    );
  assert.deepEqual(await page(), ["email", "city", "surname"]);
  const patch = await call("PATCH", `${FLOWS}/${f.id}`, {
    "@odata.type": FLOW_TYPE,
    onAttributeCollection: {
      "@odata.type": "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp",
      attributeCollectionPage: {
        views: [{ inputs: [input("surname", "Surname"), input("email", "Email")] }],
      },
    },
  });
  assert.equal(patch.status, 204);
  assert.deepEqual(await page(), ["surname", "email"], "city was dropped by omission");
  const last = await call("DELETE", `${idpsPath(f.id)}/EmailPassword-OAUTH/$ref`);
  assert.equal(last.status, 400);
  assert.match(last.body.error.message, /last identity provider/);
});

test("each attach variant works when the tenant accepts it and is refused when it does not; the slot must match the extension type", async () => {
  const f = (await call("POST", FLOWS, flowBody("A"))).body;
  const submit = (await call("POST", "/identity/customAuthenticationExtensions", extensionBody("Submit")))
    .body;
  const start = (await call("POST", "/identity/customAuthenticationExtensions", extensionBody("Start"))).body;
  const refPath = `${prefix(f.id)}/onAttributeCollectionSubmit/microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler/customExtension/$ref`;
  const ref = (id: string) => ({
    "@odata.id": `${emu.url}/beta/identity/customAuthenticationExtensions/${id}`,
  });
  assert.equal(
    (await call("PUT", refPath, ref(start.id), { version: "beta" })).status,
    400,
    "Start in Submit slot",
  );
  assert.equal((await call("PUT", refPath, ref(submit.id), { version: "beta" })).status, 204);
  const read = async () => (await call("GET", `${FLOWS}/${f.id}`)).body.onAttributeCollectionSubmit;
  assert.equal((await read()).customExtension.id, submit.id);
  const del = await call("DELETE", `/identity/customAuthenticationExtensions/${submit.id}`);
  assert.equal(del.status, 400, "a wired extension cannot be deleted");
  assert.equal((await call("DELETE", refPath, undefined, { version: "beta" })).status, 204);
  assert.equal(await read(), null);

  const v1 = {
    "@odata.type": FLOW_TYPE,
    onAttributeCollectionSubmit: {
      "@odata.type": "#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler",
      customExtension: { id: submit.id },
    },
  };
  assert.equal((await call("PATCH", `${FLOWS}/${f.id}`, v1)).status, 204);
  assert.equal((await read()).customExtension.id, submit.id);

  emu.tenant.set({ attachVariants: ["betaListener"] });
  assert.equal((await call("PATCH", `${FLOWS}/${f.id}`, v1)).status, 400);
  assert.equal((await call("PUT", refPath, ref(submit.id), { version: "beta" })).status, 400);
  const listener = await call(
    "POST",
    "/identity/authenticationEventListeners",
    {
      "@odata.type": "#microsoft.graph.onAttributeCollectionSubmitListener",
      conditions: { applications: { includeApplications: [] } },
      priority: 500,
      handler: {
        "@odata.type": "#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler",
        customExtension: { id: submit.id },
      },
    },
    { version: "beta" },
  );
  assert.equal(listener.status, 201);
  assert.equal(listener.body.handler.customExtension.id, submit.id);
});

test("extensions: https, 200–2000 ms, 0|1 retries, type-locked PATCH, and clientConfiguration PATCH per the tenant setting", async () => {
  const bad = extensionBody("Submit");
  bad.clientConfiguration.timeoutInMilliseconds = 5000;
  assert.match(
    (await call("POST", "/identity/customAuthenticationExtensions", bad)).body.error.message,
    /200 to 2000/,
  );
  const http = extensionBody("Submit");
  http.endpointConfiguration.targetUrl = "http://fn.example.net/api";
  assert.equal((await call("POST", "/identity/customAuthenticationExtensions", http)).status, 400);
  const e = (await call("POST", "/identity/customAuthenticationExtensions", extensionBody("Submit"))).body;
  const path = `/identity/customAuthenticationExtensions/${e.id}`;
  const retype = await call("PATCH", path, {
    "@odata.type": "#microsoft.graph.onAttributeCollectionStartCustomExtension",
  });
  assert.equal(retype.status, 400);
  const cc = {
    "@odata.type": e["@odata.type"],
    clientConfiguration: { timeoutInMilliseconds: 300, maximumRetries: 0 },
  };
  emu.tenant.set({ extensionClientConfigurationPatch: "ignore" });
  assert.equal((await call("PATCH", path, cc)).status, 204);
  assert.equal((await call("GET", path)).body.clientConfiguration.timeoutInMilliseconds, 1000, "ignored");
  emu.tenant.set({ extensionClientConfigurationPatch: "refuse" });
  assert.equal((await call("PATCH", path, cc)).status, 400);
  emu.tenant.set({ extensionClientConfigurationPatch: "apply" });
  assert.equal((await call("PATCH", path, cc)).status, 204);
  assert.equal((await call("GET", path)).body.clientConfiguration.timeoutInMilliseconds, 300);
});

test("validateAuthenticationConfiguration reports the resourceId format, the host mismatch and a missing service principal", async () => {
  // The sample app's seeded service principal deleted (as in the portal): Entra cannot get a token for it.
  const sp = emu.snapshot().servicePrincipals.find((s) => s.appId === emu.sampleAppId)!;
  assert.equal((await call("DELETE", `/servicePrincipals/${sp.id}`)).status, 204);
  const wrongHost = (
    await call(
      "POST",
      "/identity/customAuthenticationExtensions",
      extensionBody("Submit", "other.example.net"),
    )
  ).body;
  const v = await call(
    "POST",
    `/identity/customAuthenticationExtensions/${wrongHost.id}/validateAuthenticationConfiguration`,
  );
  assert.equal(v.status, 200);
  assert.deepEqual(
    v.body.errors.map((e: { code: string }) => e.code),
    ["DomainNameDoesNotMatch", "ServicePrincipalNotFound"],
  );
  const badId = extensionBody("Start");
  badId.authenticationConfiguration.resourceId = emu.sampleAppId;
  const e = (await call("POST", "/identity/customAuthenticationExtensions", badId)).body;
  const v2 = await call(
    "POST",
    `/identity/customAuthenticationExtensions/${e.id}/validateAuthenticationConfiguration`,
  );
  assert.deepEqual(
    v2.body.errors.map((x: { code: string }) => x.code),
    ["IncorrectResourceIdFormat"],
  );
});

test("custom attributes in an external tenant belong to the b2c-extensions-app", async () => {
  const r = await call("POST", "/identity/userFlowAttributes", { displayName: "Loyalty", dataType: "int64" });
  assert.equal(r.status, 201);
  const b2c = emu.snapshot().applications.find((a) => a.displayName.startsWith("b2c-extensions-app"))!;
  assert.equal(r.body.id, `extension_${b2c.appId.replace(/-/g, "")}_Loyalty`);
});
