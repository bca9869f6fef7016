/** Fault injection: every kind, Retry-After present/absent, counts, and the admin route. */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, afterEach, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { admin, client, flowBody } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
});
afterEach(() => emulator.reset());
after(() => emulator.close());

test("throttle answers 429 TooManyRequests with Retry-After when configured, then lets requests through", async () => {
  emulator.faults.add({
    method: "GET",
    path: "^/identity/b2xUserFlows$",
    kind: "throttle",
    retryAfterSeconds: 3,
    times: 2,
  });
  for (let i = 0; i < 2; i++) {
    const res = await call("GET", "/identity/b2xUserFlows");
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, "TooManyRequests");
    assert.equal(res.headers.get("retry-after"), "3");
  }
  assert.equal((await call("GET", "/identity/b2xUserFlows")).status, 200);
  assert.deepEqual(emulator.faults.remaining(), []);
});

test("throttle without retryAfterSeconds sends no Retry-After header", async () => {
  emulator.faults.add({ path: "b2xUserFlows", kind: "throttle" });
  const res = await call("GET", "/identity/b2xUserFlows", undefined, { version: "beta" });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), null);
});

test("unavailable is 503 and gatewayTimeout is 504, both without a write", async () => {
  emulator.faults.add({ method: "POST", path: "^/identity/b2xUserFlows$", kind: "unavailable" });
  emulator.faults.add({ method: "POST", path: "^/identity/b2xUserFlows$", kind: "gatewayTimeout" });
  assert.equal((await call("POST", "/identity/b2xUserFlows", flowBody("Partner"))).status, 503);
  assert.equal((await call("POST", "/identity/b2xUserFlows", flowBody("Partner"))).status, 504);
  assert.deepEqual(emulator.diffFromSeed(), []);
  assert.equal((await call("POST", "/identity/b2xUserFlows", flowBody("Partner"))).status, 201);
});

test("alreadyExists answers 400 'already exists' without performing the write", async () => {
  emulator.faults.add({ method: "POST", path: "^/identity/userFlowAttributes$", kind: "alreadyExists" });
  const res = await call("POST", "/identity/userFlowAttributes", {
    displayName: "Hobby",
    dataType: "string",
  });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /already exists/);
  assert.deepEqual(emulator.diffFromSeed(), []);
});

test("createThenFail performs the write and then answers 500, so a re-run finds the object", async () => {
  emulator.faults.add({ method: "POST", path: "^/identity/b2xUserFlows$", kind: "createThenFail" });
  const res = await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  assert.equal(res.status, 500);
  assert.equal(res.body.error.code, "InternalServerError");
  assert.equal((await call("GET", "/identity/b2xUserFlows/B2X_1_Partner")).status, 200);
  assert.deepEqual(emulator.diffFromSeed(), ["b2xUserFlows: added B2X_1_Partner"]);
});

test("notFoundAfterCreate hides the new object and its children for durationMs, then it appears", async () => {
  emulator.faults.add({ path: "^/identity/b2xUserFlows$", kind: "notFoundAfterCreate", durationMs: 300 });
  // A GET matching the rule's path must not consume it: the rule waits for a create.
  assert.equal((await call("GET", "/identity/b2xUserFlows")).status, 200);
  const created = await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  assert.equal(created.status, 201);
  const hidden = await call("GET", "/identity/b2xUserFlows/b2x_1_partner");
  assert.equal(hidden.status, 404);
  assert.equal(hidden.body.error.code, "Request_ResourceNotFound");
  assert.equal(
    (await call("GET", "/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments")).status,
    404,
  );
  await sleep(350);
  assert.equal(
    (await call("GET", "/identity/b2xUserFlows/B2X_1_Partner/userAttributeAssignments")).status,
    200,
  );
});

