/**
 * `ConnectorFunctionApp`: hosts the API connector on Azure Functions Flex Consumption
 * (docs/pulumi-notes.md §D).
 *
 * Shape (one app per Flex plan): storage account (keys off) + deployment container, a user-assigned
 * identity that gets its data roles BEFORE the app exists (a system identity would start the app before
 * its roles), Log Analytics + Application Insights (Entra-authenticated telemetry), the FC1 plan, the
 * Function App, the One Deploy upload of the connector zip, optionally a Key Vault for the connector
 * password, and alert rules. This file only wires; the pieces live in `components/hosting/`.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";
import type { ConnectorFunctionAppArgs } from "./hosting/args";
import { buildAppSettings } from "./hosting/appSettings";
import { withoutSdkSiteConfigDefaults, withoutSdkSiteDefaults } from "./hosting/flexSite";
import { FlexOneDeploy } from "./hosting/flexOneDeploy";
import { createKeyVaultStore } from "./hosting/keyVault";
import { createAlerts, createTelemetry } from "./hosting/monitoring";
import { hostingNamesFor, validateHostingNames, type HostingNames } from "./hosting/names";
import { assignRole } from "./hosting/roles";
import { warnIfCertificateOnFlex } from "./hosting/certificateOnFlex";
import { validateConnectorFunctionAppArgs } from "./hosting/validation";

export type { ConnectorAlertsArgs, ConnectorFunctionAppArgs, CredentialStore } from "./hosting/args";

/** The connector routes (functions/ registers them under `/api/<step>`). */
export interface ConnectorUrls {
  postFederationSignup: string;
  postAttributeCollection: string;
}

/** `https://<host>/api/<step>` for both connector steps; pure, exported for tests and the lead's wiring. */
export function connectorUrlsFor(defaultHostName: string): ConnectorUrls {
  return {
    postFederationSignup: `https://${defaultHostName}/api/postFederationSignup`,
    postAttributeCollection: `https://${defaultHostName}/api/postAttributeCollection`,
  };
}

/**
 * The SCM (Kudu) host: the `.scm.` entry of `enabledHostNames`, else derived from the default host name
 * (`app.azurewebsites.net` → `app.scm.azurewebsites.net`, also right for regional unique host names).
 */
export function scmHostFor(enabledHostNames: readonly string[] | undefined, defaultHostName: string): string {
  const scm = (enabledHostNames ?? []).find((h) => h.includes(".scm."));
  if (scm !== undefined) return scm;
  const dot = defaultHostName.indexOf(".");
  return `${defaultHostName.slice(0, dot)}.scm${defaultHostName.slice(dot)}`;
}

const baseTags = { "managed-by": "pulumi", component: "entra-signup-connector" };

export class ConnectorFunctionApp extends pulumi.ComponentResource {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly functionAppName: pulumi.Output<string>;
  readonly defaultHostName: pulumi.Output<string>;
  readonly connectorUrls: pulumi.Output<ConnectorUrls>;
  /** Object (principal) id of the connector's user-assigned identity. */
  readonly principalId: pulumi.Output<string>;
  /** Client (application) id of the connector's user-assigned identity. */
  readonly identityClientId: pulumi.Output<string>;
  readonly appInsightsName: pulumi.Output<string>;
  /** Id of the last successful package deployment (changes when the zip changes). */
  readonly deploymentId: pulumi.Output<string>;
  /** Key Vault name when `credentialStore` is `"keyVault"` and a password is given. */
  readonly keyVaultName: pulumi.Output<string | undefined>;

  constructor(name: string, args: ConnectorFunctionAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entra-signup:hosting:ConnectorFunctionApp", name, {}, opts);
    const problems = validateConnectorFunctionAppArgs(args);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(
        `ConnectorFunctionApp "${name}": ${problems.length} problem(s) with the arguments:\n` +
          problems.map((p) => `  - ${p}`).join("\n"),
        this,
      );
    }
    warnIfCertificateOnFlex(args.clientCertificate, this);
    const names = hostingNamesFor({
      project: pulumi.getProject(),
      stack: pulumi.getStack(),
      name,
      namePrefix: args.namePrefix,
      nameSuffix: args.nameSuffix,
    });
    const nameProblems = validateHostingNames(names);
    if (nameProblems.length > 0) {
      // Unreachable for validated arguments; kept so a future name shape can never reach ARM unchecked.
      throw new pulumi.ResourceError(`ConnectorFunctionApp "${name}": ${nameProblems.join("; ")}`, this);
    }
    const child = { parent: this };
    const tags = { ...baseTags, ...args.tags };
    const location = args.location;
    const client = authorization.getClientConfigOutput({ parent: this });

