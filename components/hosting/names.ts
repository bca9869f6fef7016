/**
 * Physical Azure names for the connector's resources, and the Azure naming rule each one must satisfy.
 * Pure, so tests can pin every rule.
 *
 * Why explicit names instead of Pulumi auto-naming: storage account, Key Vault and Function App names are
 * global DNS labels with different alphabets and lengths; deriving them in one place keeps them valid,
 * readable in the portal and stable across `pulumi up` runs.
 *
 * Shape: `<abbreviation>-<namePrefix>-<nameSuffix>` (storage accounts drop the hyphens). The prefix is
 * for people (by default derived from the stack name); the suffix is a hash of project, stack and
 * component name, so two stacks never share a name — not even resource-group-scoped names, because
 * several stacks may deploy into one existing resource group (`resourceGroupName`).
 */
import { createHash } from "node:crypto";

export interface HostingNames {
  resourceGroup: string;
  storageAccount: string;
  deploymentContainer: string;
  identity: string;
  logAnalytics: string;
  appInsights: string;
  plan: string;
  functionApp: string;
  keyVault: string;
  actionGroup: string;
  /** Short name shown in alert e-mails/SMS (max 12 characters). */
  actionGroupShort: string;
  failureAlert: string;
  latencyAlert: string;
}

/** Where Microsoft documents every rule below. */
export const AZURE_NAME_RULES_URL =
  "https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules";

/**
 * One Azure naming rule: length, alphabet and where the name must be unique. From "Naming rules and
 * restrictions for Azure resources" ({@link AZURE_NAME_RULES_URL}); the action group short name from the
 * Microsoft.Insights/actionGroups ARM schema (`groupShortName`, max 12 characters).
 */
export interface AzureNameRule {
  /** ARM resource type, e.g. `Microsoft.Storage/storageAccounts`. */
  readonly resourceType: string;
  /** Where the name must be unique; `global` names are DNS labels shared by every Azure customer. */
  readonly scope: "global" | "subscription" | "resource group" | "storage account" | "none";
  readonly minLength: number;
  readonly maxLength: number;
  /** The documented alphabet and first/last character rules, as one sentence. */
  readonly valid: string;
  /** Returns the broken part of the rule, or undefined when the name satisfies it. */
  readonly check: (name: string) => string | undefined;
}

// Control characters are refused by every "Can't use … or control characters" rule.
const controlChars = /[\u0000-\u001f\u007f]/;

function refuses(chars: string, what: string) {
  return (name: string) => {
    const bad = [...name].find((c) => chars.includes(c));
    if (bad !== undefined) return `contains '${bad}' (${what} can't use ${chars})`;
    if (controlChars.test(name)) return "contains a control character";
    if (/[ .]$/.test(name)) return "ends with a space or period";
    return undefined;
  };
}

function matches(pattern: RegExp, description: string) {
  return (name: string) => (pattern.test(name) ? undefined : `is not ${description}`);
}

const alnumHyphenNoEdges = "alphanumerics and hyphens, starting and ending with an alphanumeric";

