/**
 * Pure validators for `ConnectorFunctionAppArgs`. Each returns every problem it finds as a sentence that
 * names the field, the bad value and the fix; the component joins them into one `ResourceError`.
 */
import { AppSetting, decodeThumbprints } from "../../contract/appSettings";
import type { ConnectorFunctionAppArgs } from "./args";
import { flexUnsupportedAppSettings } from "./flexSite";
import { NAME_PREFIX_MAX_LENGTH, NAME_PREFIX_PATTERN, NAME_SUFFIX_PATTERN } from "./names";

/** App settings Flex Consumption deprecates; see `flexSite.ts` for the Microsoft Learn source. */
export const flexForbiddenSettings: readonly string[] = flexUnsupportedAppSettings;

/** App settings the component sets itself; a caller value would silently lose or win, so refuse it. */
export const componentOwnedSettings: readonly string[] = [
  "AzureWebJobsStorage",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  AppSetting.basicPassword,
];

const flexMemorySizes = [512, 2048, 4096];

export function validateNamePrefix(namePrefix: unknown): string[] {
  if (namePrefix === undefined) return [];
  if (typeof namePrefix !== "string" || !NAME_PREFIX_PATTERN.test(namePrefix)) {
    return [
      `namePrefix: ${JSON.stringify(namePrefix)} is not 1–${NAME_PREFIX_MAX_LENGTH} lowercase letters, digits or ` +
        `single hyphens without a hyphen at either end (it becomes part of global Azure names); use e.g. ` +
        `"contoso-su", or omit it to derive one from the stack name`,
    ];
  }
  return [];
}

export function validateNameSuffix(nameSuffix: unknown): string[] {
  if (nameSuffix === undefined) return [];
  if (typeof nameSuffix !== "string" || !NAME_SUFFIX_PATTERN.test(nameSuffix)) {
    return [
      `nameSuffix: ${JSON.stringify(nameSuffix)} is not 4–8 lowercase letters or digits; ` +
        `omit it for a derived suffix or use e.g. "a1b2c3"`,
    ];
  }
  return [];
}

export function validateLocation(location: unknown): string[] {
  if (typeof location !== "string" || !/^[a-z][a-z0-9]+$/.test(location)) {
    return [
      `location: ${JSON.stringify(location)} is not an Azure region name; use the lowercase form, e.g. "westeurope"`,
    ];
  }
  return [];
}

export function validatePackage(packagePath: unknown, packageSha256: unknown): string[] {
  const problems: string[] = [];
  if (typeof packagePath !== "string" || !packagePath.endsWith(".zip")) {
    problems.push(
      `packagePath: ${JSON.stringify(packagePath)} is not a .zip path; pass the zip printed by ` +
        "`npm run build:connector`",
    );
  }
  if (typeof packageSha256 !== "string" || !/^[0-9a-f]{64}$/.test(packageSha256)) {
    problems.push(
      `packageSha256: ${JSON.stringify(packageSha256)} is not 64 lowercase hex characters; pass the ` +
        "SHA-256 printed by `npm run build:connector`",
    );
  }
  return problems;
}

export function validateAppSettings(appSettings: unknown): string[] {
  if (appSettings === null || typeof appSettings !== "object" || Array.isArray(appSettings)) {
    return [`appSettings: expected an object of name → value, got ${JSON.stringify(appSettings)}`];
  }
  const problems: string[] = [];
  for (const name of Object.keys(appSettings)) {
    if (flexForbiddenSettings.some((f) => f.toLowerCase() === name.toLowerCase())) {
      problems.push(
        `appSettings.${name}: Flex Consumption does not support this setting (runtime and content come ` +
          "from functionAppConfig); remove it",
      );
    } else if (componentOwnedSettings.some((owned) => name === owned || name.startsWith(`${owned}__`))) {
      problems.push(
        `appSettings.${name}: set by the component itself (identity-based storage, Application Insights, ` +
          "connector credentials); remove it and use connectorPassword/clientCertificate instead",
      );
    } else if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
      problems.push(
        `appSettings.${JSON.stringify(name)}: app setting names on Linux may contain only letters, ` +
          "digits, '_' and '.'; rename it",
      );
    }
  }
  return problems;
}

