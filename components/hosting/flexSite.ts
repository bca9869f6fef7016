/**
 * What a Flex Consumption Function App may be sent, from Microsoft's own list.
 *
 * Source: "Flex Consumption plan deprecations" in the Azure Functions app settings reference,
 * https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
 * (linked from "Deprecated properties and settings" in
 * https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan). ARM enforces part of that
 * list with error 51021 ("The following site configuration property (Site.SiteConfig.FtpsState) for Flex
 * Consumption sites is invalid"), region by region, so the component sends none of it. docs/deploy.md,
 * "Flex Consumption site properties", explains the choices.
 *
 * Pure: imported by the component, its validators, the guardrail pack and tests.
 */

/**
 * `siteConfig` properties Flex Consumption deprecates or refuses: the table's `properties.*` rows, plus
 * `functionsRuntimeScaleMonitoringEnabled`, which ARM names in the same 51021 refusal as `ftpsState`.
 */
export const flexUnsupportedSiteConfig: readonly string[] = [
  "alwaysOn",
  "ftpsState",
  "javaVersion",
  "linuxFxVersion",
  "netFrameworkVersion",
  "powerShellVersion",
  "functionAppScaleLimit",
  "preWarmedInstanceCount",
  "use32BitWorkerProcess",
  "vnetRouteAllEnabled",
  "windowsFxVersion",
  "functionsRuntimeScaleMonitoringEnabled",
];

/** Site (not `siteConfig`) properties from the same table. */
export const flexUnsupportedSiteProperties: readonly string[] = [
  "containerSize",
  "isXenon",
  "vnetBackupRestoreEnabled",
  "vnetContentShareEnabled",
  "vnetImagePullEnabled",
  "vnetRouteAllEnabled",
];

/**
 * App settings Flex Consumption deprecates (the table's setting rows): runtime and scale come from
 * `functionAppConfig`, content from its deployment container. `WEBSITE_TIME_ZONE`/`TZ` are refused as
 * well: the reference's WEBSITE_TIME_ZONE section supports them on Linux only in Premium and Dedicated
 * plans, so on Flex they would be silently ignored.
 */
export const flexUnsupportedAppSettings: readonly string[] = [
  "ENABLE_ORYX_BUILD",
  "FUNCTIONS_EXTENSION_VERSION",
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_WORKER_RUNTIME_VERSION",
  "FUNCTIONS_MAX_HTTP_CONCURRENCY",
  "FUNCTIONS_WORKER_PROCESS_COUNT",
  "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED",
  "SCM_DO_BUILD_DURING_DEPLOYMENT",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_CONTENTOVERVNET",
  "WEBSITE_CONTENTSHARE",
  "WEBSITE_DNS_SERVER",
  "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
  "WEBSITE_VNET_ROUTE_ALL",
  "WEBSITE_TIME_ZONE",
  "TZ",
];

/**
 * `siteConfig` defaults that @pulumi/azure-native 3.28.0 adds to every `web.WebApp` on its own
 * (`siteConfigArgsProvideDefaults`: `netFrameworkVersion: "v4.6"`, `localMySqlEnabled: false`).
 * `netFrameworkVersion` is on Microsoft's Flex list and in ARM's 51021 refusals, so the component
 * removes both before registration (`withoutSdkSiteConfigDefaults`).
 */
export const sdkSiteConfigDefaults: readonly string[] = ["netFrameworkVersion", "localMySqlEnabled"];

/**
 * Site-level defaults the same constructor adds (`isXenon: false`, `hyperV: false`): `IsXenon` is on
 * Microsoft's Flex list ("Not valid") and `hyperV` is its newer name (Windows containers), so both go.
 */
export const sdkSiteDefaults: readonly string[] = ["isXenon", "hyperV"];

/** Site properties without the SDK-added defaults above; other keys untouched. */
export function withoutSdkSiteDefaults<T extends Record<string, unknown>>(props: T): T {
  const copy: Record<string, unknown> = { ...props };
  for (const key of sdkSiteDefaults) delete copy[key];
  return copy as T;
}

/** `siteConfig` without the SDK-added defaults above; other keys untouched. */
export function withoutSdkSiteConfigDefaults<T extends Record<string, unknown>>(siteConfig: T): T {
  const copy: Record<string, unknown> = { ...siteConfig };
  for (const key of sdkSiteConfigDefaults) delete copy[key];
  return copy as T;
}

/** The `siteConfig` keys among `flexUnsupportedSiteConfig` (compared case-insensitively, as ARM does). */
export function unsupportedSiteConfigKeys(siteConfig: Record<string, unknown> | undefined): string[] {
  const refused = new Set(flexUnsupportedSiteConfig.map((k) => k.toLowerCase()));
  return Object.keys(siteConfig ?? {}).filter(
    (k) => refused.has(k.toLowerCase()) && (siteConfig ?? {})[k] !== undefined,
  );
}

/**
 * The publishing-credential policies that replace `ftpsState: Disabled` on Flex: basic-auth (user name
 * and password) publishing is switched off for both FTP and the SCM (Kudu) site, so only Entra ID tokens
 * can deploy. ARM resources `Microsoft.Web/sites/basicPublishingCredentialsPolicies/{ftp,scm}`
 * (azure-native `web.WebAppFtpAllowed` / `web.WebAppScmAllowed`), from "Disable basic authentication in
 * App Service deployments", https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable.
 */
export const basicPublishingPolicyTypes = {
  ftp: "azure-native:web:WebAppFtpAllowed",
  scm: "azure-native:web:WebAppScmAllowed",
} as const;