/** Each derived name's rule, keyed like {@link HostingNames}. */
export const azureNameRules: Readonly<Record<keyof HostingNames, AzureNameRule>> = {
  resourceGroup: {
    resourceType: "Microsoft.Resources/resourceGroups",
    scope: "subscription",
    minLength: 1,
    maxLength: 90,
    valid: "alphanumerics, underscores, parentheses, hyphens and periods; can't end with a period",
    check: (n) =>
      !/^[\p{L}\p{Nd}_().-]+$/u.test(n)
        ? "is not alphanumerics, underscores, parentheses, hyphens and periods"
        : n.endsWith(".")
          ? "ends with a period"
          : undefined,
  },
  storageAccount: {
    resourceType: "Microsoft.Storage/storageAccounts",
    scope: "global",
    minLength: 3,
    maxLength: 24,
    valid: "lowercase letters and numbers",
    check: matches(/^[a-z0-9]+$/, "lowercase letters and numbers only"),
  },
  deploymentContainer: {
    resourceType: "Microsoft.Storage/storageAccounts/blobServices/containers",
    scope: "storage account",
    minLength: 3,
    maxLength: 63,
    valid: "lowercase letters, numbers and hyphens; starts with a letter or number; no consecutive hyphens",
    check: (n) =>
      !/^[a-z0-9][a-z0-9-]*$/.test(n)
        ? "is not lowercase letters, numbers and hyphens starting with a letter or number"
        : n.includes("--")
          ? "contains consecutive hyphens"
          : undefined,
  },
  identity: {
    resourceType: "Microsoft.ManagedIdentity/userAssignedIdentities",
    scope: "resource group",
    minLength: 3,
    maxLength: 128,
    valid: "alphanumerics, hyphens and underscores; starts with a letter or number",
    check: matches(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "alphanumerics, hyphens and underscores"),
  },
  logAnalytics: {
    resourceType: "Microsoft.OperationalInsights/workspaces",
    scope: "resource group",
    minLength: 4,
    maxLength: 63,
    valid: alnumHyphenNoEdges,
    check: matches(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, alnumHyphenNoEdges),
  },
  appInsights: {
    resourceType: "Microsoft.Insights/components",
    scope: "resource group",
    minLength: 1,
    maxLength: 260,
    valid: "no %&\\?/ or control characters; can't end with a space or period",
    check: refuses("%&\\?/", "components"),
  },
  plan: {
    resourceType: "Microsoft.Web/serverfarms",
    scope: "resource group",
    minLength: 1,
    maxLength: 60,
    valid: "alphanumerics and hyphens",
    check: matches(/^[A-Za-z0-9-]+$/, "alphanumerics and hyphens"),
  },
  functionApp: {
    resourceType: "Microsoft.Web/sites",
    scope: "global",
    minLength: 2,
    // 60 is ARM's limit; the Functions host ID is the app name cut to 32 characters, so a longer name
    // could share its host ID with another app (Azure Functions "Host ID considerations").
    maxLength: 32,
    valid:
      "alphanumerics and hyphens; can't start or end with a hyphen (at most 32 to keep the host ID whole)",
    check: matches(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, alnumHyphenNoEdges),
  },
  keyVault: {
    resourceType: "Microsoft.KeyVault/vaults",
    scope: "global",
    minLength: 3,
    maxLength: 24,
    valid:
      "alphanumerics and hyphens; starts with a letter, ends with a letter or digit; no consecutive hyphens",
    check: (n) =>
      !/^[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(n)
        ? "is not alphanumerics and hyphens starting with a letter and ending with a letter or digit"
        : n.includes("--")
          ? "contains consecutive hyphens"
          : undefined,
  },
  actionGroup: {
    resourceType: "Microsoft.Insights/actionGroups",
    scope: "resource group",
    minLength: 1,
    maxLength: 260,
    valid: "no :<>+/&%\\?| or control characters; can't end with a space or period",
    check: refuses(":<>+/&%\\?|", "actionGroups"),
  },
  actionGroupShort: {
    resourceType: "Microsoft.Insights/actionGroups (groupShortName)",
    scope: "none",
    minLength: 1,
    maxLength: 12,
    valid: "1–12 characters",
    check: () => undefined,
  },
  failureAlert: {
    resourceType: "Microsoft.Insights/metricAlerts",
    scope: "resource group",
    minLength: 1,
    maxLength: 260,
    valid: "no *#&+:<>?@%{}\\/| or control characters; can't end with a space or period",
    check: refuses("*#&+:<>?@%{}\\/|", "metricAlerts"),
  },
  latencyAlert: {
    resourceType: "Microsoft.Insights/scheduledQueryRules",
    scope: "resource group",
    minLength: 1,
    maxLength: 260,
    valid: "no *<>%{}&:\\?/#| or control characters; can't end with a space or period",
    check: refuses("*<>%{}&:\\?/#|", "scheduledQueryRules"),
  },
};

/** Why `name` breaks the rule for `kind`, as one sentence; undefined when it is valid. */
export function azureNameProblem(kind: keyof HostingNames, name: string): string | undefined {
  const rule = azureNameRules[kind];
  const broken =
    name.length < rule.minLength || name.length > rule.maxLength
      ? `has ${name.length} characters (${rule.minLength}–${rule.maxLength} allowed)`
      : rule.check(name);
  if (broken === undefined) return undefined;
  return (
    `${kind}: ${JSON.stringify(name)} ${broken}; a ${rule.resourceType} name must be ` +
    `${rule.minLength}–${rule.maxLength} characters: ${rule.valid} (${AZURE_NAME_RULES_URL})`
  );
}

/** Every rule a set of names breaks; empty when all are valid. */
export function validateHostingNames(names: HostingNames): string[] {
  return (Object.keys(azureNameRules) as (keyof HostingNames)[])
    .map((kind) => azureNameProblem(kind, names[kind]))
    .filter((p): p is string => p !== undefined);
}

/** Kinds whose names are global DNS labels: these are the names the suffix must keep apart. */
export const globallyUniqueKinds = (Object.keys(azureNameRules) as (keyof HostingNames)[]).filter(
  (k) => azureNameRules[k].scope === "global",
);

/** Longest `namePrefix`: with an 8-character suffix every derived name still fits (Key Vault is tightest). */
export const NAME_PREFIX_MAX_LENGTH = 12;
/** A valid `namePrefix`: lowercase letters, digits and single hyphens, no hyphen at either end. */
export const NAME_PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,11}$/;
/** A valid explicit `nameSuffix`. */
export const NAME_SUFFIX_PATTERN = /^[a-z0-9]{4,8}$/;