export function validateCredentials(args: ConnectorFunctionAppArgs): string[] {
  const problems: string[] = [];
  const store = args.credentialStore;
  if (store !== undefined && store !== "keyVault" && store !== "appSetting") {
    problems.push(`credentialStore: ${JSON.stringify(store)} is not "keyVault" or "appSetting"`);
  }
  const cert = args.clientCertificate;
  if (cert !== undefined) {
    const thumbprints: unknown = cert?.thumbprints;
    if (!Array.isArray(thumbprints) || thumbprints.length === 0) {
      problems.push(
        "clientCertificate.thumbprints: expected at least one SHA-1 thumbprint of the certificate " +
          "uploaded to the API connector",
      );
    } else {
      for (const t of thumbprints) {
        if (typeof t !== "string" || !/^[0-9A-Fa-f]{40}$/.test(t)) {
          problems.push(
            `clientCertificate.thumbprints: ${JSON.stringify(t)} is not a 40-hex-character SHA-1 ` +
              "thumbprint; copy it from `openssl x509 -noout -fingerprint -sha1` without colons",
          );
        }
      }
    }
  }
  // The auth settings come from encodeHostSettings (one owner); they must agree with the site's
  // client-certificate setting, which only this component controls.
  const mode: unknown = args.appSettings?.[AppSetting.authMode];
  const listed: unknown = args.appSettings?.[AppSetting.certThumbprints];
  if (cert !== undefined && mode !== "certificate") {
    problems.push(
      `appSettings.${AppSetting.authMode}: ${JSON.stringify(mode)} contradicts clientCertificate; set ` +
        'it to "certificate" (encodeHostSettings does so for certificate auth)',
    );
  }
  if (cert !== undefined && typeof listed === "string" && Array.isArray(cert.thumbprints)) {
    const want = new Set(cert.thumbprints.map((t) => String(t).toUpperCase()));
    const have = decodeThumbprints(listed);
    if (have.length !== want.size || have.some((t) => !want.has(t)))
      problems.push(
        `appSettings.${AppSetting.certThumbprints}: ${JSON.stringify(listed)} differs from clientCertificate.thumbprints; ` +
          "encode both from the same list",
      );
  } else if (cert !== undefined && typeof listed !== "string" && !pulumiUnknown(listed)) {
    problems.push(
      `appSettings.${AppSetting.certThumbprints}: missing for clientCertificate; the function needs the ` +
        "thumbprints it accepts (encodeHostSettings writes them)",
    );
  }
  if (cert === undefined && mode === "certificate") {
    problems.push(
      `appSettings.${AppSetting.authMode}: "certificate" needs clientCertificate, or the site never asks ` +
        "for a client certificate; pass clientCertificate.thumbprints",
    );
  }
  if (args.connectorPassword === undefined && cert === undefined) {
    problems.push(
      "connectorPassword: neither a password nor clientCertificate is given, so the connector would " +
        "accept anyone; pass GeneratedPassword.value or clientCertificate",
    );
  }
  return problems;
}

/** A late-bound value (a Pulumi Output) cannot be compared while the program runs. */
function pulumiUnknown(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

function checkInteger(field: string, value: unknown, min: number, max: number, hint: string): string[] {
  if (value === undefined) return [];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    return [`${field}: ${JSON.stringify(value)} is not a whole number in ${min}..${max}; ${hint}`];
  }
  return [];
}

export function validateScale(args: ConnectorFunctionAppArgs): string[] {
  const problems = [
    ...checkInteger(
      "alwaysReadyInstances",
      args.alwaysReadyInstances,
      0,
      20,
      "use 1 (Entra waits only 20 s for the connector, so keep one instance warm)",
    ),
    ...checkInteger("maximumInstanceCount", args.maximumInstanceCount, 40, 1000, "Flex allows 40–1000"),
  ];
  const memory = args.instanceMemoryMB;
  if (memory !== undefined && !flexMemorySizes.includes(memory)) {
    problems.push(`instanceMemoryMB: ${JSON.stringify(memory)} is not one of 512, 2048, 4096 (Flex sizes)`);
  }
  const ready = args.alwaysReadyInstances ?? 1;
  const max = args.maximumInstanceCount ?? 40;
  if (ready > max) {
    problems.push(`alwaysReadyInstances: ${ready} exceeds maximumInstanceCount ${max}; lower it`);
  }
  return problems;
}

export function validateAlerts(alerts: ConnectorFunctionAppArgs["alerts"]): string[] {
  if (alerts === undefined) return [];
  const problems = [
    ...checkInteger("alerts.latencyP95Ms", alerts.latencyP95Ms, 100, 20_000, "Entra gives up at 20000 ms"),
    ...checkInteger("alerts.failureCount", alerts.failureCount, 1, 10_000, "use e.g. 5"),
  ];
  for (const email of alerts.actionGroupEmails ?? []) {
    if (typeof email !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      problems.push(`alerts.actionGroupEmails: ${JSON.stringify(email)} is not an e-mail address`);
    }
  }
  return problems;
}

export function validateTags(tags: unknown): string[] {
  if (tags === undefined) return [];
  if (tags === null || typeof tags !== "object" || Array.isArray(tags)) {
    return [`tags: expected an object of string → string, got ${JSON.stringify(tags)}`];
  }
  const entries = Object.entries(tags as Record<string, unknown>);
  return entries
    .filter(([k, v]) => typeof v !== "string" || k.length > 512 || /[<>%&\\?/]/.test(k))
    .map(
      ([k, v]) =>
        `tags.${k}: ${JSON.stringify(v)} is not a valid Azure tag (string value, no <>%&\\?/ in name)`,
    );
}

/** Every problem with the arguments, in field order; empty when they are valid. */
export function validateConnectorFunctionAppArgs(args: ConnectorFunctionAppArgs): string[] {
  if (args === null || typeof args !== "object") return ["args: expected an object"];
  return [
    ...validateLocation(args.location),
    ...validateNamePrefix(args.namePrefix),
    ...validateNameSuffix(args.nameSuffix),
    ...validatePackage(args.packagePath, args.packageSha256),
    ...validateAppSettings(args.appSettings),
    ...validateCredentials(args),
    ...validateScale(args),
    ...validateAlerts(args.alerts),
    ...validateTags(args.tags),
  ];
}
