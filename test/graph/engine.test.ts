/**
 * The Graph resources through the real engine (Automation API, file:// backend) against an emulator in
 * this process: up → no-op up with zero Graph writes → in-place update and replace from config →
 * refresh sees out-of-band drift → destroy leaves the tenant as seeded. State never holds the password.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import type { LocalProgramStack } from "../helpers/pulumi";
import { graphProgramStack } from "./engine-program";

let emu: GraphEmulator;
let ctx: LocalProgramStack;
let cleanupDir: () => void;

before(async () => {
  emu = await startGraphEmulator();
  ({ ctx, cleanupDir } = await graphProgramStack("graph-engine", emu));
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
  await emu?.close();
});

const flowIds = () => emu.snapshot().b2xUserFlows.map((f) => f.id);

test("up, no-op up with zero writes, update and replace from config, refresh sees drift, destroy restores the seed", async () => {
  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");
  assert.equal(up.summary.resourceChanges?.create, 7, "stack + 6 Graph resources");
  assert.equal(up.outputs.flowId?.value, "B2X_1_Partners");
  assert.equal(up.outputs.extensionsAppId?.value, emu.extensionsAppId);
  assert.equal(up.outputs.connectorPassword?.secret, true, "the password output is a secret");
  const snap = emu.snapshot();
  const flowState = snap.b2xUserFlows[0]!;
  assert.deepEqual(
    flowState.assignments.map((a) => a.id),
    ["email", up.outputs.attributeId?.value, "city"],
  );
  assert.deepEqual(flowState.identityProviderIds.map((i) => i.toLowerCase()).sort(), [
    "aadsignup-oauth",
    "google-oauth",
  ]);
  assert.equal(flowState.apiConnectorConfiguration.postAttributeCollection, up.outputs.connectorId?.value);
  assert.equal(snap.onSignupStartListeners[0]?.userFlowId, "B2X_1_Partners");

  // The connector password only ever exists as a secret in state.
  const auth = snap.apiConnectors[0]?.auth;
  const password = auth?.type === "basic" ? auth.password : "";
  assert.ok(password.length >= 40);
  assert.ok(up.outputs.connectorPassword?.value === password, "the output is the password Graph got");
  const state = ctx.readStateFiles();
  assert.ok(!state.includes(password), "no plaintext connector password in state");
  assert.ok(!state.includes("google-secret-for-engine-test"), "no plaintext IdP secret in state");

  emu.clearLog();
  const again = await ctx.stack.up();
  assert.equal(again.summary.resourceChanges?.same, 7);
  assert.equal(again.summary.resourceChanges?.update, undefined);
  assert.equal(emu.counts().writes, 0, "a no-op up writes nothing to Graph");

  await ctx.stack.setConfig("companyDescription", { value: "Legal name of your employer" });
  const inPlace = await ctx.stack.up();
  assert.equal(inPlace.summary.resourceChanges?.update, 1);
  assert.equal(
    inPlace.outputs.attributeId?.value,
    up.outputs.attributeId?.value,
    "description updates keep the id",
  );
  assert.equal(
    emu.snapshot().userFlowAttributes.find((a) => a.id === up.outputs.attributeId?.value)?.description,
    "Legal name of your employer",
  );

  await ctx.stack.setConfig("flowName", { value: "Suppliers" });
  const replace = await ctx.stack.up();
  assert.equal(
    replace.summary.resourceChanges?.replace,
    2,
    "rename replaces the flow, and its app association with it",
  );
  assert.deepEqual(flowIds(), ["B2X_1_Suppliers"], "old flow deleted first, no leftover");
  assert.equal(emu.snapshot().onSignupStartListeners[0]?.userFlowId, "B2X_1_Suppliers");
  assert.equal(emu.snapshot().onSignupStartListeners.length, 1);

  // Drift made in the portal, seen by refresh, undone by the next up.
  await fetch(`${emu.url}/v1.0/identity/apiConnectors/${up.outputs.connectorId?.value}`, {
    method: "PATCH",
    headers: { Authorization: "Bearer portal", "Content-Type": "application/json" },
    body: JSON.stringify({ targetUrl: "https://elsewhere.example.net/" }),
  });
  const refresh = await ctx.stack.refresh();
  assert.equal(refresh.summary.resourceChanges?.update, 1, "refresh reports the drifted connector");
  const exported = JSON.stringify(await ctx.stack.exportStack());
  assert.ok(exported.includes("https://elsewhere.example.net/"));
  const fix = await ctx.stack.up();
  assert.equal(fix.summary.resourceChanges?.update, 1);
  assert.equal(
    emu.snapshot().apiConnectors[0]?.targetUrl,
    "https://fn.example.net/api/postAttributeCollection",
  );

  const destroy = await ctx.stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.deepEqual(emu.diffFromSeed(), [], "the tenant is as seeded");
});
