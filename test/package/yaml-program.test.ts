/**
 * examples/yaml through the real engine: a Pulumi YAML program constructs `SelfServiceSignUp` in the
 * entra-signup plugin (provider/pulumi-resource-entra-signup), whose Graph resources run as dynamic
 * resources against the Graph emulator. preview writes nothing → up builds the sign-up system with the
 * connector password secret in state → a second up changes nothing → refresh finds no drift → destroy
 * leaves the tenant as seeded.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { localProgramStack, type LocalProgramStack } from "../helpers/pulumi";
import { yamlHostOnPath, yamlProgramDir } from "./helpers";

const PASSWORD = "yaml-program-connector-password-0123456789";

let emu: GraphEmulator;
let ctx: LocalProgramStack;
let cleanupDir: () => void;
let settingsFile: string;

before(async () => {
  assert.ok(
    yamlHostOnPath(),
    "pulumi-language-yaml is on PATH (scripts/ensure-pulumi builds it next to the CLI)",
  );
  emu = await startGraphEmulator();
  const tmp = yamlProgramDir("yaml-program");
  cleanupDir = tmp.cleanup;
  settingsFile = path.join(tmp.dir, "connector-settings.json");
  ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setAllConfig({
    graphUrl: { value: emu.url },
    connectorBaseUrl: { value: "http://127.0.0.1:7071/api" },
    settingsFile: { value: settingsFile },
    connectorPassword: { value: PASSWORD, secret: true },
  });
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
  await emu?.close();
});

test("a Pulumi YAML program stands up the sign-up system through the package: preview, up, no-op up, refresh, destroy", async () => {
  const preview = await ctx.stack.preview();
  assert.ok((preview.changeSummary.create ?? 0) >= 8, JSON.stringify(preview.changeSummary));
  assert.equal(emu.counts().writes, 0, "preview writes nothing to Graph");

  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");
  const created = up.summary.resourceChanges?.create ?? 0;
  assert.equal(up.outputs.flowId?.value, "B2X_1_PartnerSignUpYaml");
  const attributeIds = up.outputs.attributeIds?.value as Record<string, string>;
  assert.match(attributeIds.CompanyName ?? "", /^extension_[0-9a-f]{32}_CompanyName$/);
  assert.equal(up.outputs.extensionsAppId?.value, emu.extensionsAppId);
  assert.deepEqual(up.outputs.connectorUrls?.value, {
    postFederationSignup: "http://127.0.0.1:7071/api/postFederationSignup",
    postAttributeCollection: "http://127.0.0.1:7071/api/postAttributeCollection",
  });

  // What the component built in the emulator's tenant, wired as in a TypeScript program.
  const snap = emu.snapshot();
  const flow = snap.b2xUserFlows.find((f) => f.id === "B2X_1_PartnerSignUpYaml");
  assert.ok(flow, "the user flow exists");
  assert.deepEqual(
    flow.assignments.map((a) => a.id),
    ["email", "displayName", attributeIds.CompanyName, attributeIds.Justification],
  );
  const connectorIds = up.outputs.connectorIds?.value as Record<string, string>;
  assert.equal(flow.apiConnectorConfiguration.postAttributeCollection, connectorIds.postAttributeCollection);
  assert.equal(snap.apiConnectors.length, 2);
  for (const c of snap.apiConnectors) {
    assert.equal(c.auth.type === "basic" ? c.auth.password : "", PASSWORD, "Graph got the secret password");
  }
  const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8")) as Record<string, unknown>;
  assert.ok(
    JSON.stringify(settings).includes("partner-company.com"),
    "the local host's settings carry the policy",
  );

  // Secrets stay secret: the password crossed YAML → engine → plugin → dynamic providers encrypted.
  const state = ctx.readStateFiles();
  assert.ok(!state.includes(PASSWORD), "no plaintext connector password in state");

  emu.clearLog();
  const again = await ctx.stack.up();
  assert.equal(again.summary.resourceChanges?.same, created, JSON.stringify(again.summary.resourceChanges));
  assert.deepEqual(Object.keys(again.summary.resourceChanges ?? {}), ["same"], "no-op up: 0 changes");
  assert.equal(emu.counts().writes, 0, "a no-op up writes nothing to Graph");

  const refresh = await ctx.stack.refresh();
  assert.equal(refresh.summary.result, "succeeded");
  assert.deepEqual(Object.keys(refresh.summary.resourceChanges ?? {}), ["same"], "refresh finds no drift");

  const destroy = await ctx.stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.equal(destroy.summary.resourceChanges?.delete, created);
  assert.deepEqual(emu.diffFromSeed(), [], "destroy leaves the tenant as seeded");
});
