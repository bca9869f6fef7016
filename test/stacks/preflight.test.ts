/**
 * Preflight against the Graph emulator: the local stack's config passes cleanly, and each check fails
 * on its own with its message when the emulated tenant (or the machine) is made to fail it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { startGraphEmulator, ALL_ROLES, type GraphEmulator } from "../../local/graph-emulator";
import type { Finding } from "../../stacks/preflight/finding";
import { preflightMain } from "../../stacks/preflight/cli";
import { checkAzureNames } from "../../stacks/preflight/azure-names";
import { checkPermissions, requiredPermissions } from "../../stacks/preflight/permissions";
import { listInstalledPlugins, type InstalledPlugin } from "../../stacks/preflight/plugins";
import { planWrapper } from "../../stacks/preflight/pulumi-wrapper";
import { runPreflight } from "../../stacks/preflight/run";
import { checkTenantKind } from "../../stacks/preflight/tenant-kind";
import { readStackConfig, repoRoot, settingsFromConfig } from "../../stacks/preflight/stack-config";
import { makeTempDir } from "../helpers/pulumi";
import { outOfBand } from "../graph/helpers";

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};
const azureNativeVersion = pkg.dependencies["@pulumi/azure-native"]!;

let emu: GraphEmulator;

before(async () => {
  emu = await startGraphEmulator();
});
after(async () => {
  await emu?.close();
});
beforeEach(() => emu.reset());

/** The local stack's config (Pulumi.local.yaml) pointed at this test's emulator, with overrides. */
function localConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const config = readStackConfig("local");
  const tenant = config["entra-signup:tenant"] as Record<string, unknown>;
  return { ...config, "entra-signup:tenant": { ...tenant, graphBaseUrl: emu.url }, ...overrides };
}

async function preflight(
  overrides: Record<string, unknown> = {},
  opts: { stack?: string; plugins?: InstalledPlugin[]; managedIds?: Set<string> } = {},
): Promise<Finding[]> {
  const stack = opts.stack ?? "local";
  return runPreflight({
    settings: settingsFromConfig(localConfig(overrides), "local"),
    stack,
    managedIds: opts.managedIds ?? new Set(),
    dependencies: pkg.dependencies,
    listPlugins: () => Promise.resolve(opts.plugins ?? []),
  });
}

const failures = (findings: Finding[]) => findings.filter((f) => f.level === "fail");

function onlyFailure(findings: Finding[], check: Finding["check"]): Finding {
  const failed = failures(findings);
  assert.equal(failed.length, 1, `exactly one failure, got:\n${failed.map((f) => f.problem).join("\n")}`);
  assert.equal(failed[0]!.check, check);
  return failed[0]!;
}

const functionAppHosting = (config: Record<string, unknown>) => ({
  "entra-signup:connector": {
    ...(config["entra-signup:connector"] as Record<string, unknown>),
    hosting: { kind: "functionApp", location: "westeurope" },
  },
});

test("the local stack's config passes every check against the emulator", async () => {
  const findings = await preflight();
  assert.deepEqual(failures(findings), []);
});

test("a credential that gets no token fails the credential check with the identity platform's answer", async () => {
  emu.tenant.set({ credentialValid: false });
  const f = onlyFailure(await preflight(), "credential");
  assert.match(
    f.problem,
    /no Microsoft Graph token for tenant 00000000-0000-4000-8000-00000000e1d0: invalid_client: AADSTS7000215/,
  );
  assert.equal(f.key, "entra-signup:tenant");
});

test("a token without a permission the config needs names the missing permission and what needs it", async () => {
  emu.tenant.set({ grantedRoles: ALL_ROLES.filter((r) => r !== "APIConnectors.ReadWrite.All") });
  const f = onlyFailure(await preflight(), "permissions");
  assert.match(
    f.problem,
    /lacks the Microsoft Graph application permission APIConnectors\.ReadWrite\.All, needed by entra-signup:connector/,
  );
  assert.equal(f.key, "entra-signup:connector");
  assert.match(f.fix ?? "", /admin-consent/);
});

