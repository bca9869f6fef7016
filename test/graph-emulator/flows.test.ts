/** `/identity/b2xUserFlows`: ids, defaults, validation, identity provider links and connector slots. */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { basicConnector, client, flowBody, ref } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;
const FLOW = "/identity/b2xUserFlows/B2X_1_Partner";

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
});
afterEach(() => emulator.reset());
after(() => emulator.close());

test("create prefixes B2X_1_, answers 201 with Location and the flow reads back", async () => {
  const res = await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  assert.equal(res.status, 201);
  assert.equal(res.body.id, "B2X_1_Partner");
  assert.equal(res.headers.get("location"), `${emulator.url}/v1.0${FLOW}`);
  assert.deepEqual(res.body.apiConnectorConfiguration, {});
  const got = await call("GET", FLOW, undefined, { version: "beta" });
  assert.equal(got.status, 200);
  assert.equal(got.body.userFlowType, "signUpOrSignIn");
  assert.equal((await call("GET", "/identity/b2xUserFlows")).body.value.length, 1);
});

test("a new flow links AADSignup-OAUTH and collects email (our choice for the undocumented defaults)", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const idps = await call("GET", `${FLOW}/userFlowIdentityProviders`);
  assert.deepEqual(
    idps.body.value.map((p: { id: string }) => p.id),
    ["AADSignup-OAUTH"],
  );
  const assignments = await call("GET", `${FLOW}/userAttributeAssignments`);
  assert.equal(assignments.body.value.length, 1);
  assert.equal(assignments.body.value[0].id, "email");
  assert.equal(assignments.body.value[0].userInputType, "emailBox");
  assert.equal(assignments.body.value[0].isOptional, false);
});

test("duplicate names, wrong type/version, prefixed or odd names are 400", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const dup = await call("POST", "/identity/b2xUserFlows", flowBody("partner"));
  assert.equal(dup.status, 400);
  assert.match(dup.body.error.message, /already exists/);
  const cases = [
    { ...flowBody("A"), userFlowType: "signIn" },
    { ...flowBody("B"), userFlowTypeVersion: 2 },
    flowBody("B2X_1_C"),
    flowBody("has space"),
    { userFlowType: "signUpOrSignIn", userFlowTypeVersion: 1 },
  ];
  for (const body of cases)
    assert.equal((await call("POST", "/identity/b2xUserFlows", body)).status, 400, JSON.stringify(body));
});

test("flows have no PATCH (405) and DELETE answers 204 then 404", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  assert.equal((await call("PATCH", FLOW, { userFlowTypeVersion: 1 })).status, 405);
  assert.equal((await call("DELETE", FLOW)).status, 204);
  assert.equal((await call("GET", FLOW)).status, 404);
  assert.equal((await call("DELETE", FLOW)).status, 404);
});

test("identity providers are linked with POST or PATCH $ref and unlinked with DELETE …/{id}/$ref", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const add = await call(
    "POST",
    `${FLOW}/userFlowIdentityProviders/$ref`,
    ref(emulator, "/identity/identityProviders/MSASignup-OAUTH"),
  );
  assert.equal(add.status, 204);
  const addPatch = await call(
    "PATCH",
    `${FLOW}/userFlowIdentityProviders/$ref`,
    ref(emulator, "/identity/identityProviders/emailotpsignup-oauth"),
  );
  assert.equal(addPatch.status, 204);
  const ids = (await call("GET", `${FLOW}/userFlowIdentityProviders`)).body.value.map(
    (p: { id: string }) => p.id,
  );
  assert.deepEqual(ids, ["AADSignup-OAUTH", "MSASignup-OAUTH", "EmailOtpSignup-OAUTH"]);
  assert.equal((await call("DELETE", `${FLOW}/userFlowIdentityProviders/MSASignup-OAuth/$ref`)).status, 204);
  assert.equal((await call("DELETE", `${FLOW}/userFlowIdentityProviders/MSASignup-OAUTH/$ref`)).status, 404);
  const refs = await call("GET", `${FLOW}/userFlowIdentityProviders/$ref`);
  assert.equal(refs.body.value.length, 2);
});

test("a $ref must point at this emulator, this version and an existing identity provider", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const path = `${FLOW}/userFlowIdentityProviders/$ref`;
  const otherHost = {
    "@odata.id": "https://graph.microsoft.com/v1.0/identity/identityProviders/MSASignup-OAUTH",
  };
  assert.equal((await call("POST", path, otherHost)).status, 400);
  assert.equal(
    (await call("POST", path, ref(emulator, "/identity/identityProviders/MSASignup-OAUTH", "beta"))).status,
    400,
  );
  assert.equal(
    (await call("POST", path, ref(emulator, "/identity/identityProviders/Nope-OAUTH"))).status,
    400,
  );
  assert.equal((await call("POST", path, {})).status, 400);
});

