/**
 * Rules on the connector's Azure hosting: Function App transport security, storage exposure and the
 * always-ready instance that keeps the connector inside Entra's 20-second budget.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { basicPublishingPolicyTypes, unsupportedSiteConfigKeys } from "../../components/hosting/flexSite";
import { isFunctionApp, isWaived, reporter, types, waiversSchema, type WaivableConfig } from "./common";

const FLEX_DEPRECATIONS_URL =
  "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations";

/** Only Flex Consumption apps carry `functionAppConfig`. */
function isFlex(props: Record<string, unknown>): boolean {
  return props.functionAppConfig !== undefined && props.functionAppConfig !== null;
}

const tls12OrNewer = new Set(["1.2", "1.3"]);

export const functionAppTransport: ResourceValidationPolicy = {
  name: "function-app-transport-security",
  description:
    "Function Apps are HTTPS-only with TLS 1.2 or newer. FTP(S): `ftpsState: Disabled` on other plans; on " +
    "Flex Consumption no siteConfig property Flex refuses (ftpsState included), FTP is closed by " +
    "function-app-basic-publishing-off instead.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversSchema } },
  validateResource: (args, reportViolation) => {
    if (!isFunctionApp(args.type, args.props)) return;
    const report = reporter(reportViolation, args.getConfig<WaivableConfig>(), args);
    const site = (args.props.siteConfig ?? {}) as Record<string, unknown>;
    if (args.props.httpsOnly !== true) {
      report(`${args.name}: httpsOnly must be true (Entra sends sign-up data to this app).`);
    }
    if (!tls12OrNewer.has(String(site.minTlsVersion))) {
      report(`${args.name}: siteConfig.minTlsVersion is ${JSON.stringify(site.minTlsVersion)}; set "1.2".`);
    }
    if (!isFlex(args.props)) {
      if (site.ftpsState !== "Disabled") {
        report(`${args.name}: siteConfig.ftpsState is ${JSON.stringify(site.ftpsState)}; set "Disabled".`);
      }
      return;
    }
    for (const key of unsupportedSiteConfigKeys(site)) {
      report(
        `${args.name}: siteConfig.${key} is not supported on Flex Consumption (ARM refuses it, error 51021; ` +
          `"Flex Consumption plan deprecations", ${FLEX_DEPRECATIONS_URL}); remove it` +
          (key.toLowerCase() === "ftpsstate"
            ? " and close FTP with a basicPublishingCredentialsPolicies/ftp resource (allow: false)."
            : "."),
      );
    }
  },
};

export const basicPublishingOff: StackValidationPolicy = {
  name: "function-app-basic-publishing-off",
  description:
    "Every Flex Consumption Function App has basic-auth publishing switched off for FTP and SCM " +
    "(Microsoft.Web/sites/basicPublishingCredentialsPolicies ftp and scm with allow: false), the " +
    "supported replacement for ftpsState on Flex.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversSchema } },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<WaivableConfig>();
    const off = (type: string) =>
      new Set(
        args.resources
          .filter((r) => r.type === type && r.props.allow === false && typeof r.props.name === "string")
          .map((r) => String(r.props.name).toLowerCase()),
      );
    const ftpOff = off(basicPublishingPolicyTypes.ftp);
    const scmOff = off(basicPublishingPolicyTypes.scm);
    for (const app of args.resources) {
      if (!isFunctionApp(app.type, app.props) || !isFlex(app.props) || isWaived(config, app)) continue;
      const siteName = String(app.props.name ?? "").toLowerCase();
      const missing = [
        ...(ftpOff.has(siteName) ? [] : ["ftp (azure-native web.WebAppFtpAllowed)"]),
        ...(scmOff.has(siteName) ? [] : ["scm (azure-native web.WebAppScmAllowed)"]),
      ];
      if (missing.length === 0) continue;
      reportViolation(
        `${app.name}: basic-auth publishing is not switched off for ${missing.join(" and ")}; add ` +
          `basicPublishingCredentialsPolicies with name: "${String(app.props.name)}" and allow: false ` +
          "(https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable).",
        app.urn,
      );
    }
  },
};

export const storageNotPublic: ResourceValidationPolicy = {
  name: "storage-not-public",
  description: "Storage accounts allow no public blob access, require TLS 1.2 and disable shared keys.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversSchema } },
  validateResource: (args, reportViolation) => {
    if (args.type !== types.storageAccount) return;
    const report = reporter(reportViolation, args.getConfig<WaivableConfig>(), args);
    const p = args.props;
    if (p.allowBlobPublicAccess !== false) {
      report(
        `${args.name}: allowBlobPublicAccess must be false (it defaults to allowing public containers).`,
      );
    }
    if (p.minimumTlsVersion !== "TLS1_2" && p.minimumTlsVersion !== "TLS1_3") {
      report(`${args.name}: minimumTlsVersion is ${JSON.stringify(p.minimumTlsVersion)}; set "TLS1_2".`);
    }
    if (p.allowSharedKeyAccess !== false) {
      report(`${args.name}: allowSharedKeyAccess must be false; the connector uses its managed identity.`);
    }
    if (p.enableHttpsTrafficOnly === false) {
      report(`${args.name}: enableHttpsTrafficOnly must not be false.`);
    }
  },
};

export const connectorAlwaysReady: ResourceValidationPolicy = {
  name: "connector-always-ready",
  description:
    "The connector's Flex Consumption app keeps at least one always-ready HTTP instance: Entra waits only " +
    "20 s per call, so a cold start on the sign-up path fails sign-ups.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversSchema } },
  validateResource: (args, reportViolation) => {
    if (!isFunctionApp(args.type, args.props)) return;
    const config = args.props.functionAppConfig as
      { scaleAndConcurrency?: { alwaysReady?: { name?: string; instanceCount?: number }[] } } | undefined;
    // Only Flex apps carry functionAppConfig; other plans have their own warm-up settings.
    if (config === undefined) return;
    const ready = config.scaleAndConcurrency?.alwaysReady ?? [];
    const http = ready.filter((r) => r.name === "http" || r.name?.startsWith("http:"));
    const total = http.reduce((n, r) => n + (r.instanceCount ?? 0), 0);
    if (total < 1) {
      reporter(
        reportViolation,
        args.getConfig<WaivableConfig>(),
        args,
      )(
        `${args.name}: no always-ready instance for the "http" group; set ` +
          'functionAppConfig.scaleAndConcurrency.alwaysReady = [{ name: "http", instanceCount: 1 }] ' +
          "(ConnectorFunctionApp alwaysReadyInstances ≥ 1) or waive it for a throwaway stack.",
      );
    }
  },
};
