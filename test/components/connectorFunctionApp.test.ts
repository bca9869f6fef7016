/**
 * Wiring of ConnectorFunctionApp under Pulumi mocks: which resources exist, their security-relevant
 * inputs, dependency order (roles before the app), secrets and argument errors. No Azure is involved;
 * the FlexOneDeploy dynamic resource goes through `newResource` like the rest (its CRUD never runs).
 */
import { encodeHostSettings } from "../../contract/appSettings";
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type * as Component from "../../components/connectorFunctionApp";
import { hostingNamesFor, validateHostingNames } from "../../components/hosting/names";
import {
  flexUnsupportedAppSettings,
  flexUnsupportedSiteProperties,
  unsupportedSiteConfigKeys,
} from "../../components/hosting/flexSite";

interface Registered {
  type: string;
  name: string;
  /** Inputs with secrets revealed (see `secretPaths` for which ones were secret). */
  inputs: Record<string, unknown>;
  secretPaths: string[];
}

const registered: Registered[] = [];
/** Resource name → URNs it depends on (dependsOn plus input dependencies), as the engine would see them. */
const dependencies = new Map<string, string[]>();
const hash = "a".repeat(64);

/** The wire form of a secret in mock inputs (`@pulumi/pulumi` rpc `specialSigKey`/`specialSecretSig`). */
const secretSig = ["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"] as const;
const isSecretValue = (v: unknown): v is { value: unknown } =>
  typeof v === "object" && v !== null && (v as Record<string, unknown>)[secretSig[0]] === secretSig[1];

/** Inputs with secret wrappers removed, and the paths that were secret. */
function reveal(value: unknown, path: string, secrets: string[]): unknown {
  if (isSecretValue(value)) {
    secrets.push(path);
    return reveal(value.value, path, secrets);
  }
  if (Array.isArray(value)) return value.map((v, i) => reveal(v, `${path}[${i}]`, secrets));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, reveal(v, path ? `${path}.${k}` : k, secrets)]),
    );
  }
  return value;
}

const outputsFor = (type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> => {
  switch (type) {
    case "azure-native:storage:StorageAccount":
      return {
        name: inputs.accountName,
        primaryEndpoints: {
          blob: `https://${String(inputs.accountName)}.blob.core.windows.net/`,
          queue: `https://${String(inputs.accountName)}.queue.core.windows.net/`,
          table: `https://${String(inputs.accountName)}.table.core.windows.net/`,
        },
      };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { name: inputs.resourceName, principalId: "principal-1", clientId: "client-1" };
    case "azure-native:applicationinsights:Component":
      return {
        name: inputs.resourceName,
        connectionString: "InstrumentationKey=ik;IngestionEndpoint=https://x/",
      };
    case "azure-native:web:WebApp":
      return {
        name: inputs.name,
        defaultHostName: `${String(inputs.name)}.azurewebsites.net`,
        enabledHostNames: [
          `${String(inputs.name)}.azurewebsites.net`,
          `${String(inputs.name)}.scm.azurewebsites.net`,
        ],
      };
    case "azure-native:keyvault:Vault":
      return { name: inputs.vaultName };
    case "azure-native:keyvault:Secret":
      return {
        properties: {
          ...(inputs.properties as object),
          secretUri: "https://kv.vault.azure.net/secrets/connector-basic-password",
          secretUriWithVersion: "https://kv.vault.azure.net/secrets/connector-basic-password/v1",
        },
      };
    case "azure-native:storage:BlobContainer":
      return { name: inputs.containerName };
    case "azure-native:resources:ResourceGroup":
      return { name: inputs.resourceGroupName };
    case "pulumi-nodejs:dynamic/entra-signup/hosting:FlexOneDeploy":
      return { deploymentId: "dep-1" };
    default:
      return { name };
  }
};

let mod: typeof Component;

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const secretPaths: string[] = [];
        const inputs = reveal(args.inputs, "", secretPaths) as Record<string, unknown>;
        registered.push({ type: args.type, name: args.name, inputs, secretPaths });
        return {
          id: `/ids/${args.name}`,
          state: { ...args.inputs, ...outputsFor(args.type, args.name, inputs), id: `/ids/${args.name}` },
        };
      },
      call(args) {
        if (args.token === "azure-native:authorization:getClientConfig") {
          return { subscriptionId: "sub-1", tenantId: "tenant-1", clientId: "c", objectId: "o" };
        }
        return {};
      },
    },
    "entra-signup",
    "test",
    false,
  );
  // Mocks never see resource options, but the monitor receives the dependency list with each
  // registration request: wrap it to record what the real engine would order on.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: { getName(): string; getDependenciesList(): string[] }, cb: unknown): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    dependencies.set(req.getName(), req.getDependenciesList());
    return register(req, cb);
  };
  mod = await import("../../components/connectorFunctionApp.js");
});

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

