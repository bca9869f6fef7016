/**
 * Token claims through the real engine (Automation API, file:// backend) against an emulator in this
 * process: the extension's API identity, an onTokenIssuanceStart listener, a claims mapping policy on the
 * app's service principal and the app's acceptance of mapped claims. up → no-op up with zero Graph
 * writes → change the claim set → refresh sees an out-of-band change → destroy leaves the tenant as seeded.
 *
 * The token issuance start extension itself is the CustomAuthenticationExtension resource's; here the
 * tenant already holds one (token-claims-fixture.ts) and the program takes its id from config.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, test } from "node:test";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";
import { tenantWithTokenExtension, type ExtensionTenant } from "./token-claims-fixture";

const graphIndex = path.join(repoRoot, "components", "graph");

const program = `
import * as pulumi from "@pulumi/pulumi";
import { ClaimsMappingPolicy, ExtensionApiApplication, MappedClaimsAcceptance, TokenIssuanceStartListener } from ${JSON.stringify(graphIndex)};

const config = new pulumi.Config();
const connection = { cloud: "global" as const, baseUrl: config.require("graphUrl"), credential: "emulator" as const };
const appId = config.require("appId");

const api = new ExtensionApiApplication("events-api", {
  connection,
  displayName: "engine authentication events API",
  targetUrl: "https://fn-claims.example.net/api/tokenIssuanceStart",
});
new TokenIssuanceStartListener("token-listener", {
  connection,
  customExtensionId: config.require("extensionId"),
  includeApplications: [appId],
}, { dependsOn: [api] });
const policy = new ClaimsMappingPolicy("claims", {
  connection,
  displayName: "engine custom claims",
  claims: config.requireObject<{ id: string; jwtClaimType?: string }[]>("claims"),
  appIds: [appId],
});
new MappedClaimsAcceptance("accept", { connection, appId });

export const apiAppId = api.appId;
export const identifierUri = api.identifierUri;
export const policyId = policy.policyId;
`;

let t: ExtensionTenant;
let ctx: LocalProgramStack;
let cleanupDir: () => void;

before(async () => {
  t = await tenantWithTokenExtension();
  const tmp = makeTempDir("token-claims-engine");
  cleanupDir = tmp.cleanup;
  writeProgram(tmp.dir, "token-claims-engine", program);
  ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setAllConfig({
    graphUrl: { value: t.emu.url },
    appId: { value: t.emu.sampleAppId },
    extensionId: { value: t.extensionId },
    claims: { value: JSON.stringify([{ id: "PartnerRole", jwtClaimType: "partner_role" }]) },
  });
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
  await t?.cleanup();
});

const claimsOfPolicy = () => {
  const def = t.emu.snapshot().claimsMappingPolicies[0]?.definition ?? [];
  return (JSON.parse(def[0] ?? "{}") as { ClaimsMappingPolicy?: { ClaimsSchema?: unknown[] } })
    .ClaimsMappingPolicy?.ClaimsSchema;
};

test("up, no-op up with zero writes, a new claim set, refresh sees a disabled service principal, destroy restores the seed", async () => {
  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");
  assert.equal(up.summary.resourceChanges?.create, 5, "stack + 4 Graph resources");
  const snap = t.emu.snapshot();
  const apiAppId = String(up.outputs.apiAppId?.value);
  const apiApp = snap.applications.find((a) => a.appId === apiAppId)!;
  assert.equal(apiApp.signInAudience, "AzureADMyOrg");
  assert.deepEqual(apiApp.identifierUris, [`api://fn-claims.example.net/${apiAppId}`]);
  assert.equal(up.outputs.identifierUri?.value, `api://fn-claims.example.net/${apiAppId}`);
  const apiSp = snap.servicePrincipals.find((s) => s.appId === apiAppId)!;
  assert.equal(
    snap.appRoleAssignments.filter((a) => a.principalId === apiSp.id).length,
    1,
    "Receive.Payload granted",
  );
  const ours = snap.authenticationEventListeners.filter((l) => l.id !== t.flowListenerId);
  assert.equal(ours.length, 1, "the events flow's listener for the same extension and app is not adopted");
  assert.deepEqual(ours[0]?.includeApplications, [t.emu.sampleAppId]);
  const sampleSp = snap.servicePrincipals.find((s) => s.appId === t.emu.sampleAppId)!;
  assert.deepEqual(sampleSp.claimsMappingPolicyIds, [up.outputs.policyId?.value]);
  assert.equal(snap.applications.find((a) => a.appId === t.emu.sampleAppId)?.api.acceptMappedClaims, true);
  assert.deepEqual(claimsOfPolicy(), [
    { Source: "CustomClaimsProvider", ID: "PartnerRole", JwtClaimType: "partner_role" },
  ]);

  t.emu.clearLog();
  const again = await ctx.stack.up();
  assert.equal(again.summary.resourceChanges?.same, 5);
  assert.equal(again.summary.resourceChanges?.update, undefined);
  assert.equal(t.emu.counts().writes, 0, "a no-op up writes nothing to Graph");

  await ctx.stack.setConfig("claims", {
    value: JSON.stringify([{ id: "PartnerRole", jwtClaimType: "partner_role" }, { id: "partnerTier" }]),
  });
  const changed = await ctx.stack.up();
  assert.equal(changed.summary.resourceChanges?.update, 1, "only the policy changes");
  assert.equal(changed.outputs.policyId?.value, up.outputs.policyId?.value, "updated in place");
  assert.deepEqual(claimsOfPolicy(), [
    { Source: "CustomClaimsProvider", ID: "PartnerRole", JwtClaimType: "partner_role" },
    { Source: "CustomClaimsProvider", ID: "partnerTier" },
  ]);

  // An admin disables the API's service principal (sign-ins would fail with 1003018/1003019).
  const res = await fetch(`${t.emu.url}/v1.0/servicePrincipals/${apiSp.id}`, {
    method: "PATCH",
    headers: { Authorization: "Bearer portal", "Content-Type": "application/json" },
    body: JSON.stringify({ accountEnabled: false }),
  });
  assert.equal(res.status, 204);
  const refresh = await ctx.stack.refresh();
  assert.equal(refresh.summary.resourceChanges?.update, 1, "refresh reports the disabled service principal");
  const fix = await ctx.stack.up();
  assert.equal(fix.summary.resourceChanges?.update, 1);
  assert.equal(t.emu.snapshot().servicePrincipals.find((s) => s.id === apiSp.id)?.accountEnabled, true);

  const destroy = await ctx.stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.deepEqual(
    t.emu.diffFromSeed().filter((d) => !t.isFixture(d)),
    [],
    "the tenant is as seeded",
  );
});

test("preview refuses acceptMappedClaims on a multi-tenant app, with the reason and the alternative, and writes nothing", async () => {
  const res = await fetch(`${t.emu.url}/v1.0/applications`, {
    method: "POST",
    headers: { Authorization: "Bearer portal", "Content-Type": "application/json" },
    body: JSON.stringify({ displayName: "Multi-tenant portal", signInAudience: "AzureADMultipleOrgs" }),
  });
  const multi = (await res.json()) as { id: string; appId: string };
  await ctx.stack.setConfig("appId", { value: multi.appId });
  t.emu.clearLog();
  await assert.rejects(ctx.stack.preview(), (e: Error) => {
    assert.match(e.message, /multi-tenant \(signInAudience AzureADMultipleOrgs\)/);
    assert.match(e.message, /custom signing key/);
    return true;
  });
  assert.equal(t.emu.counts().writes, 0, "preview writes nothing");
  await fetch(`${t.emu.url}/v1.0/applications/${multi.id}`, {
    method: "DELETE",
    headers: { Authorization: "Bearer portal" },
  });
  assert.deepEqual(
    t.emu.diffFromSeed().filter((d) => !t.isFixture(d)),
    [],
  );
});
