/**
 * Rules on the API connector: where Entra sends sign-up data (HTTPS), how it authenticates (Basic only
 * where the stack allows it) and whether the flow calls the step the connector policy needs.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { attributeCollectionSectionsIn } from "../../contract/policy/sections";
import { isPreviewUnknown } from "../../contract/preview";
import { endpointUrlProblem, isLoopbackUrl } from "../../contract/url";
import {
  appSettingsOf,
  isFunctionApp,
  isReason,
  isWaived,
  reporter,
  stackOfUrn,
  types,
  waiversSchema,
  type WaivableConfig,
} from "./common";

/** The Graph root a Graph resource talks to is a loopback emulator (its `connection.baseUrl`). */
function talksToLoopbackGraph(props: Record<string, unknown>): boolean {
  const baseUrl = (props.connection as { baseUrl?: unknown } | undefined)?.baseUrl;
  return typeof baseUrl === "string" && isLoopbackUrl(baseUrl);
}

interface ConnectorUrlConfig extends WaivableConfig {
  localStacks?: string[];
}

export const connectorUrlHttps: ResourceValidationPolicy = {
  name: "connector-url-https",
  description:
    "API connector target URLs use https://; http://localhost is accepted only on local stacks " +
    '(config localStacks, default ["local"]).',
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...waiversSchema,
      localStacks: { type: "array", items: { type: "string" }, default: ["local"] },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== types.apiConnector) return;
    const config = args.getConfig<ConnectorUrlConfig>();
    const url = args.props.targetUrl;
    // Unknown during preview (e.g. the Function App's host name): checked again on `up`.
    if (typeof url !== "string" || url === "" || isPreviewUnknown(url)) return;
    const report = reporter(reportViolation, config, args);
    const local = (config.localStacks ?? ["local"]).includes(stackOfUrn(args.urn));
    // The same rule as the stack settings and the provider; plain loopback http also needs a local stack.
    const problem = endpointUrlProblem(url, local && talksToLoopbackGraph(args.props));
    if (problem === undefined) return;
    report(
      `${args.name}: targetUrl ${problem}` +
        (isLoopbackUrl(url) && !local
          ? ` (loopback http is only allowed on stacks ${JSON.stringify(config.localStacks ?? ["local"])})`
          : "") +
        "; Entra sends sign-up data and credentials to it.",
    );
  },
};

interface BasicAuthConfig extends WaivableConfig {
  allowBasicAuth?: boolean;
  /** Why this stack may use Basic auth; like a waiver, the permission counts only with a real reason. */
  reason?: string;
}

/** Basic auth in effect for a resource, or undefined when it is not a connector-related resource. */
export function basicAuthIn(type: string, props: Record<string, unknown>): boolean | undefined {
  if (type === types.apiConnector) {
    const kind = (props.authentication as { kind?: string } | undefined)?.kind;
    if (kind !== undefined) return kind === "basic";
    const certificates = props.certificates;
    return !(Array.isArray(certificates) && certificates.length > 0);
  }
  if (isFunctionApp(type, props)) {
    const mode = appSettingsOf(props).CONNECTOR_AUTH_MODE;
    return mode === undefined ? undefined : mode === "basic";
  }
  if (type === types.localConnectorSettings) {
    const settings = (props.settings ?? {}) as Record<string, unknown>;
    return settings.CONNECTOR_AUTH_MODE === undefined ? undefined : settings.CONNECTOR_AUTH_MODE === "basic";
  }
  return undefined;
}

export const basicAuthAllowed: ResourceValidationPolicy = {
  name: "connector-basic-auth-allowed",
  description:
    "The API connector uses HTTP Basic auth only on stacks whose policy config sets allowBasicAuth: true; " +
    "otherwise it must use a client certificate.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...waiversSchema,
      allowBasicAuth: { type: "boolean", default: false },
      reason: { type: "string", description: "Why Basic auth is acceptable on this stack (≥ 20 characters)" },
    },
  },
  validateResource: (args, reportViolation) => {
    const config = args.getConfig<BasicAuthConfig>();
    const reasoned = isReason(config.reason);
    if (config.allowBasicAuth === true && reasoned) return;
    if (basicAuthIn(args.type, args.props) !== true) return;
    reporter(
      reportViolation,
      config,
      args,
    )(
      config.allowBasicAuth === true
        ? `${args.name}: allowBasicAuth is true but without a reason; add "reason": "<why, ≥ 20 characters>" ` +
            "next to it in this stack's policy config."
        : `${args.name}: uses Basic auth, which this stack does not allow; configure a client certificate ` +
            '(connector.auth "certificate") or set allowBasicAuth: true with a reason in this stack\'s policy config.',
    );
  },
};

/** The sections of a connector policy JSON that need the postAttributeCollection step; [] if none. */
export function sectionsNeedingAttributeCollection(policyJson: string): string[] {
  let policy: Record<string, unknown>;
  try {
    policy = JSON.parse(policyJson) as Record<string, unknown>;
  } catch {
    return [];
  }
  return attributeCollectionSectionsIn(policy);
}

export const attributeCollectionConnector: StackValidationPolicy = {
  name: "post-attribute-collection-connector",
  description:
    "When the connector policy has attribute validation rules, every B2X user flow calls a connector at " +
    "postAttributeCollection; otherwise those rules never run.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversSchema } },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<WaivableConfig>();
    const policies = args.resources.flatMap((r) => {
      const json = isFunctionApp(r.type, r.props)
        ? appSettingsOf(r.props).SIGNUP_POLICY
        : r.type === types.localConnectorSettings
          ? (r.props.settings as Record<string, unknown> | undefined)?.SIGNUP_POLICY
          : undefined;
      return typeof json === "string"
        ? [{ resource: r.name, sections: sectionsNeedingAttributeCollection(json) }]
        : [];
    });
    const needing = policies.filter((p) => p.sections.length > 0);
    if (needing.length === 0) return;
    for (const flow of args.resources.filter((r) => r.type === types.b2xUserFlow)) {
      const connectors = (flow.props.apiConnectors ?? {}) as { postAttributeCollection?: unknown };
      const step = connectors.postAttributeCollection;
      if (typeof step === "string" && step !== "") continue;
      if (isWaived(config, flow)) continue;
      const reasons = needing.map((p) => `${p.resource}: ${p.sections.join(", ")}`).join("; ");
      reportViolation(
        `${flow.name}: the connector policy has attribute rules (${reasons}) but the flow has no ` +
          "postAttributeCollection connector; set apiConnectors.postAttributeCollection to the connector id.",
        flow.urn,
      );
    }
  },
};