/** The prefix used when a stack's name has no letter or digit at all (e.g. `___`). */
const FALLBACK_PREFIX = "signup";

/**
 * The default `namePrefix` for a Pulumi stack name (1–100 characters of letters, digits, `-`, `_`, `.`):
 * lower-cased, every run of other characters turned into one hyphen, cut to 12 characters. Two stacks
 * may share a prefix (`prod-9d2f7c1e` and `prod-9d2f7c1f`); the hash suffix keeps their names apart.
 */
export function defaultNamePrefix(stack: string): string {
  const cleaned = stack
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const cut = cleaned.slice(0, NAME_PREFIX_MAX_LENGTH).replace(/-+$/, "");
  return cut === "" ? FALLBACK_PREFIX : cut;
}

/**
 * The default `nameSuffix`: 8 hex characters of SHA-256 over project, stack and component name, so two
 * stacks (or two components in one stack) never collide, and the same stack always gets the same names.
 */
export function defaultNameSuffix(parts: { project: string; stack: string; name: string }): string {
  const seed = JSON.stringify([parts.project, parts.stack, parts.name]);
  return createHash("sha256").update(seed).digest("hex").slice(0, 8);
}

/** Names from a valid prefix (see {@link NAME_PREFIX_PATTERN}) and suffix ({@link NAME_SUFFIX_PATTERN}). */
export function hostingNames(namePrefix: string, nameSuffix: string): HostingNames {
  const base = `${namePrefix}-${nameSuffix}`;
  return {
    resourceGroup: `rg-${base}`,
    // "st" + ≤12 + ≤8 = ≤22 of 24 allowed characters, lowercase alphanumerics only.
    storageAccount: `st${namePrefix.replace(/-/g, "")}${nameSuffix}`,
    // Flex reads the package from here; the name is local to the account.
    deploymentContainer: "app-package",
    identity: `id-${base}`,
    logAnalytics: `log-${base}`,
    appInsights: `appi-${base}`,
    plan: `asp-${base}`,
    // "func-" + ≤12 + "-" + ≤8 = ≤26 of 32.
    functionApp: `func-${base}`,
    // "kv-" + ≤12 + "-" + ≤8 = ≤24 of 24; starts with a letter, no consecutive hyphens.
    keyVault: `kv-${base}`,
    actionGroup: `ag-${base}`,
    actionGroupShort: namePrefix.replace(/-/g, "").slice(0, 12),
    failureAlert: `alert-${base}-connector-failures`,
    latencyAlert: `alert-${base}-connector-latency-p95`,
  };
}

/**
 * The names a component instance gets: explicit prefix/suffix when given, otherwise derived from the
 * stack. Throws nothing; pair with {@link validateHostingNames} (always empty for valid inputs).
 */
export function hostingNamesFor(parts: {
  project: string;
  stack: string;
  name: string;
  namePrefix?: string;
  nameSuffix?: string;
}): HostingNames {
  return hostingNames(
    parts.namePrefix ?? defaultNamePrefix(parts.stack),
    parts.nameSuffix ?? defaultNameSuffix(parts),
  );
}

/**
 * The default host name App Service gives a Function App named `functionAppName` in a cloud
 * (`<name>.azurewebsites.net` in the global cloud), when no regional unique host name is requested.
 * Learn: https://learn.microsoft.com/azure/app-service/overview-name-resolution,
 * https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure
 */
export function plannedDefaultHostName(
  functionAppName: string,
  cloud: "global" | "usgov" | "usgovdod" | "china",
): string {
  const suffix =
    cloud === "global" ? "azurewebsites.net" : cloud === "china" ? "chinacloudsites.cn" : "azurewebsites.us";
  return `${functionAppName}.${suffix}`;
}
