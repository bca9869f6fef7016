/**
 * The Graph client against the emulator: retry middleware (429 with/without Retry-After, 503, 504),
 * bounded 404-after-create retries, per-tenant concurrency cap, version per cloud, error shapes.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import { graphApi } from "../../components/graph/client";
import { tokenSourceFor } from "../../components/graph/auth";
import { peakInFlight } from "../../components/graph/concurrency";
import { tenantKey, type GraphConnection } from "../../components/graph/connection";
import { isGraphRequestError } from "../../components/graph/errors";
import { emulatorWithConnection } from "./helpers";

let emu: GraphEmulator;
let connection: GraphConnection;
before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());

test("429 with Retry-After waits the advised (scaled) time; without it, back-off; 503/504 retried", async () => {
  emu.reset();
  const api = graphApi(connection);
  emu.faults.add({
    method: "GET",
    path: "^/identity/apiConnectors$",
    kind: "throttle",
    times: 2,
    retryAfterSeconds: 3,
  });
  const t0 = Date.now();
  await api.list("/identity/apiConnectors");
  const waited = Date.now() - t0;
  assert.ok(waited >= 2 * 3000 * 0.01, `honours Retry-After × scale (waited ${waited} ms)`);
  for (const kind of ["throttle", "unavailable", "gatewayTimeout"] as const) {
    emu.clearLog();
    emu.faults.add({ method: "GET", path: "^/identity/userFlowAttributes$", kind, times: 3 });
    await api.list("/identity/userFlowAttributes");
    assert.deepEqual(emu.log.map((e) => e.status).slice(-1), [200]);
    assert.equal(emu.log.length, 4, `${kind}: 3 failures then success`);
  }
});

test("retries are bounded: a permanent 503 surfaces as GraphRequestError with request id", async () => {
  emu.reset();
  emu.faults.add({
    method: "GET",
    path: "^/policies/authenticationFlowsPolicy$",
    kind: "unavailable",
    times: 50,
  });
  // A zero throttling window leaves the minimum of 6 retries (retry-budget.test.ts covers the window).
  process.env.ENTRA_SIGNUP_GRAPH_THROTTLE_WINDOW_SECONDS = "0";
  const err = await graphApi(connection)
    .get("/policies/authenticationFlowsPolicy")
    .catch((e: unknown) => e)
    .finally(() => delete process.env.ENTRA_SIGNUP_GRAPH_THROTTLE_WINDOW_SECONDS);
  assert.ok(isGraphRequestError(err));
  assert.equal(err.status, 503);
  assert.match(
    err.message,
    /^Graph 503 ServiceUnavailable on GET \/v1\.0\/policies\/authenticationFlowsPolicy \(request-id [0-9a-f-]{36}\)/,
  );
  assert.equal(emu.log.length, 7, "1 + 6 retries");
  emu.faults.clear();
});

test("404 right after a create is retried (afterCreate); elsewhere 404 is final", async () => {
  emu.reset();
  const api = graphApi(connection);
  emu.faults.add({
    method: "POST",
    path: "^/identity/b2xUserFlows$",
    kind: "notFoundAfterCreate",
    durationMs: 150,
  });
  await api.post("/identity/b2xUserFlows", {
    id: "Fresh",
    userFlowType: "signUpOrSignIn",
    userFlowTypeVersion: 1,
  });
  await assert.rejects(api.get("/identity/b2xUserFlows/B2X_1_Fresh"), /Graph 404/);
  const flow = await api.get<{ id: string }>("/identity/b2xUserFlows/B2X_1_Fresh", { afterCreate: true });
  assert.equal(flow.id, "B2X_1_Fresh");
});

test("at most 3 requests in flight per tenant, even when 12 are issued at once", async () => {
  emu.reset();
  const conn = { ...connection, tenantId: "concurrency.example.net" };
  const api = graphApi(conn);
  await Promise.all(Array.from({ length: 12 }, () => api.get("/policies/authenticationFlowsPolicy")));
  assert.ok(peakInFlight(tenantKey(conn)) <= 3);
  assert.ok(peakInFlight(tenantKey(conn)) >= 2, "and it does run in parallel");
});

test("US Gov uses beta for the B2X surface; the listener is beta in every cloud", async () => {
  emu.reset();
  await graphApi({ ...connection, cloud: "usgov" }).get("/identity/userFlowAttributes");
  await graphApi(connection, "listener")
    .list("/identity/events/onSignupStart")
    .catch(() => undefined);
  await graphApi(connection).get("/identity/userFlowAttributes");
  assert.deepEqual(
    emu.log.map((e) => e.version),
    ["beta", "beta", "v1.0"],
  );
  assert.equal(
    graphApi({ ...connection, cloud: "usgov" }).odataId("/identity/apiConnectors/x"),
    `${emu.url}/beta/identity/apiConnectors/x`,
  );
});

test("the fake emulator token is refused for a real Graph root; network failures name the call", async () => {
  assert.throws(
    () => tokenSourceFor({ cloud: "global", credential: "emulator" }),
    /only allowed with a loopback/,
  );
  const dead = graphApi({ cloud: "global", baseUrl: "http://127.0.0.1:9", credential: "emulator" });
  await assert.rejects(
    dead.get("/identity/apiConnectors"),
    /Graph GET \/v1\.0\/identity\/apiConnectors failed before a response/,
  );
});