function baseArgs(
  overrides: Partial<Component.ConnectorFunctionAppArgs> = {},
): Component.ConnectorFunctionAppArgs {
  return {
    location: "westeurope",
    namePrefix: "contoso-su",
    packagePath: "dist/connector.zip",
    packageSha256: hash,
    appSettings: encodeHostSettings({
      policy: {},
      attributeIds: {},
      auth: { mode: "basic", username: "entra" },
    }),
    connectorPassword: pulumi.secret("s3cret-password-value"),
    ...overrides,
  };
}

/** Builds a component and waits until its resources are registered. */
async function build(name: string, overrides: Partial<Component.ConnectorFunctionAppArgs> = {}) {
  const before = registered.length;
  const app = new mod.ConnectorFunctionApp(name, baseArgs(overrides));
  await value(app.connectorUrls);
  await value(app.deploymentId);
  // Let the last registrations (alerts) land.
  await new Promise((r) => setTimeout(r, 50));
  const mine = registered.slice(before).filter((r) => r.name.startsWith(name));
  const byType = (type: string) => mine.filter((r) => r.type === type);
  const one = (type: string) => {
    const found = byType(type);
    assert.equal(found.length, 1, `exactly one ${type}`);
    return found[0]!;
  };
  return { app, mine, byType, one };
}

describe("ConnectorFunctionApp resource set", () => {
  test("creates the full resource set with a Key Vault by default", async () => {
    const { mine } = await build("full");
    const types = mine.map((r) => r.type).sort();
    assert.deepEqual(types, [
      "azure-native:applicationinsights:Component",
      "azure-native:authorization:RoleAssignment",
      "azure-native:authorization:RoleAssignment",
      "azure-native:authorization:RoleAssignment",
      "azure-native:authorization:RoleAssignment",
      "azure-native:authorization:RoleAssignment",
      "azure-native:keyvault:Secret",
      "azure-native:keyvault:Vault",
      "azure-native:managedidentity:UserAssignedIdentity",
      "azure-native:monitor:MetricAlert",
      "azure-native:monitor:ScheduledQueryRule",
      "azure-native:operationalinsights:Workspace",
      "azure-native:resources:ResourceGroup",
      "azure-native:storage:BlobContainer",
      "azure-native:storage:StorageAccount",
      "azure-native:web:AppServicePlan",
      "azure-native:web:WebApp",
      "azure-native:web:WebAppFtpAllowed",
      "azure-native:web:WebAppScmAllowed",
      "entra-signup:hosting:ConnectorFunctionApp",
      "pulumi-nodejs:dynamic/entra-signup/hosting:FlexOneDeploy",
    ]);
  });

  test("uses an existing resource group and skips Key Vault for credentialStore appSetting", async () => {
    const { byType } = await build("existing", {
      resourceGroupName: "rg-given",
      credentialStore: "appSetting",
    });
    assert.equal(byType("azure-native:resources:ResourceGroup").length, 0);
    assert.equal(byType("azure-native:keyvault:Vault").length, 0);
    const app = byType("azure-native:web:WebApp")[0]!;
    assert.equal(app.inputs.resourceGroupName, "rg-given");
  });

  test("adds an action group only when e-mails are given", async () => {
    const none = await build("noemail");
    assert.equal(none.byType("azure-native:monitor:ActionGroup").length, 0);
    const some = await build("email", {
      alerts: { actionGroupEmails: ["ops@contoso.com"], failureCount: 3 },
    });
    const group = some.one("azure-native:monitor:ActionGroup");
    assert.deepEqual(
      (group.inputs.emailReceivers as { emailAddress: string }[])[0]?.emailAddress,
      "ops@contoso.com",
    );
    const failures = some.one("azure-native:monitor:MetricAlert");
    assert.equal((failures.inputs.criteria as { allOf: { threshold: number }[] }).allOf[0]?.threshold, 3);
    assert.equal((failures.inputs.actions as unknown[]).length, 1);
  });
});

