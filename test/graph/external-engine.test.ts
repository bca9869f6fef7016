/**
 * External-tenant sign-up through the real engine (Automation API, file:// backend) against an emulator
 * playing an external (CIAM) tenant: preview → up → no-op up with zero Graph writes → change (reorder the
 * page, add an attribute, switch Submit off) → refresh sees an out-of-band change → destroy back to the seed.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";
import { apiHost, externalEmulator } from "./external-helpers";
import { outOfBand } from "./helpers";

const graphIndex = path.join(repoRoot, "components", "graph");

const program = `
import * as pulumi from "@pulumi/pulumi";
import { AuthenticationEventsFlow, CustomAuthenticationExtension, UserFlowAttribute } from ${JSON.stringify(graphIndex)};

const config = new pulumi.Config();
const connection = { cloud: "global" as const, baseUrl: config.require("graphUrl"), credential: "emulator" as const };
const resourceId = config.require("resourceId");
const host = "https://${apiHost}/api";

const loyalty = new UserFlowAttribute("loyalty", { connection, displayName: "Loyalty number", dataType: "int64" });
const start = new CustomAuthenticationExtension("start", {
  connection, displayName: "Sign-up start", eventType: "attributeCollectionStart",
  targetUrl: host + "/onAttributeCollectionStart", resourceId,
});
const submit = new CustomAuthenticationExtension("submit", {
  connection, displayName: "Sign-up submit", eventType: "attributeCollectionSubmit",
  targetUrl: host + "/onAttributeCollectionSubmit", resourceId, timeoutInMilliseconds: 1500, maximumRetries: 0,
});

const attributes: Record<string, any> = {
  email: { id: "email", displayName: "Email Address", dataType: "string", userFlowAttributeType: "builtIn" },
  givenName: { id: "givenName", displayName: "Given Name", dataType: "string", userFlowAttributeType: "builtIn" },
  loyalty: { id: loyalty.attributeId, displayName: "Loyalty number", dataType: "int64", userFlowAttributeType: "custom" },
  city: { id: "city", displayName: "City", dataType: "string", userFlowAttributeType: "builtIn" },
};
const inputs: Record<string, any> = {
  email: { attribute: "email", label: "Email", inputType: "text", hidden: true, editable: false },
  givenName: { attribute: "givenName", label: "First name", inputType: "text", required: true },
  loyalty: { attribute: loyalty.attributeId, label: "Loyalty number", inputType: "text", validationRegEx: "^[0-9]+$" },
  city: { attribute: "city", label: "City", inputType: "text" },
};
const page = (config.get("page") ?? "email,givenName,loyalty").split(",");
const submitOn = config.getBoolean("submitOn") ?? true;

const flow = new AuthenticationEventsFlow("customers", {
  connection,
  displayName: "Customers",
  identityProviderIds: ["EmailPassword-OAUTH"],
  attributes: page.map((k) => attributes[k]),
  inputs: page.map((k) => inputs[k]),
  includeApplications: [config.require("appId")],
  onAttributeCollectionStartExtensionId: start.extensionId,
  onAttributeCollectionSubmitExtensionId: submitOn ? submit.extensionId : undefined,
});

export const flowId = flow.flowId;
export const loyaltyId = loyalty.attributeId;
export const startId = start.extensionId;
export const submitId = submit.extensionId;
`;

let emu: GraphEmulator;
let close: () => Promise<void>;
let ctx: LocalProgramStack;
let cleanupDir: () => void;

before(async () => {
  const external = await externalEmulator();
  ({ emu, close } = external);
  const tmp = makeTempDir("external-engine");
  cleanupDir = tmp.cleanup;
  writeProgram(tmp.dir, "external-engine", program);
  ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setAllConfig({
    graphUrl: { value: emu.url },
    appId: { value: emu.sampleAppId },
    resourceId: { value: external.resourceId },
  });
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
  await close?.();
});

const flowState = () => emu.snapshot().authenticationEventsFlows[0]!;

test("external tenant: preview, up, no-op up with zero writes, page/attribute/Submit change, refresh sees drift, destroy restores the seed", async () => {
  emu.clearLog();
  const preview = await ctx.stack.preview();
  assert.equal(preview.changeSummary.create, 5, "stack + attribute + 2 extensions + flow");
  assert.equal(emu.counts().writes, 0, "preview writes nothing");

  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");
  const loyaltyId = up.outputs.loyaltyId?.value as string;
  const b2c = emu.snapshot().applications.find((a) => a.displayName.startsWith("b2c-extensions-app"))!;
  assert.ok(
    loyaltyId.startsWith(`extension_${b2c.appId.replace(/-/g, "")}_`),
    "owned by the b2c-extensions-app",
  );
  const f = flowState();
  assert.equal(f.id, up.outputs.flowId?.value);
  assert.deepEqual(
    f.inputs.map((i) => i.attribute),
    ["email", "givenName", loyaltyId],
  );
  assert.equal(f.onAttributeCollectionStart, up.outputs.startId?.value);
  assert.equal(f.onAttributeCollectionSubmit, up.outputs.submitId?.value);
  assert.deepEqual(f.includeApplications, [emu.sampleAppId]);
  const submitExt = emu
    .snapshot()
    .customAuthenticationExtensions.find((e) => e.id === up.outputs.submitId?.value);
  assert.equal(submitExt?.timeoutInMilliseconds, 1500);
  assert.equal(submitExt?.maximumRetries, 0);

  emu.clearLog();
  const again = await ctx.stack.up();
  assert.equal(again.summary.resourceChanges?.same, 5);
  assert.equal(emu.counts().writes, 0, "a no-op up writes nothing to Graph");

  // The preview names the page inputs a change would remove (Graph replaces the page whole).
  await ctx.stack.setConfig("page", { value: "email,loyalty" });
  const dropping = await ctx.stack.preview({ diff: true });
  assert.match(dropping.stdout, /removedPageInputs/);
  assert.match(dropping.stdout, /givenName \(First name\)/);

  await ctx.stack.setAllConfig({
    page: { value: "email,loyalty,givenName,city" },
    submitOn: { value: "false" },
  });
  const change = await ctx.stack.up();
  assert.equal(change.summary.resourceChanges?.update, 1, "only the flow changes");
  const changed = flowState();
  assert.deepEqual(
    changed.inputs.map((i) => i.attribute),
    ["email", loyaltyId, "givenName", "city"],
  );
  assert.ok(changed.attributeIds.includes("city"), "city added to the flow's attributes");
  assert.equal(changed.onAttributeCollectionSubmit, null, "Submit switched off");
  assert.equal(changed.onAttributeCollectionStart, up.outputs.startId?.value);

  // Drift made in the portal: sign-up switched off. Refresh sees it; the next up restores it.
  await outOfBand(emu, "PATCH", `/identity/authenticationEventsFlows/${changed.id}`, {
    "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
    onInteractiveAuthFlowStart: {
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
      isSignUpAllowed: false,
    },
  });
  const refresh = await ctx.stack.refresh();
  assert.equal(refresh.summary.resourceChanges?.update, 1, "refresh reports the drifted flow");
  assert.match(JSON.stringify(await ctx.stack.exportStack()), /"isSignUpAllowed":false/);
  const fix = await ctx.stack.up();
  assert.equal(fix.summary.resourceChanges?.update, 1);
  assert.equal(flowState().isSignUpAllowed, true);

  const destroy = await ctx.stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.deepEqual(
    emu.diffFromSeed().filter((d) => !d.startsWith("appRoleAssignments")),
    [],
    "the tenant is as seeded (the fixture's consent aside)",
  );
});
