/**
 * B2xUserFlow provider against the Graph emulator: parts reconciled as sets (IdPs, assignments with
 * order, connector per step), drift on each, replace on rename, and a half-finished create that the next
 * run converges without duplicates or orphans.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { b2xUserFlowProvider } from "../../components/graph/providers/userflow";
import { userFlowAttributeProvider } from "../../components/graph/providers/attribute";
import { apiConnectorProvider } from "../../components/graph/providers/connector";
import { checked, emulatorWithConnection, outOfBand, type AnyProvider } from "./helpers";

const flow = b2xUserFlowProvider as unknown as AnyProvider;
const attribute = userFlowAttributeProvider as unknown as AnyProvider;
const connector = apiConnectorProvider as unknown as AnyProvider;
let emu: GraphEmulator;
let connection: GraphConnection;

before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());

async function fixtures() {
  const attr = await attribute.create(await checked(attribute, { connection, displayName: "Company name" }));
  const c1 = await connector.create(
    await checked(connector, { connection, displayName: "c1", targetUrl: "https://a.example.net" }),
  );
  const c2 = await connector.create(
    await checked(connector, { connection, displayName: "c2", targetUrl: "https://b.example.net" }),
  );
  return { attrId: attr.id, c1: c1.id, c2: c2.id };
}

const storedFlow = (id: string) =>
  emu.snapshot().b2xUserFlows.find((f) => f.id.toLowerCase() === id.toLowerCase());

test("create → read → update every part → drift → replace → delete", async () => {
  emu.reset();
  await outOfBand(emu, "PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: true },
  });
  const { attrId, c1, c2 } = await fixtures();
  const inputs = await checked(flow, {
    connection,
    name: "Partners",
    identityProviders: ["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"],
    attributes: [
      { attributeId: "email", displayName: "Email", userInputType: "EmailBox", requiresVerification: true },
      { attributeId: attrId, displayName: "Company" },
      {
        attributeId: "city",
        displayName: "City",
        userInputType: "dropdownSingleSelect",
        isOptional: true,
        userAttributeValues: [{ name: "Oslo", value: "osl", isDefault: true }],
      },
    ],
    apiConnectors: { postAttributeCollection: c1 },
  });
  const { id, outs } = await flow.create(inputs);
  assert.equal(id, "B2X_1_Partners");
  let s = storedFlow(id)!;
  assert.deepEqual(s.identityProviderIds.map((x) => x.toLowerCase()).sort(), [
    "aadsignup-oauth",
    "emailotpsignup-oauth",
  ]);
  assert.deepEqual(
    s.assignments.map((a) => a.id.toLowerCase()),
    ["email", attrId.toLowerCase(), "city"],
  );
  assert.equal(s.apiConnectorConfiguration.postAttributeCollection, c1);

  const fresh = await flow.read(id, outs!);
  assert.equal(
    (await flow.diff(id, fresh.props!, inputs)).changes,
    false,
    "what was written reads back equal (case-insensitively)",
  );

  emu.clearLog();
  const reordered = {
    ...inputs,
    identityProviders: ["aadsignup-oauth", "MSASignup-OAUTH"],
    attributes: [
      (inputs.attributes as object[])[2],
      { attributeId: attrId, displayName: "Company", isOptional: true },
    ],
    apiConnectors: { postFederationSignup: c2 },
  };
  const checkedNew = await checked(flow, reordered);
  const d = await flow.diff(id, outs!, checkedNew);
  assert.equal(d.changes, true);
  assert.deepEqual(d.replaces, []);
  const u1 = await flow.update(id, outs!, checkedNew);
  s = storedFlow(id)!;
  assert.deepEqual(s.identityProviderIds.map((x) => x.toLowerCase()).sort(), [
    "aadsignup-oauth",
    "msasignup-oauth",
  ]);
  assert.deepEqual(
    s.assignments.map((a) => a.id.toLowerCase()),
    ["city", attrId.toLowerCase(), "email"],
    "order follows the list; email, which the flow requires, is kept last",
  );
  assert.equal(s.assignments[1]?.isOptional, true);
  assert.deepEqual(
    s.apiConnectorConfiguration,
    { postFederationSignup: c2 },
    "one step set, the other cleared",
  );
  const writes = emu.log.filter((e) => e.write).map((e) => `${e.method} ${e.path}`);
  assert.ok(
    writes.some((w) => w.endsWith("/setOrder")),
    "setOrder when the order differs",
  );
  assert.ok(
    writes.some((w) => w.startsWith("PUT") && w.includes("postAttributeCollection")),
    "clear with PUT {}",
  );

  emu.clearLog();
  const again = await flow.update(id, u1.outs!, checkedNew);
  assert.equal(emu.counts().writes, 0, "converged parts mean zero writes (and no setOrder)");

  // Drift made in the portal: every part is detected by read.
  await outOfBand(
    emu,
    "DELETE",
    `/identity/b2xUserFlows/${id}/userFlowIdentityProviders/MSASignup-OAUTH/$ref`,
  );
  await outOfBand(emu, "PATCH", `/identity/b2xUserFlows/${id}/userAttributeAssignments/city`, {
    displayName: "Town",
  });
  await outOfBand(
    emu,
    "PUT",
    `/identity/b2xUserFlows/${id}/apiConnectorConfiguration/postFederationSignup/$ref`,
    {},
  );
  const drift = await flow.read(id, again.outs!);
  assert.deepEqual(
    (drift.props?.identityProviders as string[]).map((x) => x.toLowerCase()),
    ["aadsignup-oauth"],
  );
  assert.equal((drift.props?.attributes as { displayName: string }[])[0]?.displayName, "Town");
  assert.deepEqual(drift.props?.apiConnectors, {});
  assert.equal((await flow.diff(id, drift.props!, checkedNew)).changes, true);
  await flow.update(id, drift.props!, checkedNew);
  assert.equal(storedFlow(id)?.assignments[0]?.displayName, "City");

  const rename = await flow.diff(id, again.outs!, { ...checkedNew, name: "Suppliers" });
  assert.deepEqual(rename.replaces, ["name"]);
  assert.equal(rename.deleteBeforeReplace, false, "a new id: the new flow exists before the old one goes");
  const recase = await flow.diff(id, again.outs!, {
    ...checkedNew,
    name: id.replace(/^B2X_1_/, "").toUpperCase(),
  });
  assert.deepEqual(recase.replaces, ["name"]);
  assert.equal(recase.deleteBeforeReplace, true, "ids equal but for case collide: delete first");
  assert.equal(
    (
      await flow.diff(id, again.outs!, {
        ...checkedNew,
        connection: { ...connection, tenantId: "contoso.com" },
      })
    ).replaces?.length,
    0,
  );

  await flow.delete(id, again.outs!);
  await flow.delete(id, again.outs!);
  assert.equal((await flow.read(id, again.outs!)).id, undefined);
  const replaced = await flow.create({ ...checkedNew, name: "Suppliers" });
  assert.equal(replaced.id, "B2X_1_Suppliers");
  await flow.delete(replaced.id, replaced.outs!);
});

test("a failure after the flow exists: partial create is recorded, and a re-run converges with no duplicate", async () => {
  emu.reset();
  const { attrId } = await fixtures();
  const inputs = await checked(flow, {
    connection,
    name: "Crashy",
    attributes: [
      { attributeId: "email", displayName: "Email" },
      { attributeId: attrId, displayName: "Company" },
    ],
  });
  // A definite failure on a part (Graph refuses the assignment): the flow exists, its parts do not.
  emu.faults.add({ method: "POST", path: "/userAttributeAssignments$", kind: "status", status: 403 });
  const err = (await flow.create(inputs).then(
    () => assert.fail("create should fail"),
    (e: unknown) => e,
  )) as { id?: string; properties?: Record<string, unknown>; message: string };
  assert.equal(err.id, "B2X_1_Crashy", "the engine learns the id (ErrorResourceInitFailed)");
  assert.equal(err.properties?.converged, false);
  assert.match(err.message, /403/);

  // The engine lost it entirely (a crashed `up`): the create ledger proves the flow is this stack's own
  // interrupted create, so the re-run finishes it without adoptExisting.
  const rerun = await flow.create(inputs);
  assert.equal(rerun.id, "B2X_1_Crashy");
  const flows = emu.snapshot().b2xUserFlows.filter((f) => f.id.toLowerCase() === "b2x_1_crashy");
  assert.equal(flows.length, 1, "no duplicate flow");
  assert.deepEqual(
    flows[0]?.assignments.map((a) => a.id.toLowerCase()),
    ["email", attrId.toLowerCase()],
    "no duplicate assignment",
  );
  const fresh = await flow.read(rerun.id, rerun.outs!);
  assert.equal((await flow.diff(rerun.id, fresh.props!, inputs)).changes, false);
  // Had the engine kept the partial resource instead, its diff forces the update that finishes the parts.
  assert.equal((await flow.diff(err.id!, err.properties!, inputs)).changes, true);
  await flow.delete(rerun.id, rerun.outs!);
  assert.equal(emu.snapshot().b2xUserFlows.length, 0, "no orphan");
});

test("a flow someone else made is never taken over without adoptExisting, and the message names the object", async () => {
  emu.reset();
  await outOfBand(emu, "PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: true },
  });
  await outOfBand(emu, "POST", "/identity/b2xUserFlows", {
    id: "Theirs",
    userFlowType: "signUpOrSignIn",
    userFlowTypeVersion: 1,
  });
  const inputs = await checked(flow, { connection, name: "Theirs" });
  const err = (await flow.create(inputs).then(
    () => assert.fail("create should refuse"),
    (e: unknown) => e,
  )) as Error;
  assert.match(
    err.message,
    /user flow "B2X_1_Theirs" already exists in the tenant and this stack does not manage it/,
  );
  assert.match(err.message, /Fix: set adoptExisting: true/);
  assert.doesNotMatch(err.message, /\[object Object\]/);
  assert.equal((await flow.create({ ...inputs, adoptExisting: true })).id, "B2X_1_Theirs");
});

test("a lost answer on an attribute assignment write is re-read and converged: the create succeeds, one assignment", async () => {
  emu.reset();
  const { attrId } = await fixtures();
  const inputs = await checked(flow, {
    connection,
    name: "Lossy",
    attributes: [
      { attributeId: "email", displayName: "Email" },
      { attributeId: attrId, displayName: "Company" },
    ],
  });
  emu.faults.add({ method: "POST", path: "/userAttributeAssignments$", kind: "createThenFail" });
  const created = await flow.create(inputs);
  assert.deepEqual(emu.faults.remaining(), [], "the fault fired");
  assert.deepEqual(
    storedFlow(created.id)?.assignments.map((a) => a.id.toLowerCase()),
    ["email", attrId.toLowerCase()],
  );
  // In-place writes (label change, page order) whose answers are lost: re-read, the update succeeds.
  emu.faults.add({ method: "PATCH", path: "/userAttributeAssignments/", kind: "createThenFail" });
  emu.faults.add({ method: "POST", path: "/setOrder$", kind: "createThenFail" });
  const relabel = await checked(flow, {
    ...inputs,
    attributes: [
      { attributeId: attrId, displayName: "Employer" },
      { attributeId: "email", displayName: "Email" },
    ],
  });
  await flow.update(created.id, created.outs!, relabel);
  assert.deepEqual(emu.faults.remaining(), [], "both faults fired");
  assert.deepEqual(
    storedFlow(created.id)?.assignments.map((a) => a.displayName),
    ["Employer", "Email"],
  );
  await flow.delete(created.id, created.outs!);
});

test("a flow that requires an attribute (email) keeps it; diffs stay quiet about it", async () => {
  emu.reset();
  const inputs = await checked(flow, {
    connection,
    name: "NoEmail",
    identityProviders: ["MSASignup-OAUTH"],
    attributes: [{ attributeId: "city", displayName: "City" }],
  });
  const { id, outs } = await flow.create(inputs);
  assert.deepEqual(outs?.serviceRequiredAttributes, ["email"]);
  assert.deepEqual(
    storedFlow(id)?.identityProviderIds,
    ["MSASignup-OAUTH"],
    "the default AADSignup link was removed",
  );
  const fresh = await flow.read(id, outs!);
  assert.equal((await flow.diff(id, fresh.props!, inputs)).changes, false);
  emu.clearLog();
  await flow.update(id, fresh.props!, inputs);
  assert.equal(emu.counts().writes, 0);
  await flow.delete(id, outs!);
});

test("check: every problem at once", async () => {
  const r = await flow.check(
    {},
    {
      connection,
      name: "bad name",
      identityProviders: ["AADSignup-OAUTH", "aadsignup-oauth"],
      attributes: [
        { attributeId: "city", displayName: "City", userInputType: "slider" },
        { attributeId: "CITY", displayName: "x" },
      ],
      apiConnectors: { preTokenIssuance: "x" },
    },
  );
  const text = (r.failures ?? []).map((f) => f.reason).join("\n");
  assert.match(text, /name: "bad name" must not contain spaces/);
  assert.match(text, /identityProviders: aadsignup-oauth is listed more than once/);
  assert.match(text, /userInputType: "slider"/);
  assert.match(text, /attributes: CITY is listed more than once/);
  assert.match(text, /apiConnectors.preTokenIssuance: unknown step/);
});