test("a social provider can be linked only after it is configured in the tenant; its secret is masked", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const path = `${FLOW}/userFlowIdentityProviders/$ref`;
  const before = await call("POST", path, ref(emulator, "/identity/identityProviders/Google-OAUTH"));
  assert.equal(before.status, 400);
  assert.match(before.body.error.message, /not configured/);
  const google = await call("POST", "/identity/identityProviders", {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    displayName: "Google",
    identityProviderType: "Google",
    clientId: "google-client",
    clientSecret: "google-secret",
  });
  assert.equal(google.status, 201);
  assert.equal(google.body.id, "Google-OAUTH");
  assert.equal(google.body.clientSecret, "******");
  assert.equal(
    (await call("POST", path, ref(emulator, "/identity/identityProviders/Google-OAUTH"))).status,
    204,
  );
  const list = JSON.stringify((await call("GET", "/identity/identityProviders")).body);
  assert.ok(!list.includes("google-secret"));
  const blocked = await call("DELETE", "/identity/identityProviders/google-oauth");
  assert.equal(blocked.status, 400, "a provider still linked to a flow cannot be deleted");
});

test("tenant identity providers: built-ins are seeded and immutable, socials are CRUD-able", async () => {
  const list = (await call("GET", "/identity/identityProviders")).body.value;
  assert.deepEqual(
    list.map((p: { id: string }) => p.id),
    ["AADSignup-OAUTH", "MSASignup-OAUTH", "EmailOtpSignup-OAUTH"],
  );
  assert.ok(
    list.every(
      (p: Record<string, string>) => p["@odata.type"] === "#microsoft.graph.builtInIdentityProvider",
    ),
  );
  assert.equal((await call("DELETE", "/identity/identityProviders/AADSignup-OAUTH")).status, 400);
  const fb = {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    identityProviderType: "Facebook",
    clientId: "a",
    clientSecret: "b",
  };
  assert.equal((await call("POST", "/identity/identityProviders", fb)).status, 201);
  assert.equal((await call("POST", "/identity/identityProviders", fb)).status, 400);
  assert.equal(
    (await call("POST", "/identity/identityProviders", { ...fb, identityProviderType: "Twitter" })).status,
    400,
  );
  assert.equal(
    (await call("PATCH", "/identity/identityProviders/facebook-oauth", { clientSecret: "c" })).status,
    204,
  );
  assert.equal(
    emulator.snapshot().identityProviders.find((p) => p.id === "Facebook-OAUTH")?.clientSecret,
    "c",
  );
  assert.equal((await call("DELETE", "/identity/identityProviders/Facebook-OAUTH")).status, 204);
});

test("connector slots are set with PUT $ref, read expanded with masked secrets, and cleared with PUT {}", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const { body: connector } = await call("POST", "/identity/apiConnectors", basicConnector());
  const slot = (step: string) => `${FLOW}/apiConnectorConfiguration/${step}/$ref`;
  const target = ref(emulator, `/identity/apiConnectors/${connector.id}`);
  assert.equal((await call("PUT", slot("postFederationSignup"), target)).status, 204);
  assert.equal((await call("PUT", slot("postAttributeCollection"), target)).status, 204);
  const expanded = await call(
    "GET",
    `${FLOW}/apiConnectorConfiguration?$expand=postFederationSignup,postAttributeCollection`,
  );
  assert.equal(expanded.body.postFederationSignup.id, connector.id);
  assert.equal(expanded.body.postAttributeCollection.authenticationConfiguration.password, "******");
  const bare = await call("GET", `${FLOW}/apiConnectorConfiguration`);
  assert.equal(bare.body.postFederationSignup, undefined, "without $expand only {} comes back");
  assert.equal((await call("PUT", slot("postFederationSignup"), {})).status, 204);
  const after = await call(
    "GET",
    `${FLOW}/apiConnectorConfiguration?$expand=postFederationSignup,postAttributeCollection`,
  );
  assert.equal(after.body.postFederationSignup, null);
  assert.equal(after.body.postAttributeCollection.id, connector.id);
  assert.deepEqual((await call("GET", FLOW)).body.apiConnectorConfiguration, {});
});

test("connector slots reject unknown connectors and unknown steps", async () => {
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const missing = ref(emulator, "/identity/apiConnectors/00000000-0000-4000-8000-000000000000");
  assert.equal(
    (await call("PUT", `${FLOW}/apiConnectorConfiguration/postAttributeCollection/$ref`, missing)).status,
    400,
  );
  assert.equal((await call("PUT", `${FLOW}/apiConnectorConfiguration/preSendClaims/$ref`, {})).status, 400);
  assert.equal(
    (
      await call(
        "PUT",
        `/identity/b2xUserFlows/B2X_1_None/apiConnectorConfiguration/postAttributeCollection/$ref`,
        {},
      )
    ).status,
    404,
  );
});