test("a workforce config on an external tenant is refused by name, with tenant.kind: external as the fix", async () => {
  emu.tenant.set({ tenantType: "CIAM" });
  const f = onlyFailure(await preflight(), "tenant kind");
  assert.match(f.problem, /is an external \(CIAM\) tenant \(Microsoft Entra External ID, tenantType CIAM\)/);
  assert.match(f.problem, /B2X self-service sign-up user flows and API connectors don't apply there/);
  assert.match(f.fix ?? "", /set tenant\.kind: external/);
  assert.equal(f.key, "entra-signup:tenant.kind");
});

/** A minimal external-tenant config on this test's emulator (no custom attributes). */
function externalConfig(): Record<string, unknown> {
  const local = localConfig();
  const { "entra-signup:selfServiceSignUp": _toggle, ...rest } = local;
  const connector = local["entra-signup:connector"] as Record<string, unknown>;
  return {
    ...rest,
    "entra-signup:tenant": { ...(local["entra-signup:tenant"] as Record<string, unknown>), kind: "external" },
    "entra-signup:attributes": [],
    "entra-signup:userFlow": {
      name: "PartnerSignUp",
      identityProviders: ["EmailPassword-OAUTH"],
      page: [{ attribute: "email" }, { attribute: "displayName" }],
    },
    "entra-signup:connector": {
      displayName: connector.displayName,
      hosting: connector.hosting,
      policy: { domains: { allow: ["partner-company.com"] } },
    },
    "entra-signup:apps": { appIds: [emu.sampleAppId] },
  };
}

const EXTERNAL_ROLES = [
  "EventListener.ReadWrite.All",
  "CustomAuthenticationExtension.ReadWrite.All",
  "Application.ReadWrite.OwnedBy",
  "AppRoleAssignment.ReadWrite.All",
];

test("an external config on an external tenant passes without reading any B2X surface", async () => {
  emu.tenant.set({ tenantType: "CIAM", grantedRoles: [...ALL_ROLES, ...EXTERNAL_ROLES] });
  const findings = await runPreflight({
    settings: settingsFromConfig(externalConfig(), "local"),
    stack: "local",
    managedIds: new Set(),
    dependencies: pkg.dependencies,
    listPlugins: () => Promise.resolve([]),
  });
  // The emulator answers 403 AADB2C to every B2X call in a CIAM tenant: no failure means none was made.
  assert.deepEqual(failures(findings), []);
});

test("an external config on a workforce tenant names the B2X product and tenant.kind", async () => {
  emu.tenant.set({ grantedRoles: [...ALL_ROLES, ...EXTERNAL_ROLES] });
  const f = onlyFailure(
    await runPreflight({
      settings: settingsFromConfig(externalConfig(), "local"),
      stack: "local",
      managedIds: new Set(),
      dependencies: pkg.dependencies,
      listPlugins: () => Promise.resolve([]),
    }),
    "tenant kind",
  );
  assert.match(
    f.problem,
    /is a workforce tenant \(tenantType AAD\); authentication events flows .* exist only in external tenants/,
  );
  assert.match(f.problem, /signs guests up with B2X self-service sign-up user flows and API connectors/);
  assert.equal(f.key, "entra-signup:tenant.kind");
});

test("an Azure AD B2C tenant or an unknown tenantType stops either kind at tenant.tenantId", () => {
  for (const kind of ["workforce", "external"] as const) {
    for (const type of ["AAD B2C", "SomethingNew"]) {
      const [f, ...more] = checkTenantKind("t", type, undefined, kind);
      assert.equal(more.length, 0);
      assert.equal(f?.key, "entra-signup:tenant.tenantId");
      assert.match(f?.problem ?? "", type === "AAD B2C" ? /an Azure AD B2C tenant/ : /unknown kind/);
    }
  }
});

test("an external stack needs the events-flow and extension permissions and none of the B2X ones", () => {
  const settings = settingsFromConfig(externalConfig(), "local");
  const up = requiredPermissions(settings, "up").map((n) => n.anyOf[0]);
  for (const p of [
    "EventListener.ReadWrite.All",
    "CustomAuthenticationExtension.ReadWrite.All",
    "Application.ReadWrite.OwnedBy",
    "AppRoleAssignment.ReadWrite.All",
    "Organization.Read.All",
  ])
    assert.ok(up.includes(p), `${p} in ${up.join(", ")}`);
  for (const p of [
    "Policy.ReadWrite.AuthenticationFlows",
    "IdentityUserFlow.ReadWrite.All",
    "APIConnectors.ReadWrite.All",
  ])
    assert.ok(!up.includes(p), `${p} not needed`);
  const preview = requiredPermissions(settings, "preview").flatMap((n) => n.anyOf);
  assert.ok(
    preview.includes("EventListener.Read.All") && preview.includes("CustomAuthenticationExtension.Read.All"),
  );
  const missing = checkPermissions(
    { roles: ["Organization.Read.All", "Application.Read.All"] },
    requiredPermissions(settings, "up"),
  );
  assert.ok(
    missing.some((f) =>
      /CustomAuthenticationExtension\.ReadWrite\.All, needed by entra-signup:extension/.test(f.problem),
    ),
  );
});

test("token claims add the extension, listener and claims-mapping permissions in a workforce stack", () => {
  const config = {
    ...localConfig(),
    "entra-signup:tokenClaims": {
      claims: [{ id: "PartnerRole", source: { attribute: "PartnerRole" } }],
      appIds: [emu.sampleAppId],
    },
  };
  const needs = requiredPermissions(settingsFromConfig(config, "local"), "up");
  const usedBy = (p: string) => needs.find((n) => n.anyOf[0] === p)?.usedBy ?? [];
  assert.ok(usedBy("CustomAuthenticationExtension.ReadWrite.All").includes("entra-signup:tokenClaims"));
  assert.ok(usedBy("EventListener.ReadWrite.All").includes("entra-signup:tokenClaims"));
  assert.ok(usedBy("Policy.ReadWrite.ApplicationConfiguration").includes("entra-signup:tokenClaims"));
  assert.ok(usedBy("AppRoleAssignment.ReadWrite.All").includes("entra-signup:tokenClaims"));
  const without = requiredPermissions(settingsFromConfig(localConfig(), "local"), "up").map(
    (n) => n.anyOf[0],
  );
  assert.ok(!without.includes("CustomAuthenticationExtension.ReadWrite.All"), "only when tokenClaims is set");
});

test("a tenant without the B2X self-service sign-up surface fails the sign-up check", async () => {
  emu.tenant.set({ selfServiceSignUpAvailable: false });
  const f = onlyFailure(await preflight(), "self-service sign-up");
  assert.match(
    f.problem,
    /self-service sign-up is not available in tenant .*Resource not found for the segment 'authenticationFlowsPolicy'/,
  );
});

test("sign-up left off in the tenant and in the config fails with the key to set", async () => {
  const f = onlyFailure(
    await preflight({ "entra-signup:selfServiceSignUp": { enabled: false } }),
    "self-service sign-up",
  );
  assert.equal(f.key, "entra-signup:selfServiceSignUp.enabled");
});

test("an appIds entry that is not an app registration in the tenant is named by its key path", async () => {
  const missing = "0b7f3c1e-9d2a-4c1b-8e5f-3a2b1c0d9e8f";
  const f = onlyFailure(
    await preflight({ "entra-signup:apps": { appIds: [emu.sampleAppId, missing] } }),
    "apps",
  );
  assert.match(f.problem, new RegExp(`no app registration with client id ${missing}`));
  assert.equal(f.key, "entra-signup:apps.appIds[1]");
});

test("an object with our name that the stack does not manage fails with the adoptExisting advice", async () => {
  const made = (await outOfBand(emu, "POST", "/identity/apiConnectors", {
    displayName: "entra-signup local postAttributeCollection",
    targetUrl: "https://hand-made.example.com/api",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.basicAuthentication",
      username: "someone",
      password: "hand-made-password",
    },
  })) as { id: string };
  const f = onlyFailure(await preflight({ "entra-signup:adoptExisting": false }), "existing objects");
  assert.match(f.problem, /API connector 'entra-signup local postAttributeCollection' already exists/);
  assert.match(f.fix ?? "", /set entra-signup:adoptExisting to true/);

  const adopting = await preflight({ "entra-signup:adoptExisting": true });
  assert.deepEqual(failures(adopting), [], "with adoptExisting it is only a note");
  assert.ok(adopting.some((n) => n.check === "existing objects" && /up takes it over/.test(n.problem)));

  const managed = await preflight(
    { "entra-signup:adoptExisting": false },
    { managedIds: new Set([made.id]) },
  );
  assert.deepEqual(failures(managed), [], "an object in the stack's state is the stack's own");
});

