/** `/identity/userFlowAttributes`: built-ins, custom ids, validation, and what blocks a delete. */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { client, flowBody } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;
let prefix: string;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
  prefix = `extension_${emulator.extensionsAppId.replace(/-/g, "")}_`;
});
afterEach(() => emulator.reset());
after(() => emulator.close());

test("the list holds the workforce built-ins, all of type builtIn", async () => {
  const res = await call("GET", "/identity/userFlowAttributes");
  assert.equal(res.status, 200);
  const ids = res.body.value.map((a: { id: string }) => a.id);
  for (const id of [
    "email",
    "displayName",
    "givenName",
    "surname",
    "city",
    "country",
    "jobTitle",
    "postalCode",
    "state",
    "streetAddress",
  ]) {
    assert.ok(ids.includes(id), id);
  }
  assert.ok(
    res.body.value.every((a: { userFlowAttributeType: string }) => a.userFlowAttributeType === "builtIn"),
  );
});

test("create answers 201 with id extension_<appIdNoDashes>_<name without spaces> and a Location that resolves", async () => {
  const res = await call("POST", "/identity/userFlowAttributes", {
    displayName: "Company Name",
    description: "Employer",
    dataType: "string",
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.id, `${prefix}CompanyName`);
  assert.match(res.body.id, /^extension_[0-9a-f]{32}_CompanyName$/);
  assert.equal(res.body.userFlowAttributeType, "custom");
  assert.equal(res.body["@odata.type"], "#microsoft.graph.identityCustomUserFlowAttribute");
  const location = res.headers.get("location") ?? "";
  assert.equal(location, `${emulator.url}/v1.0/identity/userFlowAttributes('${prefix}CompanyName')`);
  const viaLocation = await fetch(location, { headers: { Authorization: "Bearer t" } });
  assert.equal(viaLocation.status, 200);
});

test("create refuses data types other than string, boolean and int64", async () => {
  for (const dataType of ["dateTime", "stringCollection", undefined, "String"]) {
    const res = await call("POST", "/identity/userFlowAttributes", { displayName: "X", dataType });
    assert.equal(res.status, 400, String(dataType));
  }
  for (const dataType of ["boolean", "int64"]) {
    assert.equal(
      (await call("POST", "/identity/userFlowAttributes", { displayName: `A${dataType}`, dataType })).status,
      201,
    );
  }
});

test("a duplicate displayName (any casing) is 400 'already exists'", async () => {
  await call("POST", "/identity/userFlowAttributes", { displayName: "Hobby", dataType: "string" });
  const dup = await call("POST", "/identity/userFlowAttributes", {
    displayName: "hobby",
    dataType: "boolean",
  });
  assert.equal(dup.status, 400);
  assert.match(dup.body.error.message, /already exists/);
});

test("$filter on displayName, id and userFlowAttributeType narrows the list", async () => {
  await call("POST", "/identity/userFlowAttributes", { displayName: "Hobby", dataType: "string" });
  const byName = await call("GET", "/identity/userFlowAttributes?$filter=displayName eq 'Hobby'");
  assert.deepEqual(
    byName.body.value.map((a: { id: string }) => a.id),
    [`${prefix}Hobby`],
  );
  const byId = await call(
    "GET",
    `/identity/userFlowAttributes?$filter=${encodeURIComponent(`id eq '${prefix}Hobby'`)}`,
  );
  assert.equal(byId.body.value.length, 1);
  const customs = await call("GET", "/identity/userFlowAttributes?$filter=userFlowAttributeType eq 'custom'");
  assert.equal(customs.body.value.length, 1);
  const unsupported = await call("GET", "/identity/userFlowAttributes?$filter=description eq 'x'");
  assert.equal(unsupported.status, 400);
});

test("PATCH changes only description (204); displayName or dataType is 400", async () => {
  const { body } = await call("POST", "/identity/userFlowAttributes", {
    displayName: "Hobby",
    dataType: "string",
  });
  assert.equal(
    (await call("PATCH", `/identity/userFlowAttributes/${body.id}`, { description: "What you do" })).status,
    204,
  );
  assert.equal(
    (await call("GET", `/identity/userFlowAttributes/${body.id}`)).body.description,
    "What you do",
  );
  assert.equal(
    (await call("PATCH", `/identity/userFlowAttributes/${body.id}`, { displayName: "Other" })).status,
    400,
  );
  assert.equal(
    (await call("PATCH", `/identity/userFlowAttributes/${body.id}`, { dataType: "int64" })).status,
    400,
  );
  assert.equal((await call("PATCH", "/identity/userFlowAttributes/city", { description: "x" })).status, 400);
});

test("built-ins cannot be deleted; customs can, but not while a flow uses them", async () => {
  assert.equal((await call("DELETE", "/identity/userFlowAttributes/city")).status, 400);
  const { body: attr } = await call("POST", "/identity/userFlowAttributes", {
    displayName: "Hobby",
    dataType: "string",
  });
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  await call("POST", "/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments", {
    displayName: "Hobby",
    userInputType: "textBox",
    userAttribute: { id: attr.id },
  });
  const blocked = await call("DELETE", `/identity/userFlowAttributes/${attr.id}`);
  assert.equal(blocked.status, 400);
  assert.match(blocked.body.error.message, /B2X_1_Partner/);
  await call("DELETE", `/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments/${attr.id}`);
  assert.equal((await call("DELETE", `/identity/userFlowAttributes/${attr.id}`)).status, 204);
  assert.equal((await call("GET", `/identity/userFlowAttributes/${attr.id}`)).status, 404);
});
