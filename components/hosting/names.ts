/**
 * Physical Azure names for the connector's resources. Pure, so tests can pin every rule.
 *
 * Why explicit names instead of Pulumi auto-naming: storage account (3–24 lowercase alphanumerics),
 * Key Vault (3–24) and Function App names are global DNS labels with different alphabets; deriving
 * them in one place keeps them valid, readable in the portal and stable across `pulumi up` runs.
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

/**
 * The default `nameSuffix`: 6 hex characters of SHA-256 over the parts that identify this component
 * instance (project, stack, prefix, component name), so two stacks of one project never collide.
 */
export function defaultNameSuffix(parts: {
  project: string;
  stack: string;
  namePrefix: string;
  name: string;
}) {
  const seed = [parts.project, parts.stack, parts.namePrefix, parts.name].join("/");
  return createHash("sha256").update(seed).digest("hex").slice(0, 6);
}

/** Names from a validated prefix (2–12 chars) and suffix (4–8 chars); every result fits its limit. */
export function hostingNames(namePrefix: string, nameSuffix: string): HostingNames {
  const compact = namePrefix.replace(/-/g, "");
  return {
    resourceGroup: `${namePrefix}-rg`,
    // "st" + ≤12 + ≤8 = ≤22 of 24 allowed characters, lowercase alphanumerics only.
    storageAccount: `st${compact}${nameSuffix}`,
    // Flex reads the package from here; the name is local to the account.
    deploymentContainer: "app-package",
    identity: `${namePrefix}-id`,
    logAnalytics: `${namePrefix}-log`,
    appInsights: `${namePrefix}-appi`,
    plan: `${namePrefix}-plan`,
    // ≤12 + "-func-" + ≤8 = ≤26 of 60 (and the host name label stays short).
    functionApp: `${namePrefix}-func-${nameSuffix}`,
    // "kv" + ≤12 + "-" + ≤8 = ≤23 of 24; must start with a letter and not end with a hyphen.
    keyVault: `kv${compact}-${nameSuffix}`,
    actionGroup: `${namePrefix}-alerts`,
    actionGroupShort: compact.slice(0, 12),
    failureAlert: `${namePrefix}-connector-failures`,
    latencyAlert: `${namePrefix}-connector-latency-p95`,
  };
}
