/** beta `/identity/events/onSignupStart`: the app ↔ flow association, and its absence on v1.0. */
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { client, flowBody } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;
const PATH = "/identity/events/onSignupStart";
const beta = { version: "beta" as const };

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
});
beforeEach(async () => {
  await call("PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } });
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
});
afterEach(() => emulator.reset());
after(() => emulator.close());

const listener = (appId: string, flowId = "B2X_1_Partner", priority = 101) => ({
  "@odata.type": "#microsoft.graph.invokeUserFlowListener",
  priority,
  sourceFilter: { includeApplications: [appId] },
  userFlow: { id: flowId },
});

test("on v1.0 the events segment does not exist (400 BadRequest)", async () => {
  const res = await call("GET", PATH);
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, "BadRequest");
  assert.match(res.body.error.message, /Resource not found for the segment 'events'/);
  assert.equal((await call("POST", PATH, listener(emulator.sampleAppId))).status, 400);
});

test("on beta a listener is created (201) and lists with its flow when expanded", async () => {
  const created = await call("POST", PATH, listener(emulator.sampleAppId), beta);
  assert.equal(created.status, 201);
  assert.equal(created.body["@odata.type"], "#microsoft.graph.invokeUserFlowListener");
  assert.equal(created.body.priority, 101);
  assert.deepEqual(created.body.sourceFilter.includeApplications, [emulator.sampleAppId]);
  assert.equal(created.body.userFlow, undefined, "userFlow only when expanded");
  const listed = await call(
    "GET",
    `${PATH}?$expand=microsoft.graph.invokeUserFlowListener/userFlow`,
    undefined,
    beta,
  );
  assert.equal(listed.body.value.length, 1);
  assert.equal(listed.body.value[0].userFlow.id, "B2X_1_Partner");
  assert.equal((await call("GET", `${PATH}/${created.body.id}`, undefined, beta)).status, 200);
});

test("a listener needs an existing flow, application ids and the tenant toggle on", async () => {
  assert.equal((await call("POST", PATH, listener(emulator.sampleAppId, "B2X_1_None"), beta)).status, 400);
  assert.equal((await call("POST", PATH, listener("not-a-guid"), beta)).status, 400);
  await call("PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: false } });
  const off = await call("POST", PATH, listener(emulator.sampleAppId), beta);
  assert.equal(off.status, 400);
  assert.match(off.body.error.message, /selfServiceSignUp/);
});

test("PATCH changes given fields, PUT replaces, DELETE removes (all 204)", async () => {
  const { body } = await call("POST", PATH, listener(emulator.sampleAppId), beta);
  const item = `${PATH}/${body.id}`;
  assert.equal((await call("PATCH", item, { priority: 5 }, beta)).status, 204);
  let got = (await call("GET", item, undefined, beta)).body;
  assert.equal(got.priority, 5);
  assert.deepEqual(got.sourceFilter.includeApplications, [emulator.sampleAppId]);
  const other = "11111111-2222-4333-8444-555555555555";
  assert.equal((await call("PUT", item, listener(other, "B2X_1_Partner", 7), beta)).status, 204);
  got = (await call("GET", item, undefined, beta)).body;
  assert.deepEqual([got.priority, got.sourceFilter.includeApplications], [7, [other]]);
  assert.equal((await call("PUT", item, { priority: 1 }, beta)).status, 400, "PUT needs the whole listener");
  assert.equal((await call("DELETE", item, undefined, beta)).status, 204);
  assert.equal((await call("GET", item, undefined, beta)).status, 404);
});

test("a flow still associated through a listener cannot be deleted", async () => {
  const { body } = await call("POST", PATH, listener(emulator.sampleAppId), beta);
  const blocked = await call("DELETE", "/identity/b2xUserFlows/B2X_1_Partner");
  assert.equal(blocked.status, 400);
  assert.match(blocked.body.error.message, new RegExp(body.id));
  await call("DELETE", `${PATH}/${body.id}`, undefined, beta);
  assert.equal((await call("DELETE", "/identity/b2xUserFlows/B2X_1_Partner")).status, 204);
});