test("Azure hosting without the pinned azure-native plugin prints the exact install command", async () => {
  const config = localConfig();
  const f = onlyFailure(await preflight(functionAppHosting(config)), "plugins");
  assert.ok(f.fix?.startsWith(`pulumi plugin install resource azure-native ${azureNativeVersion} `), f.fix);
  const installed = [{ name: "azure-native", kind: "resource", version: azureNativeVersion }];
  assert.deepEqual(failures(await preflight(functionAppHosting(config), { plugins: installed })), []);
});

test("the plugin list comes from the Pulumi CLI: an empty plugin folder has no azure-native", async () => {
  const home = makeTempDir("preflight-plugins");
  try {
    const plugins = await listInstalledPlugins({ ...process.env, PULUMI_HOME: home.dir });
    assert.ok(!plugins.some((p) => p.name === "azure-native"));
  } finally {
    home.cleanup();
  }
});

test("a Function App stack whose Azure names the hosting component refuses fails the Azure names check", () => {
  const settings = settingsFromConfig({ ...localConfig(), ...functionAppHosting(localConfig()) }, "local");
  assert.deepEqual(checkAzureNames(settings, "local"), [], "the local stack's names fit");
  const refused = checkAzureNames(settings, "staging-westeurope", () => [
    'keyVault: "kv-x" has 4 characters (3–24 allowed)',
  ]);
  assert.equal(refused.length, 1);
  assert.equal(refused[0]!.check, "azure names");
  assert.match(refused[0]!.problem, /^stack 'staging-westeurope': keyVault: /);
  assert.equal(refused[0]!.key, "entra-signup:connector.hosting");
  assert.deepEqual(
    checkAzureNames(settingsFromConfig(localConfig(), "local"), "x", () => ["never"]),
    [],
    "local hosting creates no Azure names",
  );
});

