/** `/identity/b2xUserFlows/{id}/userAttributeAssignments`: create/patch/delete rules and getOrder/setOrder. */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { client, flowBody } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;
let hobby: string;
const BASE = "/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments";

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
});
beforeEach(async () => {
  hobby = (await call("POST", "/identity/userFlowAttributes", { displayName: "Hobby", dataType: "string" }))
    .body.id;
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
});
afterEach(() => emulator.reset());
after(() => emulator.close());

const assign = (id: string, extra: Record<string, unknown> = {}) =>
  call("POST", BASE, {
    displayName: id,
    isOptional: true,
    requiresVerification: false,
    userInputType: "TextBox",
    userAttributeValues: [],
    userAttribute: { id },
    ...extra,
  });

test("create answers 201 with the attribute id as assignment id, normalised input type, appended to the order", async () => {
  const res = await assign(hobby);
  assert.equal(res.status, 201);
  assert.equal(res.body.id, hobby);
  assert.equal(res.body.userInputType, "textBox");
  assert.equal(res.headers.get("location"), `${emulator.url}/v1.0${BASE}/${hobby}`);
  await assign("city");
  const order = await call("GET", `${BASE}/getOrder`);
  assert.deepEqual(order.body.order, ["email", hobby, "city"]);
});

test("$expand=userAttribute returns the attribute; without it the navigation property is absent", async () => {
  await assign(hobby);
  const plain = await call("GET", `${BASE}/${hobby}`);
  assert.equal(plain.body.userAttribute, undefined);
  const expanded = await call("GET", `${BASE}?$expand=userAttribute`);
  const item = expanded.body.value.find((a: { id: string }) => a.id === hobby);
  assert.equal(item.userAttribute.displayName, "Hobby");
  assert.equal(item.userAttribute.dataType, "string");
});

test("create refuses missing attributes, duplicates and unknown input types", async () => {
  assert.equal((await assign("extension_00000000000000000000000000000000_Nope")).status, 400);
  await assign(hobby);
  const dup = await assign(hobby);
  assert.equal(dup.status, 400);
  assert.match(dup.body.error.message, /already exists/);
  assert.equal((await assign("city", { userInputType: "slider" })).status, 400);
  assert.equal((await call("POST", BASE, { displayName: "x", userInputType: "textBox" })).status, 400);
  assert.equal(
    (await call("POST", "/identity/b2xUserFlows/B2X_1_None/userAttributeAssignments", {})).status,
    404,
  );
});

test("PATCH updates display settings with 204 but userAttribute is not updatable", async () => {
  await assign(hobby);
  const patched = await call("PATCH", `${BASE}/${hobby}`, {
    displayName: "Your hobby",
    isOptional: false,
    userInputType: "dropdownSingleSelect",
    userAttributeValues: [{ name: "Chess", value: "chess", isDefault: true }],
  });
  assert.equal(patched.status, 204);
  const got = (await call("GET", `${BASE}/${hobby}`)).body;
  assert.equal(got.displayName, "Your hobby");
  assert.equal(got.isOptional, false);
  assert.deepEqual(got.userAttributeValues, [{ name: "Chess", value: "chess", isDefault: true }]);
  const bad = await call("PATCH", `${BASE}/${hobby}`, { userAttribute: { id: "city" } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /userAttribute cannot be updated/);
});

test("DELETE removes an assignment from the list and the order; the required email stays", async () => {
  await assign(hobby);
  assert.equal((await call("DELETE", `${BASE}/${hobby}`)).status, 204);
  assert.equal((await call("GET", `${BASE}/${hobby}`)).status, 404);
  assert.deepEqual((await call("GET", `${BASE}/getOrder`)).body.order, ["email"]);
  assert.equal((await call("DELETE", `${BASE}/email`)).status, 400);
});

test("setOrder with a full permutation reorders (204)", async () => {
  await assign(hobby);
  await assign("city");
  const res = await call("POST", `${BASE}/setOrder`, {
    newAssignmentOrder: { order: ["city", "email", hobby] },
  });
  assert.equal(res.status, 204);
  assert.deepEqual((await call("GET", `${BASE}/getOrder`)).body.order, ["city", "email", hobby]);
  const list = (await call("GET", BASE)).body.value.map((a: { id: string }) => a.id);
  assert.deepEqual(list, ["city", "email", hobby]);
});

test("setOrder refuses a partial list, unknown ids, duplicates or a malformed body, and changes nothing", async () => {
  await assign(hobby);
  await assign("city");
  const bodies = [
    { newAssignmentOrder: { order: ["city", "email"] } },
    { newAssignmentOrder: { order: ["city", "email", hobby, "country"] } },
    { newAssignmentOrder: { order: ["city", "email", "email"] } },
    { order: ["city", "email", hobby] },
  ];
  for (const body of bodies) {
    const res = await call("POST", `${BASE}/setOrder`, body);
    assert.equal(res.status, 400, JSON.stringify(body));
  }
  assert.deepEqual((await call("GET", `${BASE}/getOrder`)).body.order, ["email", hobby, "city"]);
});