    const resourceGroupName =
      args.resourceGroupName !== undefined
        ? pulumi.output(args.resourceGroupName)
        : new resources.ResourceGroup(
            `${name}-rg`,
            { resourceGroupName: names.resourceGroup, location, tags },
            child,
          ).name;
    const common = { resourceGroupName, location, tags, names };

    const { account, container } = this.createStorage(name, names, common);
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-id`,
      { resourceName: names.identity, resourceGroupName, location, tags },
      child,
    );
    const { appInsights } = createTelemetry(name, common, child);

    const role = (suffix: string, scope: pulumi.Input<string>, r: Parameters<typeof assignRole>[1]["role"]) =>
      assignRole(
        `${name}-${suffix}`,
        { subscriptionId: client.subscriptionId, principalId: identity.principalId, scope, role: r },
        child,
      );
    const roleAssignments = [
      role("blob-owner", account.id, "storageBlobDataOwner"),
      role("queue-contributor", account.id, "storageQueueDataContributor"),
      role("table-contributor", account.id, "storageTableDataContributor"),
      role("metrics-publisher", appInsights.id, "monitoringMetricsPublisher"),
    ];

    let connectorPassword: pulumi.Input<string> | undefined;
    let keyVaultName: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (args.connectorPassword !== undefined && (args.credentialStore ?? "keyVault") === "keyVault") {
      const kv = createKeyVaultStore(
        name,
        {
          ...common,
          tenantId: client.tenantId,
          subscriptionId: client.subscriptionId,
          identityPrincipalId: identity.principalId,
          password: args.connectorPassword,
        },
        child,
      );
      roleAssignments.push(kv.secretsUser);
      connectorPassword = kv.reference;
      keyVaultName = kv.vault.name;
    } else if (args.connectorPassword !== undefined) {
      connectorPassword = pulumi.secret(args.connectorPassword);
    }

    const plan = new web.AppServicePlan(
      `${name}-plan`,
      {
        name: names.plan,
        resourceGroupName,
        location,
        kind: "functionapp",
        reserved: true, // Linux
        sku: { name: "FC1", tier: "FlexConsumption" },
        tags,
      },
      child,
    );

    const appSettings = buildAppSettings({
      user: args.appSettings,
      storageAccountName: account.name,
      storageEndpoints: account.primaryEndpoints,
      identityClientId: identity.clientId,
      appInsightsConnectionString: appInsights.connectionString,
      connectorPassword,
    });

    const app = new web.WebApp(
      `${name}-app`,
      {
        name: names.functionApp,
        resourceGroupName,
        location,
        kind: "functionapp,linux",
        serverFarmId: plan.id,
        httpsOnly: true,
        identity: {
          type: web.ManagedServiceIdentityType.UserAssigned,
          userAssignedIdentities: [identity.id],
        },
        // Key Vault references are resolved with the user-assigned identity (the app has no system one).
        keyVaultReferenceIdentity: identity.id,
        // Client certificates: TLS ends at the App Service front end, which forwards the certificate in
        // X-ARR-ClientCert; the function validates the thumbprint itself. docs/pulumi-notes.md §D5: incoming
        // client certificates on Flex Consumption are not confirmed by Microsoft docs (Flex lists platform
        // certificate features as unsupported) — verify on a real app before relying on it; fall back to
        // Basic auth, APIM in front, or an Elastic Premium plan.
        ...(args.clientCertificate
          ? { clientCertEnabled: true, clientCertMode: web.ClientCertMode.Required }
          : { clientCertEnabled: false }),
        // Nothing from "Flex Consumption plan deprecations" (functions-app-settings, see flexSite.ts): in
        // particular no `ftpsState` — ARM refuses it for Flex sites with error 51021 ("FTPS not
        // supported"). FTP and SCM basic auth are switched off below with publishing-credential
        // policies instead, the supported way to keep deployments Entra-only.
        siteConfig: {
          minTlsVersion: web.SupportedTlsVersions.SupportedTlsVersions_1_2,
          scmMinTlsVersion: web.SupportedTlsVersions.SupportedTlsVersions_1_2,
          http20Enabled: true,
          appSettings,
        },
        functionAppConfig: flexConfig(args, container.name, account.primaryEndpoints.blob, identity.id),
        tags,
      },
      {
        ...child,
        // The identity must hold its storage/telemetry/Key Vault roles before the host first starts.
        dependsOn: roleAssignments,
        // azure-native adds isXenon and siteConfig.netFrameworkVersion "v4.6" by itself; Flex refuses both.
        transformations: [dropSdkSiteConfigDefaults],
      },
    );

    // Basic-auth publishing off for FTP and SCM (Microsoft.Web/sites/basicPublishingCredentialsPolicies),
    // https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable: with `ftpsState` gone
    // this is what keeps FTP closed, and One Deploy below authenticates with an Entra token anyway.
    // The plain name (known at preview, so the guardrail pack can match it to the app) plus dependsOn.
    const publishing = { name: names.functionApp, resourceGroupName, allow: false };
    const afterApp = { ...child, dependsOn: [app] };
    const ftpOff = new web.WebAppFtpAllowed(`${name}-ftp-basic-auth`, publishing, afterApp);
    const scmOff = new web.WebAppScmAllowed(`${name}-scm-basic-auth`, publishing, afterApp);

    const scmHostName = pulumi
      .all([app.enabledHostNames, app.defaultHostName])
      .apply(([hosts, host]) => scmHostFor(hosts, host));
    const deploy = new FlexOneDeploy(
      `${name}-deploy`,
      {
        scmHostName,
        packagePath: args.packagePath,
        packageSha256: args.packageSha256,
      },
      { ...child, dependsOn: [app, ftpOff, scmOff, ...roleAssignments] },
    );

    createAlerts(name, { ...common, appInsightsId: appInsights.id, alerts: args.alerts }, child);

    this.resourceGroupName = resourceGroupName;
    this.functionAppName = app.name;
    this.defaultHostName = app.defaultHostName;
    this.connectorUrls = app.defaultHostName.apply(connectorUrlsFor);
    this.principalId = identity.principalId;
    this.identityClientId = identity.clientId;
    this.appInsightsName = appInsights.name;
    this.deploymentId = deploy.deploymentId;
    this.keyVaultName = keyVaultName;
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      functionAppName: this.functionAppName,
      defaultHostName: this.defaultHostName,
      connectorUrls: this.connectorUrls,
      principalId: this.principalId,
      identityClientId: this.identityClientId,
      appInsightsName: this.appInsightsName,
      deploymentId: this.deploymentId,
      keyVaultName: this.keyVaultName,
    });
  }

  private createStorage(
    name: string,
    names: HostingNames,
    c: { resourceGroupName: pulumi.Input<string>; location: string; tags: Record<string, string> },
  ) {
    const account = new storage.StorageAccount(
      `${name}-st`,
      {
        accountName: names.storageAccount,
        resourceGroupName: c.resourceGroupName,
        location: c.location,
        kind: storage.Kind.StorageV2,
        sku: { name: storage.SkuName.Standard_LRS },
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
        allowBlobPublicAccess: false,
        // Identity-based access only: no account keys, no SAS signed with them.
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        tags: c.tags,
      },
      { parent: this },
    );
    const container = new storage.BlobContainer(
      `${name}-package`,
      {
        containerName: names.deploymentContainer,
        accountName: account.name,
        resourceGroupName: c.resourceGroupName,
        publicAccess: storage.PublicAccess.None,
      },
      { parent: this },
    );
    return { account, container };
  }
}

/** Removes the site and `siteConfig` defaults azure-native's `WebApp` constructor adds (`flexSite.ts`). */
const dropSdkSiteConfigDefaults: pulumi.ResourceTransformation = ({ props, opts }) => ({
  props: {
    ...withoutSdkSiteDefaults(props),
    siteConfig: pulumi
      .output(props.siteConfig as pulumi.Input<Record<string, unknown>>)
      .apply((site) => (site === undefined ? undefined : withoutSdkSiteConfigDefaults(site))),
  },
  opts,
});

/** Flex Consumption's `functionAppConfig`: runtime, scale and the identity-read deployment container. */
function flexConfig(
  args: ConnectorFunctionAppArgs,
  containerName: pulumi.Input<string>,
  blobEndpoint: pulumi.Input<string>,
  identityId: pulumi.Input<string>,
): web.WebAppArgs["functionAppConfig"] {
  return {
    deployment: {
      storage: {
        type: web.FunctionsDeploymentStorageType.BlobContainer,
        value: pulumi.interpolate`${blobEndpoint}${containerName}`,
        authentication: {
          type: web.AuthenticationType.UserAssignedIdentity,
          userAssignedIdentityResourceId: identityId,
        },
      },
    },
    runtime: { name: web.RuntimeName.Node, version: "22" },
    scaleAndConcurrency: {
      instanceMemoryMB: args.instanceMemoryMB ?? 2048,
      maximumInstanceCount: args.maximumInstanceCount ?? 40,
      // Entra waits 20 s for the connector: keep the HTTP group warm (billed baseline).
      alwaysReady: [{ name: "http", instanceCount: args.alwaysReadyInstances ?? 1 }],
    },
  };
}
