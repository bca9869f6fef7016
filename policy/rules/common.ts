/**
 * Shared pieces of the guardrail rules: resource type tokens, the waiver mechanism and small readers.
 *
 * Waivers (cdk-nag style suppressions): every rule accepts policy config
 * `{ "waivers": [{ "resource": "<name or URN>", "reason": "<why, ≥ 20 characters>" }] }`. The JSON schema
 * makes `reason` mandatory and non-trivial, so a waiver is a reviewed, explained decision in the policy
 * config file, never a silent switch. A waived violation is not reported.
 */
import type { PolicyConfigSchema, ReportViolation } from "@pulumi/policy";

/** Type tokens of the resources the rules look at. */
export const types = {
  webApp: "azure-native:web:WebApp",
  storageAccount: "azure-native:storage:StorageAccount",
  apiConnector: "pulumi-nodejs:dynamic/entra-signup/graph:ApiConnector",
  b2xUserFlow: "pulumi-nodejs:dynamic/entra-signup/graph:B2xUserFlow",
  localConnectorSettings: "pulumi-nodejs:dynamic/entra-signup/local:ConnectorSettings",
} as const;

export interface Waiver {
  resource: string;
  reason: string;
}

export interface WaivableConfig {
  waivers?: Waiver[];
}

/** The `waivers` property every rule's config schema carries. */
export const waiversSchema: PolicyConfigSchema["properties"] = {
  waivers: {
    type: "array",
    default: [],
    items: {
      type: "object",
      required: ["resource", "reason"],
      additionalProperties: false,
      properties: {
        resource: { type: "string", minLength: 1, description: "Logical resource name or full URN" },
        reason: { type: "string", minLength: 20, description: "Why this resource may break the rule" },
      },
    },
  },
};

/** A written reason for an exception (a waiver, an opt-out in a stack's policy config): 20 characters or more. */
export function isReason(reason: unknown): reason is string {
  return typeof reason === "string" && reason.trim().length >= 20;
}

/** True when a waiver names this resource (by logical name or URN) with a real reason. */
export function isWaived(
  config: WaivableConfig | undefined,
  resource: { name: string; urn: string },
): boolean {
  return (config?.waivers ?? []).some(
    (w) => (w.resource === resource.name || w.resource === resource.urn) && isReason(w.reason),
  );
}

/** A `ReportViolation` that drops violations for waived resources. */
export function reporter(
  report: ReportViolation,
  config: WaivableConfig | undefined,
  resource: { name: string; urn: string },
): (message: string) => void {
  return (message) => {
    if (!isWaived(config, resource)) report(message, resource.urn);
  };
}

/** The stack name inside a URN: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
  return urn.replace(/^urn:pulumi:/, "").split("::")[0] ?? "";
}

/** App settings of an azure-native WebApp's inputs as a name → value map. */
export function appSettingsOf(props: Record<string, unknown>): Record<string, string> {
  const site = props.siteConfig as { appSettings?: { name?: string; value?: unknown }[] } | undefined;
  const out: Record<string, string> = {};
  for (const s of site?.appSettings ?? []) {
    if (typeof s.name === "string" && typeof s.value === "string") out[s.name] = s.value;
  }
  return out;
}

/** Function Apps are WebApps whose kind contains "functionapp". */
export function isFunctionApp(type: string, props: Record<string, unknown>): boolean {
  return type === types.webApp && String(props.kind ?? "").includes("functionapp");
}
