/**
 * What `pulumi preview` announces is what `up` does (issue 11 items 1, 5 and 14): through the real engine
 * against the emulator, each kind of edit previews the exact steps per resource — no replacement made up
 * from a value that is only unknown during preview, no reorder of an unordered set — and a change that
 * would replace an object other objects use (and lose data) is refused at preview with the steps to take.
 * The state holds no secret-derived value in plaintext.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, test } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";

const program = (graphIndex: string) => `
import * as pulumi from "@pulumi/pulumi";
import {
  ApiConnector, B2xUserFlow, SelfServiceSignUpPolicy, SocialIdentityProvider, UserFlowAppAssociation, UserFlowAttribute,
} from ${JSON.stringify(graphIndex)};

const config = new pulumi.Config();
const connection = { cloud: "global" as const, baseUrl: config.require("graphUrl"), credential: "emulator" as const };
const withCompany = config.get("withCompany") !== "false";
const withConnector = config.get("withConnector") !== "false";

const signUp = new SelfServiceSignUpPolicy("sign-up", { connection });
const company = withCompany
  ? new UserFlowAttribute("company", {
      connection,
      displayName: "LoyaltyNumber",
      dataType: (config.get("companyType") ?? "string") as "string" | "int64",
      description: config.get("companyDescription") ?? "Your number",
    }, { dependsOn: [signUp] })
  : undefined;
const connector = withConnector
  ? new ApiConnector("approvals", {
      connection,
      displayName: "Approvals",
      targetUrl: "https://fn.example.net/api/postAttributeCollection",
      rotationKey: config.get("rotationKey") ?? "1",
    }, { dependsOn: [signUp] })
  : undefined;
const google = new SocialIdentityProvider("google", {
  connection, type: "Google", clientId: "google-client-id", clientSecret: config.requireSecret("googleSecret"),
});
const idps = [pulumi.output("AADSignup-OAUTH"), google.identityProviderId];
const flow = new B2xUserFlow("partners", {
  connection,
  name: "Partners",
  identityProviders: config.get("idpOrder") === "reversed" ? [...idps].reverse() : idps,
  attributes: [
    { attributeId: "email", displayName: "Email address", userInputType: "emailBox", requiresVerification: true },
    ...(company ? [{ attributeId: company.attributeId, displayName: config.get("pageLabel") ?? "Loyalty number" }] : []),
    { attributeId: "city", displayName: "City", isOptional: true },
  ],
  apiConnectors: connector ? { postAttributeCollection: connector.connectorId } : {},
}, { dependsOn: [signUp] });
new UserFlowAppAssociation("portal", { connection, userFlowId: flow.flowId, appIds: [config.require("appId")] });
`;

let emu: GraphEmulator;
let ctx: LocalProgramStack;
let cleanupDir: () => void;

before(async () => {
  emu = await startGraphEmulator();
  const tmp = makeTempDir("graph-preview-plan");
  cleanupDir = tmp.cleanup;
  writeProgram(tmp.dir, "graph-preview-plan", program(path.join(repoRoot, "components", "graph")));
  ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setAllConfig({
    graphUrl: { value: emu.url },
    appId: { value: emu.sampleAppId },
    googleSecret: { value: "google-secret-for-preview-test", secret: true },
  });
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
  await emu?.close();
});

const changing = new Set(["create", "update", "replace", "create-replacement", "delete-replaced", "delete"]);

/** Resource name → the steps the engine announces for it (only steps that change something). */
async function plan(opts: { refresh?: boolean } = {}): Promise<Record<string, string[]>> {
  const steps: Record<string, string[]> = {};
  const onEvent = (e: EngineEvent) => {
    const m = e.resourcePreEvent?.metadata;
    // The engine's own default-provider bookkeeping is not a step on a Graph object.
    if (!m || !changing.has(m.op) || m.type.startsWith("pulumi:providers:")) return;
    const name = m.urn.split("::").pop()!;
    (steps[name] ??= []).push(m.op);
  };
  await ctx.stack.preview({ onEvent, refresh: opts.refresh });
  return steps;
}