test("a preview needs only read permissions; up needs the write ones", () => {
  const settings = settingsFromConfig(localConfig(), "local");
  const readOnly = {
    roles: [
      "Policy.Read.All",
      "IdentityUserFlow.Read.All",
      "APIConnectors.ReadWrite.All",
      "Application.Read.All",
      "Organization.Read.All",
    ],
  };
  assert.deepEqual(checkPermissions(readOnly, requiredPermissions(settings, "preview")), []);
  const missing = checkPermissions(readOnly, requiredPermissions(settings, "up")).map((f) => f.problem);
  assert.equal(missing.length, 3);
  assert.match(missing.join("\n"), /Policy\.ReadWrite\.AuthenticationFlows/);
  assert.match(missing.join("\n"), /IdentityUserFlow\.ReadWrite\.All/);
  assert.match(missing.join("\n"), /Policy\.ReadWrite\.ApplicationConfiguration/);
});

test("npm run preflight exits 0 on a ready stack and 1 with one block per problem", async () => {
  const dir = makeTempDir("preflight-cli");
  try {
    fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(dir.dir, "package.json"));
    const write = (config: Record<string, unknown>) =>
      fs.writeFileSync(path.join(dir.dir, "Pulumi.local.yaml"), JSON.stringify({ config }));
    write(localConfig());
    let out = "";
    assert.equal(await preflightMain(["--stack", "local"], (t) => (out += t), dir.dir), 0);
    assert.match(out, /preflight: stack 'local' is ready to deploy/);

    emu.tenant.set({ tenantType: "CIAM" });
    out = "";
    assert.equal(await preflightMain(["--stack", "local"], (t) => (out += t), dir.dir), 1);
    assert.match(
      out,
      /✗ tenant kind: .*is an external \(CIAM\) tenant[^\n]*\n {4}key: entra-signup:tenant\.kind\n {4}fix: set tenant\.kind: external/,
    );

    write({ ...localConfig(), "entra-signup:userFlow": { name: "bad name!" } });
    out = "";
    assert.equal(await preflightMain(["--stack", "local"], (t) => (out += t), dir.dir), 1);
    assert.match(out, /✗ config: entra-signup:userFlow\.name/);
  } finally {
    dir.cleanup();
  }
});

test("npm run pulumi runs preflight before preview and up only, for the named stack", () => {
  assert.deepEqual(planWrapper(["preview", "--stack", "dev", "--diff"], {}).preflight, {
    operation: "preview",
    stack: "dev",
  });
  assert.deepEqual(planWrapper(["--cwd", "x", "up", "--stack=prod", "--yes"], {}).preflight, {
    operation: "up",
    stack: "prod",
  });
  assert.deepEqual(planWrapper(["up", "-s", "test"], {}).preflight, { operation: "up", stack: "test" });
  assert.equal(
    planWrapper(["plugin", "install", "resource", "azure-native", "3.28.0"], {}).preflight,
    undefined,
  );
  assert.equal(planWrapper(["stack", "select", "up"], {}).preflight, undefined);
  assert.equal(planWrapper(["refresh", "--stack", "dev"], {}).preflight, undefined);
  const skipped = planWrapper(["up", "--skip-preflight", "--stack", "dev"], {});
  assert.equal(skipped.preflight, undefined);
  assert.deepEqual(skipped.pulumiArgs, ["up", "--stack", "dev"], "the flag is not passed to Pulumi");
  assert.equal(planWrapper(["preview"], { ENTRA_SIGNUP_SKIP_PREFLIGHT: "1" }).preflight, undefined);
});

test("npm run pulumi does not start a preview whose preflight fails", () => {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "stacks/preflight/pulumi-wrapper.ts", "preview", "--stack", "no-such-stack-here"],
    { cwd: repoRoot, encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /✗ config: no stack file Pulumi\.no-such-stack-here\.yaml/);
  assert.match(run.stderr, /preflight failed: 'pulumi preview' was not started/);
});