describe("ConnectorFunctionApp names", () => {
  test("without namePrefix every Azure name derives from the stack ('test') and is valid", async () => {
    const { one } = await build("derived", { namePrefix: undefined });
    const expected = hostingNamesFor({ project: "entra-signup", stack: "test", name: "derived" });
    assert.deepEqual(validateHostingNames(expected), []);
    assert.match(expected.functionApp, /^func-test-[0-9a-f]{8}$/);
    assert.equal(one("azure-native:web:WebApp").inputs.name, expected.functionApp);
    assert.equal(one("azure-native:storage:StorageAccount").inputs.accountName, expected.storageAccount);
    assert.equal(one("azure-native:keyvault:Vault").inputs.vaultName, expected.keyVault);
    assert.equal(
      one("azure-native:resources:ResourceGroup").inputs.resourceGroupName,
      expected.resourceGroup,
    );
    assert.equal(one("azure-native:web:AppServicePlan").inputs.name, expected.plan);
  });

  test("an explicit namePrefix is used as given, with the stack's hash suffix", async () => {
    const { one } = await build("prefixed", { namePrefix: "contoso-su" });
    assert.match(String(one("azure-native:web:WebApp").inputs.name), /^func-contoso-su-[0-9a-f]{8}$/);
  });
});

describe("ConnectorFunctionApp secure defaults", () => {
  test("storage account: StorageV2, TLS 1.2, no public blobs, no shared keys, https only", async () => {
    const { one } = await build("st");
    const st = one("azure-native:storage:StorageAccount").inputs;
    assert.equal(st.kind, "StorageV2");
    assert.equal(st.minimumTlsVersion, "TLS1_2");
    assert.equal(st.allowBlobPublicAccess, false);
    assert.equal(st.allowSharedKeyAccess, false);
    assert.equal(st.enableHttpsTrafficOnly, true);
    assert.match(String(st.accountName), /^[a-z0-9]{3,24}$/);
    assert.equal(one("azure-native:storage:BlobContainer").inputs.publicAccess, "None");
  });

  test("plan is FC1 Linux; app is https-only, TLS 1.2, Flex config with node 22", async () => {
    const { one } = await build("web");
    const plan = one("azure-native:web:AppServicePlan").inputs;
    assert.deepEqual(plan.sku, { name: "FC1", tier: "FlexConsumption" });
    assert.equal(plan.reserved, true);
    const app = one("azure-native:web:WebApp").inputs;
    assert.equal(app.kind, "functionapp,linux");
    assert.equal(app.httpsOnly, true);
    const site = app.siteConfig as Record<string, unknown>;
    assert.equal(site.minTlsVersion, "1.2");
    const fac = app.functionAppConfig as {
      runtime: { name: string; version: string };
      deployment: { storage: { type: string; value: string; authentication: Record<string, string> } };
      scaleAndConcurrency: { alwaysReady: { name: string; instanceCount: number }[] };
    };
    assert.deepEqual(fac.runtime, { name: "node", version: "22" });
    assert.deepEqual(fac.scaleAndConcurrency.alwaysReady, [{ name: "http", instanceCount: 1 }]);
    assert.equal(fac.deployment.storage.type, "blobContainer");
    assert.match(fac.deployment.storage.value, /^https:\/\/st.*\.blob\.core\.windows\.net\/app-package$/);
    assert.equal(fac.deployment.storage.authentication.type, "UserAssignedIdentity");
    assert.equal(fac.deployment.storage.authentication.userAssignedIdentityResourceId, "/ids/web-id");
    assert.equal(app.keyVaultReferenceIdentity, "/ids/web-id");
    assert.deepEqual(app.identity, { type: "UserAssigned", userAssignedIdentities: ["/ids/web-id"] });
  });

  test("siteConfig carries nothing Flex Consumption refuses (no ftpsState); FTP and SCM basic auth are off instead", async () => {
    const { one } = await build("flexsite");
    const app = one("azure-native:web:WebApp").inputs;
    const site = app.siteConfig as Record<string, unknown>;
    assert.deepEqual(Object.keys(site).sort(), [
      "appSettings",
      "http20Enabled",
      "minTlsVersion",
      "scmMinTlsVersion",
    ]);
    assert.deepEqual(unsupportedSiteConfigKeys(site), []);
    for (const property of [...flexUnsupportedSiteProperties, "hyperV"])
      assert.equal(app[property], undefined, property);
    for (const type of ["azure-native:web:WebAppFtpAllowed", "azure-native:web:WebAppScmAllowed"]) {
      const policy = one(type);
      assert.equal(policy.inputs.allow, false, type);
      assert.equal(policy.inputs.name, app.name, `${type} targets the Function App`);
      assert.equal(policy.inputs.resourceGroupName, app.resourceGroupName);
      const deps = dependencies.get(policy.name) ?? [];
      assert.ok(
        deps.some((urn) => urn.endsWith("::flexsite-app")),
        `${type} is created after the app`,
      );
    }
  });

  test("app settings: identity-based storage and telemetry, Key Vault reference, no Flex-forbidden names", async () => {
    const { one } = await build("settings");
    const site = one("azure-native:web:WebApp").inputs.siteConfig as {
      appSettings: { name: string; value: string }[];
    };
    const settings = Object.fromEntries(site.appSettings.map((s) => [s.name, s.value]));
    assert.equal(settings.AzureWebJobsStorage__credential, "managedidentity");
    assert.equal(settings.AzureWebJobsStorage__clientId, "client-1");
    assert.match(settings.AzureWebJobsStorage__accountName ?? "", /^st/);
    assert.equal(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING, "ClientId=client-1;Authorization=AAD");
    assert.ok(settings.APPLICATIONINSIGHTS_CONNECTION_STRING);
    assert.equal(
      settings.CONNECTOR_BASIC_PASSWORD,
      "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/connector-basic-password/v1)",
    );
    assert.equal(settings.CONNECTOR_AUTH_MODE, "basic");
    assert.equal(settings.SIGNUP_POLICY, "{}");
    for (const forbidden of flexUnsupportedAppSettings)
      assert.equal(settings[forbidden], undefined, forbidden);
    assert.equal(settings.AzureWebJobsStorage, undefined, "no key-based connection string");
  });

  test("Key Vault is RBAC-mode and the identity is Key Vault Secrets User on it", async () => {
    const { one, byType } = await build("kv");
    const secret = one("azure-native:keyvault:Secret");
    assert.ok(
      secret.secretPaths.some((p) => p.startsWith("properties")),
      "the password reaches Key Vault as a secret",
    );
    assert.equal((secret.inputs.properties as { value: string }).value, "s3cret-password-value");
    assert.deepEqual(one("azure-native:web:WebApp").secretPaths, [], "a Key Vault reference is not secret");
    const vault = one("azure-native:keyvault:Vault").inputs.properties as Record<string, unknown>;
    assert.equal(vault.enableRbacAuthorization, true);
    assert.equal(vault.tenantId, "tenant-1");
    const kvRole = byType("azure-native:authorization:RoleAssignment").find(
      (r) => r.name === "kv-kv-secrets-user",
    );
    assert.ok(kvRole);
    assert.equal(kvRole.inputs.scope, "/ids/kv-kv");
    assert.equal(
      kvRole.inputs.roleDefinitionId,
      "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
    );
  });

  test("role assignments: the four data roles for the identity, as ServicePrincipal", async () => {
    const { byType } = await build("roles", { credentialStore: "appSetting" });
    const roles = byType("azure-native:authorization:RoleAssignment");
    const guids = roles.map((r) => String(r.inputs.roleDefinitionId).split("/").pop()).sort();
    assert.deepEqual(guids, [
      "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
      "3913510d-42f4-4e42-8a64-420c390055eb",
      "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
      "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    ]);
    for (const r of roles) {
      assert.equal(r.inputs.principalId, "principal-1");
      assert.equal(r.inputs.principalType, "ServicePrincipal");
    }
  });

  test("client certificate mode: Required, thumbprints upper-cased, auth mode certificate", async () => {
    const thumb = "ab".repeat(20);
    const { one } = await build("cert", {
      connectorPassword: undefined,
      clientCertificate: { thumbprints: [thumb] },
      appSettings: encodeHostSettings({
        policy: {},
        attributeIds: {},
        auth: { mode: "certificate", thumbprints: [thumb] },
      }),
    });
    const app = one("azure-native:web:WebApp").inputs;
    assert.equal(app.clientCertEnabled, true);
    assert.equal(app.clientCertMode, "Required");
    const settings = Object.fromEntries(
      (app.siteConfig as { appSettings: { name: string; value: string }[] }).appSettings.map((s) => [
        s.name,
        s.value,
      ]),
    );
    assert.equal(settings.CONNECTOR_AUTH_MODE, "certificate");
    assert.equal(settings.CONNECTOR_CERT_THUMBPRINTS, thumb.toUpperCase());
    assert.equal(settings.CONNECTOR_BASIC_PASSWORD, undefined);
  });

  test("FlexOneDeploy targets the scm host and is keyed by the package hash", async () => {
    const { one } = await build("dep");
    const deploy = one("pulumi-nodejs:dynamic/entra-signup/hosting:FlexOneDeploy").inputs;
    assert.match(String(deploy.scmHostName), /^func-contoso-su-[0-9a-f]{8}\.scm\.azurewebsites\.net$/);
    assert.equal(deploy.packageSha256, hash);
    assert.equal(deploy.packagePath, "dist/connector.zip");
    assert.equal(typeof deploy.__provider, "string", "the provider serialized in this process");
  });
});

describe("ConnectorFunctionApp dependencies and outputs", () => {
  test("the app and the deployment depend on every role assignment", async () => {
    await build("order");
    const roles = registered
      .filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.name.startsWith("order-"))
      .map((r) => r.name);
    assert.equal(roles.length, 5, "four data roles + Key Vault Secrets User");
    for (const resource of ["order-app", "order-deploy"]) {
      const deps = dependencies.get(resource) ?? [];
      for (const role of roles) {
        assert.ok(
          deps.some((urn) => urn.endsWith(`::${role}`)),
          `${resource} depends on ${role}`,
        );
      }
    }
    const appIndex = registered.findIndex((r) => r.name === "order-app");
    for (const role of roles) {
      assert.ok(registered.findIndex((r) => r.name === role) < appIndex, `${role} registered before the app`);
    }
    const deployDeps = dependencies.get("order-deploy") ?? [];
    assert.ok(
      deployDeps.some((u) => u.endsWith("::order-app")),
      "deploy depends on the app",
    );
  });

  test("outputs: connector URLs, names, identity ids; the password never leaks unmarked", async () => {
    const { app } = await build("outs", { credentialStore: "appSetting" });
    const urls = await value(app.connectorUrls);
    assert.match(
      urls.postFederationSignup,
      /^https:\/\/func-contoso-su-[0-9a-f]{8}\.azurewebsites\.net\/api\/postFederationSignup$/,
    );
    assert.match(urls.postAttributeCollection, /\/api\/postAttributeCollection$/);
    assert.equal(await value(app.principalId), "principal-1");
    assert.equal(await value(app.identityClientId), "client-1");
    assert.match(await value(app.appInsightsName), /^appi-contoso-su-[0-9a-f]{8}$/);
    assert.equal(await pulumi.isSecret(app.connectorUrls), false);
    // credentialStore "appSetting": the password sits in siteConfig, so siteConfig must be secret.
    const web = registered.find((r) => r.name === "outs-app");
    assert.ok(
      web?.secretPaths.some((p) => p.startsWith("siteConfig")),
      "siteConfig is secret",
    );
    const settings = (web?.inputs.siteConfig as { appSettings: { name: string; value: string }[] })
      .appSettings;
    assert.equal(settings.find((s) => s.name === "CONNECTOR_BASIC_PASSWORD")?.value, "s3cret-password-value");
  });
});

describe("ConnectorFunctionApp argument errors", () => {
  test("collects every problem into one ResourceError naming field, value and fix", () => {
    assert.throws(
      () =>
        new mod.ConnectorFunctionApp("bad", {
          ...baseArgs(),
          namePrefix: "Bad_Prefix!",
          packageSha256: "nothex",
          appSettings: { FUNCTIONS_WORKER_RUNTIME: "node", AzureWebJobsStorage: "x" },
          alwaysReadyInstances: -1,
          instanceMemoryMB: 1000,
        }),
      (error: Error) => {
        assert.ok(pulumi.ResourceError.isInstance(error));
        for (const fragment of [
          'namePrefix: "Bad_Prefix!"',
          'packageSha256: "nothex"',
          "appSettings.FUNCTIONS_WORKER_RUNTIME",
          "appSettings.AzureWebJobsStorage",
          "alwaysReadyInstances: -1",
          "instanceMemoryMB: 1000",
        ]) {
          assert.ok(error.message.includes(fragment), `message mentions ${fragment}:\n${error.message}`);
        }
        assert.match(error.message, /6 problem\(s\)/);
        return true;
      },
    );
  });

  test("refuses a connector without any authentication", () => {
    assert.throws(
      () => new mod.ConnectorFunctionApp("noauth", { ...baseArgs(), connectorPassword: undefined }),
      /neither a password nor clientCertificate/,
    );
  });
});