async function withConfig<T>(key: string, value: string, run: () => Promise<T>): Promise<T> {
  await ctx.stack.setConfig(key, { value });
  try {
    return await run();
  } finally {
    await ctx.stack.removeConfig(key);
  }
}

test("each kind of edit previews exactly the steps up takes; unknowns and unordered sets make no diff", async () => {
  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");

  assert.deepEqual(await plan({ refresh: true }), {}, "a refresh right after create finds nothing to do");
  assert.deepEqual(
    await withConfig("pageLabel", "Member number", () => plan()),
    { partners: ["update"] },
    "a page label: the flow updates, its app association stays",
  );
  assert.deepEqual(
    await withConfig("companyDescription", "Printed on your card", () => plan()),
    { company: ["update"] },
    "an attribute description: the flow that shows it does not change",
  );
  assert.deepEqual(
    await withConfig("rotationKey", "2", () => plan()),
    { approvals: ["update"] },
    "a password rotation: the flow wired to the connector does not change",
  );
  assert.deepEqual(
    await withConfig("idpOrder", "reversed", () => plan()),
    {},
    "identity providers are a set: their order is no change",
  );
  emu.clearLog();
  assert.deepEqual(await plan(), {}, "nothing changed: nothing planned");
  assert.equal(emu.counts().writes, 0, "previews never write to Graph");
});

test("a retype of an attribute a flow still collects is refused at preview, naming what is lost and the steps", async () => {
  await ctx.stack.setConfig("companyType", { value: "int64" });
  try {
    await assert.rejects(ctx.stack.preview(), (e: Error) => {
      assert.match(
        e.message,
        /changing user flow attribute "LoyaltyNumber" from string to int64 replaces it/,
      );
      assert.match(e.message, /the value every existing guest has stored in it/);
      assert.match(e.message, /\(1\) remove "LoyaltyNumber" from attributes, from the sign-up page/);
      assert.match(e.message, /\(2\) add it back with dataType int64 and run up/);
      return true;
    });
  } finally {
    await ctx.stack.removeConfig("companyType");
  }
});

test("removing an object another one uses works in one up: the flow lets go first (connector, attribute)", async () => {
  await ctx.stack.setConfig("withConnector", { value: "false" });
  const noConnector = await ctx.stack.up();
  assert.equal(noConnector.summary.result, "succeeded");
  assert.deepEqual(emu.snapshot().apiConnectors, [], "the connector is gone");
  assert.deepEqual(emu.snapshot().b2xUserFlows[0]?.apiConnectorConfiguration, {});

  await ctx.stack.setConfig("withCompany", { value: "false" });
  const noAttribute = await ctx.stack.up();
  assert.equal(noAttribute.summary.result, "succeeded");
  assert.deepEqual(
    emu.snapshot().userFlowAttributes.filter((a) => a.userFlowAttributeType === "custom"),
    [],
  );
  assert.deepEqual(
    emu.snapshot().b2xUserFlows[0]?.assignments.map((a) => a.id),
    ["email", "city"],
  );
});

test("the state holds no secret-derived value in plaintext (credential and client-secret hashes are secrets)", async () => {
  await ctx.stack.removeConfig("withConnector");
  await ctx.stack.up();
  const deployment = (await ctx.stack.exportStack()).deployment as {
    resources: Array<{ type: string; outputs?: Record<string, unknown> }>;
  };
  const secretSig = "4dabf18193072939515e22adb298388d";
  const outputsOf = (type: string) => deployment.resources.find((r) => r.type.endsWith(type))?.outputs ?? {};
  const connector = outputsOf(":ApiConnector");
  const idp = outputsOf(":SocialIdentityProvider");
  assert.ok(secretSig in (connector.credentialHash as object), "credentialHash is stored encrypted");
  assert.ok(secretSig in (idp.secretHash as object), "secretHash is stored encrypted");
  const state = ctx.readStateFiles();
  assert.doesNotMatch(state, /"credentialHash":\s*"[0-9a-f]{64}"/);
  assert.doesNotMatch(state, /"secretHash":\s*"[0-9a-f]{64}"/);

  const destroy = await ctx.stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.deepEqual(emu.diffFromSeed(), [], "the tenant is as seeded");
});
