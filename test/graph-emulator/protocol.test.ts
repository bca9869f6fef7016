/** Cross-cutting Graph behaviour: auth, error envelope, ids in headers, routing errors, the tenant toggle. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { client } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
});
after(() => emulator.close());

test("a request without a bearer token gets 401 InvalidAuthenticationToken in Graph's envelope", async () => {
  for (const authorization of [null, "Bearer ", "Basic dTpw"]) {
    const res = await call("GET", "/identity/b2xUserFlows", undefined, { authorization });
    assert.equal(res.status, 401, `authorization=${String(authorization)}`);
    assert.equal(res.body.error.code, "InvalidAuthenticationToken");
    assert.equal(typeof res.body.error.message, "string");
    assert.ok(res.body.error.innerError.date);
    assert.equal(res.body.error.innerError["request-id"], res.headers.get("request-id"));
  }
});

test("every response carries request-id and echoes the caller's client-request-id", async () => {
  const ok = await call("GET", "/identity/b2xUserFlows", undefined, {
    headers: { "client-request-id": "abc-123" },
  });
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get("request-id") ?? "", /^[0-9a-f-]{36}$/);
  assert.equal(ok.headers.get("client-request-id"), "abc-123");
  const err = await call("GET", "/identity/b2xUserFlows/B2X_1_nope", undefined, {
    headers: { "client-request-id": "x-9" },
  });
  assert.equal(err.status, 404);
  assert.equal(err.body.error.innerError["client-request-id"], "x-9");
  assert.equal(err.body.error.code, "Request_ResourceNotFound");
});

test("unknown segments answer 400 like Graph, unknown objects 404, wrong methods 405 with Allow", async () => {
  const segment = await call("GET", "/identity/bogusThings");
  assert.equal(segment.status, 400);
  assert.match(segment.body.error.message, /segment 'bogusThings'/);
  assert.equal((await call("GET", "/nothing")).status, 400);
  assert.equal(
    (await call("GET", "/identity/apiConnectors/00000000-0000-0000-0000-000000000000")).status,
    404,
  );
  const wrong = await call("PATCH", "/identity/b2xUserFlows/B2X_1_x", {});
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get("allow") ?? "", /GET/);
});

test("a request without /v1.0 or /beta is rejected with a hint", async () => {
  const res = await fetch(`${emulator.url}/v2/identity/b2xUserFlows`, {
    headers: { Authorization: "Bearer t" },
  });
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /v1\.0 or \/beta/);
});

test("invalid JSON bodies get 400 without touching state", async () => {
  const res = await call("POST", "/identity/userFlowAttributes", undefined, { raw: "{not json" });
  assert.equal(res.status, 400);
  assert.deepEqual(emulator.diffFromSeed(), []);
});

test("authenticationFlowsPolicy starts disabled and PATCH of selfServiceSignUp answers 204", async () => {
  const first = await call("GET", "/policies/authenticationFlowsPolicy");
  assert.equal(first.status, 200);
  assert.equal(first.body.id, "authenticationFlowsPolicy");
  assert.deepEqual(first.body.selfServiceSignUp, { isEnabled: false });
  const patched = await call("PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: true },
  });
  assert.equal(patched.status, 204);
  assert.equal(patched.body, undefined);
  const beta = await call("GET", "/policies/authenticationFlowsPolicy", undefined, { version: "beta" });
  assert.equal(beta.body.selfServiceSignUp.isEnabled, true);
  emulator.reset();
});

test("authenticationFlowsPolicy refuses changes to anything but selfServiceSignUp", async () => {
  const res = await call("PATCH", "/policies/authenticationFlowsPolicy", { description: "mine" });
  assert.equal(res.status, 400);
  assert.match(res.body.error.message, /description/);
  const bad = await call("PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: "yes" },
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(emulator.diffFromSeed(), []);
});
