/**
 * Rules on the connector's Azure hosting: Function App transport security, storage exposure and the
 * always-ready instance that keeps the connector inside Entra's 20-second budget.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { isFunctionApp, reporter, types, waiversSchema, type WaivableConfig } from "./common";

const tls12OrNewer = new Set(["1.2", "1.3"]);

export const functionAppTransport: ResourceValidationPolicy = {
  name: "function-app-transport-security",
  description: "Function Apps are HTTPS-only with TLS 1.2 or newer and FTP(S) deployment disabled.",
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
    if (site.ftpsState !== "Disabled") {
      report(`${args.name}: siteConfig.ftpsState is ${JSON.stringify(site.ftpsState)}; set "Disabled".`);
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
