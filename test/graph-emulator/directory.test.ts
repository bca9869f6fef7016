/** `/applications` discovery of the extensions app, and `/users` with lazily materialised extension properties. */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import {
  EXTENSIONS_APP_DISPLAY_NAME,
  startGraphEmulator,
  type GraphEmulator,
} from "../../local/graph-emulator/index";
import { client, flowBody } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;

before(async () => {
  emulator = await startGraphEmulator({
    port: 0,
    seed: { extensionsAppId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" },
  });
  call = client(emulator);
});
afterEach(() => emulator.reset());
after(() => emulator.close());

test("startswith(displayName,'aad-extensions-app') with $select finds the seeded extensions app", async () => {
  const q = encodeURIComponent("startswith(displayName,'aad-extensions-app')");
  const res = await call("GET", `/applications?$filter=${q}&$select=id,appId,displayName`);
  assert.equal(res.status, 200);
  assert.equal(res.body.value.length, 1);
  assert.deepEqual(Object.keys(res.body.value[0]).sort(), ["appId", "displayName", "id"]);
  assert.equal(res.body.value[0].appId, emulator.extensionsAppId);
  assert.equal(res.body.value[0].displayName, EXTENSIONS_APP_DISPLAY_NAME);
  const all = await call("GET", "/applications");
  assert.ok(
    all.body.value.some(
      (a: { appId: string; displayName: string }) =>
        a.appId === emulator.sampleAppId && a.displayName === "Partner Portal",
    ),
  );
});

test("the seeded extensions appId drives custom attribute ids", async () => {
  const res = await call("POST", "/identity/userFlowAttributes", {
    displayName: "Hobby",
    dataType: "string",
  });
  assert.equal(res.body.id, "extension_aaaaaaaabbbb4ccc8dddeeeeeeeeeeee_Hobby");
});

test("a user's extension property is refused until its attribute is used in a flow", async () => {
  const attr = (
    await call("POST", "/identity/userFlowAttributes", { displayName: "Hobby", dataType: "string" })
  ).body.id;
  const guest = { displayName: "Ada", mail: "ada@fabrikam.com", userType: "Guest", [attr]: "chess" };
  const early = await call("POST", "/users", guest);
  assert.equal(early.status, 400);
  assert.equal(early.body.error.code, "Request_BadRequest");
  assert.match(early.body.error.message, /The following extension properties are not available/);
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  await call("POST", "/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments", {
    displayName: "Hobby",
    userInputType: "textBox",
    userAttribute: { id: attr },
  });
  const created = await call("POST", "/users", {
    ...guest,
    identities: [{ signInType: "federated", issuer: "mail", issuerAssignedId: "ada@fabrikam.com" }],
    city: "Paris",
  });
  assert.equal(created.status, 201);
  assert.equal(created.body[attr], "chess");
  assert.equal(created.body.userType, "Guest");
  assert.equal((await call("GET", `/users/${created.body.id}`)).body.city, "Paris");
});

test("extension values must match the attribute's data type; unknown properties are refused", async () => {
  const attr = (await call("POST", "/identity/userFlowAttributes", { displayName: "Age", dataType: "int64" }))
    .body.id;
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  await call("POST", "/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments", {
    displayName: "Age",
    userInputType: "textBox",
    userAttribute: { id: attr },
  });
  assert.equal((await call("POST", "/users", { displayName: "A", [attr]: "12" })).status, 400);
  assert.equal((await call("POST", "/users", { displayName: "A", [attr]: 12 })).status, 201);
  assert.equal((await call("POST", "/users", { displayName: "B", favouriteColour: "red" })).status, 400);
  assert.equal((await call("POST", "/users", { mail: "x@y.z" })).status, 400, "displayName is required");
});

test("users are found by $filter=mail eq and deleted by id", async () => {
  const { body } = await call("POST", "/users", {
    displayName: "Bob",
    mail: "bob@contoso.com",
    userType: "Guest",
  });
  await call("POST", "/users", { displayName: "Eve", mail: "eve@contoso.com", userType: "Guest" });
  const found = await call("GET", `/users?$filter=${encodeURIComponent("mail eq 'BOB@contoso.com'")}`);
  assert.deepEqual(
    found.body.value.map((u: { id: string }) => u.id),
    [body.id],
  );
  assert.equal((await call("DELETE", `/users/${body.id}`)).status, 204);
  assert.equal((await call("GET", `/users/${body.id}`)).status, 404);
  assert.equal(
    (await call("POST", "/users", { displayName: "Eve2", mail: "eve@contoso.com" })).status,
    400,
    "same UPN",
  );
});
