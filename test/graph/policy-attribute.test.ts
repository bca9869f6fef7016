/**
 * SelfServiceSignUpPolicy and UserFlowAttribute providers against the Graph emulator, called in-process
 * the way the engine calls them: check → create → read → update → replace → delete, plus drift.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { selfServiceSignUpPolicyProvider } from "../../components/graph/providers/policy";
import { userFlowAttributeProvider } from "../../components/graph/providers/attribute";
import { checked, emulatorWithConnection, outOfBand, type AnyProvider } from "./helpers";

const policy = selfServiceSignUpPolicyProvider as unknown as AnyProvider;
const attribute = userFlowAttributeProvider as unknown as AnyProvider;
let emu: GraphEmulator;
let connection: GraphConnection;

before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());

test("policy: enables the toggle, remembers the old value, restores it on delete", async () => {
  emu.reset();
  const inputs = await checked(policy, { connection });
  assert.equal(inputs.enabled, true, "enabled defaults to true");
  const { id, outs } = await policy.create(inputs);
  assert.equal(outs?.previousEnabled, false);
  assert.equal(emu.snapshot().authenticationFlowsPolicy.selfServiceSignUp.isEnabled, true);

  await outOfBand(emu, "PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: false },
  });
  const read = await policy.read(id, outs!);
  assert.equal(read.props?.enabled, false, "read reports the drift");
  assert.equal(read.inputs?.enabled, false, "and feeds it to the next diff");
  assert.equal((await policy.diff(id, read.props!, inputs)).changes, true);
  await policy.update(id, read.props!, inputs);
  assert.equal(emu.snapshot().authenticationFlowsPolicy.selfServiceSignUp.isEnabled, true);

  emu.clearLog();
  await policy.update(id, { ...outs, enabled: true }, inputs);
  assert.equal(emu.counts().writes, 0, "a converged tenant sees no write");

  await policy.delete(id, outs!);
  assert.deepEqual(emu.diffFromSeed(), []);
});

test("policy: keepOnDelete leaves the toggle on; a connection change is an update, never a replace", async () => {
  emu.reset();
  const inputs = await checked(policy, { connection, keepOnDelete: true });
  const { id, outs } = await policy.create(inputs);
  const diff = await policy.diff(id, outs!, {
    ...inputs,
    connection: { ...connection, tenantId: "contoso.onmicrosoft.com" },
  });
  assert.equal(diff.changes, true);
  assert.deepEqual(diff.replaces, []);
  await policy.delete(id, outs!);
  assert.equal(emu.snapshot().authenticationFlowsPolicy.selfServiceSignUp.isEnabled, true);
});

test("policy: check collects every problem at once", async () => {
  const r = await policy.check(
    {},
    {
      connection: { cloud: "mars", credential: "emulator", baseUrl: "https://graph.microsoft.com" },
      enabled: "yes",
    },
  );
  const reasons = (r.failures ?? []).map((f) => f.reason).join("\n");
  assert.match(reasons, /cloud: "mars"/);
  assert.match(reasons, /"emulator" sends a fake token and needs a loopback baseUrl/);
  assert.match(reasons, /enabled: must be true or false/);
});

test("attribute: create → read → drift → update → replace → delete, id read from Graph", async () => {
  emu.reset();
  const inputs = await checked(attribute, {
    connection,
    displayName: "Loyalty number",
    description: "Card number",
  });
  assert.equal(inputs.dataType, "string");
  const { id, outs } = await attribute.create(inputs);
  assert.match(id, /^extension_[0-9a-f]{32}_/);
  assert.equal(outs?.attributeId, id);
  assert.equal(outs?.extensionsAppId, emu.extensionsAppId);

  const fresh = await attribute.read(id, outs!);
  assert.equal(
    (await attribute.diff(id, fresh.props!, inputs)).changes,
    false,
    "read after create shows no drift",
  );

  await outOfBand(emu, "PATCH", `/identity/userFlowAttributes/${id}`, {
    description: "edited in the portal",
  });
  const drift = await attribute.read(id, outs!);
  assert.equal(drift.props?.description, "edited in the portal");
  const d = await attribute.diff(id, drift.props!, inputs);
  assert.equal(d.changes, true);
  assert.deepEqual(d.replaces, [], "description updates in place");
  const updated = await attribute.update(id, drift.props!, inputs);
  assert.equal(updated.outs?.description, "Card number");
  assert.equal(emu.snapshot().userFlowAttributes.find((a) => a.id === id)?.description, "Card number");

  const typeChange = await attribute.diff(id, updated.outs!, { ...inputs, dataType: "int64" });
  assert.deepEqual(typeChange.replaces, ["dataType"]);
  assert.equal(typeChange.deleteBeforeReplace, true, "same displayName would collide");
  const rename = await attribute.diff(id, updated.outs!, { ...inputs, displayName: "Loyalty id" });
  assert.deepEqual(rename.replaces, ["displayName"]);

  // The engine's delete-before-replace: old goes, new comes with a new id.
  await attribute.delete(id, updated.outs!);
  const replaced = await attribute.create({ ...inputs, dataType: "int64" });
  assert.equal(replaced.outs?.dataType, "int64");
  assert.equal(emu.snapshot().userFlowAttributes.filter((a) => a.displayName === "Loyalty number").length, 1);

  await attribute.delete(replaced.id, replaced.outs!);
  await attribute.delete(replaced.id, replaced.outs!); // 404 is success
  assert.equal(
    (await attribute.read(replaced.id, replaced.outs!)).id,
    undefined,
    "read of a deleted attribute reports it gone",
  );
  assert.deepEqual(emu.diffFromSeed(), []);
});

test("attribute: adoptExisting takes over the attribute and converges its description", async () => {
  emu.reset();
  const made = (await outOfBand(emu, "POST", "/identity/userFlowAttributes", {
    displayName: "Company",
    dataType: "string",
    description: "old",
  })) as { id: string };
  const inputs = await checked(attribute, {
    connection,
    displayName: "Company",
    description: "new",
    adoptExisting: true,
  });
  const { id } = await attribute.create(inputs);
  assert.equal(id, made.id);
  assert.equal(emu.snapshot().userFlowAttributes.filter((a) => a.displayName === "Company").length, 1);
  assert.equal(emu.snapshot().userFlowAttributes.find((a) => a.id === id)?.description, "new");

  const clash = await checked(attribute, {
    connection,
    displayName: "Company",
    dataType: "boolean",
    adoptExisting: true,
  });
  await assert.rejects(attribute.create(clash), /already exists as string, not boolean/);
});

test("attribute: adoptExisting finds a hand-made \"Company Name\" as CompanyName (Graph's id drops whitespace) and keeps the stack's name", async () => {
  emu.reset();
  const made = (await outOfBand(emu, "POST", "/identity/userFlowAttributes", {
    displayName: "Company Name",
    dataType: "string",
    description: "",
  })) as { id: string };
  const inputs = await checked(attribute, { connection, displayName: "CompanyName", adoptExisting: true });
  emu.clearLog();
  const { id, outs } = await attribute.create(inputs);
  assert.equal(id, made.id);
  assert.equal(emu.counts().writes, 0, "adopting it writes nothing");
  assert.equal(
    outs!.displayName,
    "CompanyName",
    "the state keeps the stack's name, so the next diff is empty",
  );
  const read = await attribute.read(id, outs!);
  assert.equal(read.props!.displayName, "CompanyName");
  const diff = await attribute.diff(id, outs!, inputs);
  assert.equal(diff.changes, false);
});

test("attribute: check rejects unsupported types and skips preview unknowns", async () => {
  const bad = await attribute.check({}, { connection, displayName: "", dataType: "dateTime" });
  assert.deepEqual(bad.failures?.map((f) => f.property).sort(), ["dataType", "displayName"]);
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const preview = await attribute.check({}, { connection, displayName: unknown, dataType: unknown });
  assert.equal(preview.failures, undefined);
});
