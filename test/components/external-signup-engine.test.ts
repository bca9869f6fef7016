/**
 * `SelfServiceSignUp` with `tenantKind: "external"` and `tokenClaims`, through the real engine against an
 * emulator playing an external (CIAM) tenant: the component's own wiring (API identity with consent,
 * Start/Submit extensions validated by Graph, the events flow from the one userFlow config, the apps,
 * token issuance with its listener and claims mapping policy). preview → up → no-op up with zero Graph
 * writes → change (reorder the page, add an attribute, switch Submit off, change the claim set) → destroy
 * back to the seed.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";

const entry = path.join(repoRoot, "src");

const program = `
import * as pulumi from "@pulumi/pulumi";
import { SelfServiceSignUp } from ${JSON.stringify(entry)};

const config = new pulumi.Config();
const page = (config.get("page") ?? "email,givenName,CompanyName,PartnerRole").split(",");
const claims = (config.get("claims") ?? "PartnerRole").split(",");
const signUp = new SelfServiceSignUp("signup", {
  tenantKind: "external",
  connection: { cloud: "global", tenantId: config.require("tenantId"), baseUrl: config.require("graphUrl"), credential: "emulator" },
  attributes: [{ name: "CompanyName" }, { name: "PartnerRole" }],
  userFlow: {
    name: "Customers",
    identityProviders: ["EmailPassword-OAUTH"],
    page: page.map((attribute) => ({ attribute })),
    connectorSteps: { postAttributeCollection: config.getBoolean("submitOn") ?? true },
  },
  connector: {
    policy: {
      version: "1.0.0",
      domains: { allow: [{ domain: "partner-company.com", companyName: "Partner Company", role: "Partner" }] },
      ...(config.getBoolean("enrich") === false
        ? {}
        : { enrichment: { roleAttribute: "PartnerRole", defaultRole: "External" } }),
    },
    hosting: { kind: "external", baseUrl: "https://fn.example.net/api" },
  },
  apps: { appIds: [config.require("appId")] },
  tokenClaims: {
    claims: claims.map((id) =>
      id === "PartnerRole"
        ? { id, jwtClaimType: "partner_role", source: { attribute: "PartnerRole" } }
        : { id, source: { domainTable: { entries: [{ domain: "partner-company.com", value: "gold" }], default: "standard" } } },
    ),
    appIds: [config.require("appId")],
  },
});
export const flowId = signUp.flowId;
export const attributeIds = signUp.attributeIds;
export const extensionTargetUrls = signUp.extensionTargetUrls;
export const connectorUrls = signUp.connectorUrls;
`;

let emu: GraphEmulator;
let ctx: LocalProgramStack;
let cleanupDir: () => void;

before(async () => {
  emu = await startGraphEmulator({ tenantType: "CIAM" });
  const tmp = makeTempDir("external-signup");
  cleanupDir = tmp.cleanup;
  writeProgram(tmp.dir, "external-signup", program);
  ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setAllConfig({
    graphUrl: { value: emu.url },
    tenantId: { value: emu.tenantId },
    appId: { value: emu.sampleAppId },
  });
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
  await emu?.close();
});

const state = () => emu.snapshot();

test("external SelfServiceSignUp with token claims: preview, up, no-op up with zero writes, change, destroy to the seed", async () => {
  emu.clearLog();
  const preview = await ctx.stack.preview();
  assert.equal(emu.counts().writes, 0, "preview writes nothing");
  assert.ok((preview.changeSummary.create ?? 0) >= 10, JSON.stringify(preview.changeSummary));

  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");
  const ids = up.outputs.attributeIds?.value as Record<string, string>;
  assert.deepEqual(up.outputs.extensionTargetUrls?.value, {
    onAttributeCollectionStart: "https://fn.example.net/api/onAttributeCollectionStart",
    onAttributeCollectionSubmit: "https://fn.example.net/api/onAttributeCollectionSubmit",
    onTokenIssuanceStart: "https://fn.example.net/api/onTokenIssuanceStart",
  });
  assert.deepEqual(up.outputs.connectorUrls?.value, {}, "no API connector in an external tenant");
  const s = state();
  const flow = s.authenticationEventsFlows[0]!;
  assert.equal(flow.id, up.outputs.flowId?.value);
  assert.deepEqual(
    flow.inputs.map((i) => i.attribute),
    ["email", "givenName", ids.CompanyName, ids.PartnerRole],
  );
  assert.deepEqual(flow.includeApplications, [emu.sampleAppId]);
  const extensions = s.customAuthenticationExtensions;
  assert.equal(extensions.length, 3, "Start, Submit and token issuance extensions");
  const api = s.applications.find((a) => a.displayName.endsWith("authentication events API"))!;
  assert.ok(api, "the extension API application exists");
  for (const e of extensions) {
    assert.equal(e.resourceId, `api://fn.example.net/${api.appId}`);
    assert.match(
      e.targetUrl,
      /^https:\/\/fn\.example\.net\/api\/on(AttributeCollectionStart|AttributeCollectionSubmit|TokenIssuanceStart)$/,
    );
  }
  assert.equal(s.authenticationEventListeners.length, 1, "one token issuance listener");
  assert.equal(s.claimsMappingPolicies.length, 1);
  assert.match(JSON.stringify(s.claimsMappingPolicies[0]), /partner_role/);

  emu.clearLog();
  const again = await ctx.stack.up();
  assert.equal(again.summary.resourceChanges?.create ?? 0, 0);
  assert.equal(again.summary.resourceChanges?.update ?? 0, 0);
  assert.equal(emu.counts().writes, 0, "a no-op up writes nothing to Graph");

  await ctx.stack.setAllConfig({
    page: { value: "email,CompanyName,givenName,PartnerRole,city" },
    // Enrichment runs at Submit only: without Submit the claim comes from a domain table instead.
    submitOn: { value: "false" },
    enrich: { value: "false" },
    claims: { value: "partnerTier" },
  });
  const change = await ctx.stack.up();
  assert.equal(change.summary.result, "succeeded");
  const changed = state();
  assert.deepEqual(
    changed.authenticationEventsFlows[0]!.inputs.map((i) => i.attribute),
    ["email", ids.CompanyName, "givenName", ids.PartnerRole, "city"],
    "page reordered and an attribute added",
  );
  assert.equal(
    changed.authenticationEventsFlows[0]!.onAttributeCollectionSubmit,
    null,
    "Submit switched off",
  );
  assert.match(JSON.stringify(changed.claimsMappingPolicies[0]), /partnerTier/, "the claim set changed");
  assert.doesNotMatch(JSON.stringify(changed.claimsMappingPolicies[0]), /partner_role/);

  const destroy = await ctx.stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.deepEqual(emu.diffFromSeed(), [], "the tenant is as seeded");
});
