/** Inspection and persistence: counts, snapshot, diffFromSeed, reset, state file, and their admin routes. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, afterEach, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { admin, basicConnector, client, flowBody, ref } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;
let dir: string;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-emulator-"));
});
afterEach(() => emulator.reset());
after(async () => {
  await emulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("counts() tells reads from writes that reached a handler, including rejected writes", async () => {
  emulator.clearLog();
  await call("GET", "/identity/b2xUserFlows");
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  await call("GET", "/identity/b2xUserFlows/B2X_1_Partner/userFlowIdentityProviders");
  assert.deepEqual(emulator.counts(), { reads: 2, writes: 2 });
  assert.deepEqual((await admin(emulator, "GET", "counts")).body, { reads: 2, writes: 2 });
  assert.equal((await admin(emulator, "GET", "log")).body.value.length, 4, "admin calls are not logged");
  assert.equal((await admin(emulator, "DELETE", "log")).status, 204);
  assert.deepEqual(emulator.counts(), { reads: 0, writes: 0 });
});

test("diffFromSeed is [] after creating and deleting everything again", async () => {
  const attr = (
    await call("POST", "/identity/userFlowAttributes", { displayName: "Hobby", dataType: "string" })
  ).body.id;
  const connector = (await call("POST", "/identity/apiConnectors", basicConnector())).body.id;
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const flow = "/identity/b2xUserFlows/B2X_1_Partner";
  await call("POST", `${flow}/userAttributeAssignments`, {
    displayName: "H",
    userInputType: "textBox",
    userAttribute: { id: attr },
  });
  await call(
    "PUT",
    `${flow}/apiConnectorConfiguration/postAttributeCollection/$ref`,
    ref(emulator, `/identity/apiConnectors/${connector}`),
  );
  assert.ok(emulator.diffFromSeed().length >= 4);
  await call("PUT", `${flow}/apiConnectorConfiguration/postAttributeCollection/$ref`, {});
  await call("DELETE", `${flow}/userAttributeAssignments/${attr}`);
  await call("DELETE", flow);
  await call("DELETE", `/identity/apiConnectors/${connector}`);
  await call("DELETE", `/identity/userFlowAttributes/${attr}`);
  assert.deepEqual(emulator.diffFromSeed(), []);
  assert.deepEqual((await admin(emulator, "GET", "diff")).body, { differences: [] });
});

test("diffFromSeed names what changed, and reset() brings the seed back", async () => {
  await call("PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } });
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const diff = emulator.diffFromSeed();
  assert.ok(diff.includes("b2xUserFlows: added B2X_1_Partner"), diff.join("\n"));
  assert.ok(diff.some((d) => d.startsWith("authenticationFlowsPolicy: changed")));
  assert.equal((await admin(emulator, "POST", "reset")).status, 204);
  assert.deepEqual(emulator.diffFromSeed(), []);
  assert.equal((await call("GET", "/identity/b2xUserFlows/B2X_1_Partner")).status, 404);
});

test("snapshot() is a deep copy with secrets, and /_emulator/state serves the same", async () => {
  await call("POST", "/identity/apiConnectors", basicConnector());
  const snap = emulator.snapshot();
  const auth = snap.apiConnectors[0]?.auth;
  assert.equal(auth?.type === "basic" && auth.password, "s3cret-Password!");
  snap.apiConnectors.length = 0;
  assert.equal(
    emulator.snapshot().apiConnectors.length,
    1,
    "mutating a snapshot does not touch the emulator",
  );
  const state = await admin(emulator, "GET", "state");
  assert.equal(state.body.apiConnectors.length, 1);
  assert.equal(state.body.tenantId, emulator.tenantId);
});

test("/_emulator/info tells out-of-process tools the ids they need", async () => {
  const info = (await admin(emulator, "GET", "info")).body;
  assert.deepEqual(info, {
    url: emulator.url,
    port: emulator.port,
    tenantId: emulator.tenantId,
    extensionsAppId: emulator.extensionsAppId,
    sampleAppId: emulator.sampleAppId,
  });
});

test("with a stateFile, state survives a restart and the file follows every write", async () => {
  const file = path.join(dir, "nested", "graph.json");
  const first = await startGraphEmulator({
    port: 0,
    stateFile: file,
    tenantId: "11111111-1111-4111-8111-111111111111",
  });
  const c1 = client(first);
  await c1("POST", "/identity/b2xUserFlows", flowBody("Persisted"));
  const attr = (
    await c1("POST", "/identity/userFlowAttributes", { displayName: "Hobby", dataType: "string" })
  ).body.id;
  assert.ok(fs.existsSync(file));
  assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).b2xUserFlows[0].id, "B2X_1_Persisted");
  await first.close();

  const second = await startGraphEmulator({
    port: 0,
    stateFile: file,
    tenantId: "11111111-1111-4111-8111-111111111111",
  });
  try {
    const c2 = client(second);
    assert.equal((await c2("GET", "/identity/b2xUserFlows/B2X_1_Persisted")).status, 200);
    assert.equal((await c2("GET", `/identity/userFlowAttributes/${attr}`)).status, 200);
    assert.equal(second.tenantId, "11111111-1111-4111-8111-111111111111");
    assert.ok(second.diffFromSeed().includes("b2xUserFlows: added B2X_1_Persisted"));
    second.reset();
    assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")).b2xUserFlows, []);
  } finally {
    await second.close();
  }
});

test("the state file, which holds connector passwords, is readable by its owner only (0600), even over a crash's leftover", async () => {
  const file = path.join(dir, "modes", "graph.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}.tmp`, "left by a crash", { mode: 0o644 });
  const emu = await startGraphEmulator({ port: 0, stateFile: file });
  try {
    const made = await client(emu)("POST", "/identity/apiConnectors", basicConnector());
    assert.equal(made.status, 201);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(file, "utf8"), /"password"/, "the file does hold the password");
  } finally {
    await emu.close();
  }
});

test("a corrupt stateFile fails start-up with a message naming the file", async () => {
  const file = path.join(dir, "corrupt.json");
  fs.writeFileSync(file, "{oops");
  await assert.rejects(
    startGraphEmulator({ port: 0, stateFile: file }),
    new RegExp(`cannot read state file ${file}`),
  );
});