test("faulted requests are logged with status and kind, and do not count as handled", async () => {
  emulator.clearLog();
  emulator.faults.add({ path: "apiConnectors", kind: "throttle" });
  await call("GET", "/identity/apiConnectors");
  await call("GET", "/identity/apiConnectors");
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  await call("GET", "/identity/b2xUserFlows", undefined, { authorization: null });
  assert.deepEqual(
    emulator.log.map((e) => [e.method, e.path, e.version, e.status, e.write, e.fault ?? null]),
    [
      ["GET", "/identity/apiConnectors", "v1.0", 429, false, "throttle"],
      ["GET", "/identity/apiConnectors", "v1.0", 200, false, null],
      ["POST", "/identity/b2xUserFlows", "v1.0", 201, true, null],
      ["GET", "/identity/b2xUserFlows", "v1.0", 401, false, null],
    ],
  );
  assert.deepEqual(emulator.counts(), { reads: 1, writes: 1 });
  assert.ok(
    emulator.log.every((e) => /^[0-9a-f-]{36}$/.test(e.requestId) && !Number.isNaN(Date.parse(e.at))),
  );
});

test("faults can be added, listed and cleared over HTTP; bad rules are 400", async () => {
  const added = await admin(emulator, "POST", "faults", {
    method: "GET",
    path: "^/users$",
    kind: "gatewayTimeout",
    times: 3,
  });
  assert.equal(added.status, 201);
  assert.equal((await admin(emulator, "GET", "faults")).body.value[0].times, 3);
  assert.equal((await call("GET", "/users")).status, 504);
  assert.equal(emulator.faults.remaining()[0]?.times, 2);
  assert.equal((await admin(emulator, "DELETE", "faults")).status, 204);
  assert.equal((await call("GET", "/users")).status, 200);
  assert.equal((await admin(emulator, "POST", "faults", { path: "x", kind: "explode" })).status, 400);
  assert.equal((await admin(emulator, "POST", "faults", { path: "(", kind: "throttle" })).status, 400);
  assert.throws(() => emulator.faults.add({ path: "x", kind: "throttle", times: -1 }));
});

test("status answers any error status with the given or usual code, message and Retry-After, without a write", async () => {
  emulator.faults.add({
    method: "POST",
    path: "/userFlowIdentityProviders/\\$ref$",
    kind: "status",
    status: 405,
  });
  emulator.faults.add({
    method: "GET",
    path: "^/identity/apiConnectors$",
    kind: "status",
    status: 500,
    code: "InternalServerError",
    message: "Unable to find target address",
    retryAfterSeconds: 7,
  });
  assert.equal((await call("POST", "/identity/b2xUserFlows", flowBody("Partner"))).status, 201);
  const ref = { "@odata.id": `${emulator.url}/v1.0/identity/identityProviders/MSASignup-OAUTH` };
  const refused = await call(
    "POST",
    "/identity/b2xUserFlows/B2X_1_Partner/userFlowIdentityProviders/$ref",
    ref,
  );
  assert.equal(refused.status, 405);
  assert.equal(refused.body.error.code, "BadRequest");
  assert.match(refused.body.error.message, /Injected 405/);
  assert.match(refused.body.error.innerError["request-id"], /^[0-9a-f-]{36}$/);
  const flow = emulator.snapshot().b2xUserFlows[0];
  assert.deepEqual(flow?.identityProviderIds, ["AADSignup-OAUTH"], "nothing written");
  const failed = await call("GET", "/identity/apiConnectors");
  assert.deepEqual(
    [failed.status, failed.body.error.code, failed.body.error.message, failed.headers.get("retry-after")],
    [500, "InternalServerError", "Unable to find target address", "7"],
  );
  assert.equal(emulator.log.at(-1)?.fault, "status");
  assert.deepEqual(emulator.faults.remaining(), []);
});

test("status rules are validated: status 400–599 required for kind status and only there", async () => {
  assert.throws(() => emulator.faults.add({ path: "x", kind: "status" }), /400 to 599/);
  assert.throws(() => emulator.faults.add({ path: "x", kind: "status", status: 302 }), /400 to 599/);
  assert.throws(() => emulator.faults.add({ path: "x", kind: "throttle", status: 500 }), /only valid/);
  assert.throws(() => emulator.faults.add({ path: "x", kind: "status", status: 500, code: "" }), /code/);
  const added = await admin(emulator, "POST", "faults", { path: "^/users$", kind: "status", status: 403 });
  assert.equal(added.status, 201);
  const denied = await call("GET", "/users");
  assert.deepEqual([denied.status, denied.body.error.code], [403, "Authorization_RequestDenied"]);
});
