/**
 * Rules on custom authentication extensions (external-tenant sign-up and token claims) and their API
 * identity: every Entra misconfiguration with a documented 1003xxx error that the stack's resources can
 * show before Entra calls anything. https target (1003020) whose host is the identifier URI's (1003014,
 * 1003015); a timeout and retry count Entra accepts; the API identity consented (1003021); mapped claims
 * only on single-tenant apps.
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot,
 * https://learn.microsoft.com/graph/api/resources/customextensionclientconfiguration,
 * https://learn.microsoft.com/entra/identity-platform/reference-app-manifest (acceptMappedClaims)
 */
import { parseIdentifierUri, sameIdentifierHost } from "../../contract/identifierUri";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { isPreviewUnknown } from "../../contract/preview";
import { endpointUrlProblem, isLoopbackUrl } from "../../contract/url";
import { isReason, isWaived, reporter, stackOfUrn, waiversSchema, type WaivableConfig } from "./common";

const graphType = (kind: string) => `pulumi-nodejs:dynamic/entra-signup/graph:${kind}`;

/** Type tokens of the external-tenant and token-claims resources. */
export const externalTypes = {
  customAuthenticationExtension: graphType("CustomAuthenticationExtension"),
  extensionApiApplication: graphType("ExtensionApiApplication"),
  mappedClaimsAcceptance: graphType("MappedClaimsAcceptance"),
  /** An app registration made with @pulumi/azuread (`apps.createApp`). */
  azureadApplication: "azuread:index/application:Application",
} as const;

/** The identifier URI Entra requires for an extension's API: `api://<host of the target>/<appId>`. */

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && !isPreviewUnknown(v);

function talksToLoopbackGraph(props: Record<string, unknown>): boolean {
  const baseUrl = (props.connection as { baseUrl?: unknown } | undefined)?.baseUrl;
  return typeof baseUrl === "string" && isLoopbackUrl(baseUrl);
}

/**
 * Why `targetUrl` cannot serve as the endpoint of an extension whose identifier URI is `resourceId`, or
 * `undefined`. `localOk`: a loopback http target is accepted (a local stack on the Graph emulator).
 */
export function extensionTargetProblem(
  targetUrl: string,
  resourceId: string | undefined,
  localOk: boolean,
): string | undefined {
  const url = endpointUrlProblem(targetUrl, localOk);
  if (url) return `targetUrl ${url} (error 1003020)`;
  const target = new URL(targetUrl);
  const loopback = isLoopbackUrl(targetUrl);
  if (target.port !== "" && !(localOk && loopback))
    return (
      `targetUrl ${target.host} has a non-default port, which the identifier URI api://<host>/<appId> cannot ` +
      "carry (errors 1003014/1003015) — serve the extension on port 443"
    );
  if (resourceId === undefined) return undefined;
  const match = parseIdentifierUri(resourceId);
  if (!match)
    return (
      `resourceId ${JSON.stringify(resourceId)} is not an identifier URI api://<host of targetUrl>/<appId> ` +
      "(error 1003014) — use the ExtensionApiApplication's identifierUri"
    );
  // The identifier URI names the host alone (a port only ever appears on a loopback target, see above).
  if (!sameIdentifierHost(match.host, targetUrl))
    return (
      `resourceId's host ${match.host} differs from targetUrl's host ${target.hostname} (error 1003015 ` +
      "DomainNameDoesNotMatch) — make the API's identifier URI from the extension's own host"
    );
  return undefined;
}

interface TargetConfig extends WaivableConfig {
  localStacks?: string[];
}

export const extensionTargetHttps: ResourceValidationPolicy = {
  name: "extension-target-https",
  description:
    "Custom authentication extensions and their API identity: https targetUrl on the default port, and the " +
    "identifier URI (resourceId) is api://<host of targetUrl>/<appId>; loopback http only on local stacks.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...waiversSchema,
      localStacks: { type: "array", items: { type: "string" }, default: ["local"] },
    },
  },
  validateResource: (args, reportViolation) => {
    const isExtension = args.type === externalTypes.customAuthenticationExtension;
    if (!isExtension && args.type !== externalTypes.extensionApiApplication) return;
    const targetUrl = args.props.targetUrl;
    // Unknown during preview (the Function App's host name): checked again on `up`.
    if (!known(targetUrl)) return;
    const config = args.getConfig<TargetConfig>();
    const local = (config.localStacks ?? ["local"]).includes(stackOfUrn(args.urn));
    const uri = isExtension ? args.props.resourceId : args.props.identifierUri;
    const problem = extensionTargetProblem(
      targetUrl,
      known(uri) ? uri : undefined,
      local && talksToLoopbackGraph(args.props),
    );
    if (problem) reporter(reportViolation, config, args)(`${args.name}: ${problem}.`);
  },
};

export const extensionClientConfiguration: ResourceValidationPolicy = {
  name: "extension-client-configuration",
  description:
    "Custom authentication extensions wait 200–2000 ms (timeoutInMilliseconds) and retry 0 or 1 times " +
    "(maximumRetries), the only values Entra accepts.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversSchema } },
  validateResource: (args, reportViolation) => {
    if (args.type !== externalTypes.customAuthenticationExtension) return;
    const report = reporter(reportViolation, args.getConfig<WaivableConfig>(), args);
    const timeout = args.props.timeoutInMilliseconds;
    if (
      timeout !== undefined &&
      !isPreviewUnknown(timeout) &&
      !(Number.isInteger(timeout) && (timeout as number) >= 200 && (timeout as number) <= 2000)
    )
      report(
        `${args.name}: timeoutInMilliseconds ${JSON.stringify(timeout)} is outside 200–2000 — set ` +
          "entra-signup:extension.timeoutInMilliseconds within it (default 1000).",
      );
    const retries = args.props.maximumRetries;
    if (retries !== undefined && !isPreviewUnknown(retries) && retries !== 0 && retries !== 1)
      report(
        `${args.name}: maximumRetries ${JSON.stringify(retries)} is not 0 or 1 — set ` +
          "entra-signup:extension.maximumRetries to 0 or 1 (default 1).",
      );
  },
};

interface ConsentConfig extends WaivableConfig {
  /** The API identity's Receive.Payload consent is granted outside this stack (e.g. by a tenant admin). */
  consentManagedElsewhere?: boolean;
  reason?: string;
}

/** Whether an ExtensionApiApplication in the stack is the API identity of an extension (and consented). */
function apiIdentityOf(
  extension: PolicyResource,
  apis: readonly PolicyResource[],
): { found: boolean; consented: boolean } {
  const resourceId = extension.props.resourceId;
  const host = (url: unknown) => {
    try {
      return known(url) ? new URL(url).host.toLowerCase() : undefined;
    } catch {
      return undefined;
    }
  };
  const match = apis.find((api) =>
    known(resourceId) && known(api.props.identifierUri)
      ? api.props.identifierUri.toLowerCase() === resourceId.toLowerCase()
      : // Before the first up both ends are unknown: the API made for the same host is the one.
        host(api.props.targetUrl) !== undefined &&
        host(api.props.targetUrl) === host(extension.props.targetUrl),
  );
  if (!match) return { found: false, consented: false };
  // After an up the API identity reports the consent it granted; an empty assignment id means none.
  const assignment = match.props.appRoleAssignmentId;
  return {
    found: true,
    consented: assignment === undefined || isPreviewUnknown(assignment) || known(assignment),
  };
}

export const extensionApiConsented: StackValidationPolicy = {
  name: "extension-api-consented",
  description:
    "Every custom authentication extension's resourceId is the identifier URI of an ExtensionApiApplication " +
    "in the same stack (which admin-consents CustomAuthenticationExtension.Receive.Payload), unless this " +
    "stack's policy config sets consentManagedElsewhere: true with a reason.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...waiversSchema,
      consentManagedElsewhere: { type: "boolean", default: false },
      reason: { type: "string", description: "Who grants the consent, and where (≥ 20 characters)" },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<ConsentConfig>();
    if (config.consentManagedElsewhere === true && isReason(config.reason)) return;
    const apis = args.resources.filter((r) => r.type === externalTypes.extensionApiApplication);
    for (const ext of args.resources.filter((r) => r.type === externalTypes.customAuthenticationExtension)) {
      if (isWaived(config, ext)) continue;
      const { found, consented } = apiIdentityOf(ext, apis);
      if (found && consented) continue;
      reportViolation(
        found
          ? `${ext.name}: its API identity has no CustomAuthenticationExtension.Receive.Payload consent ` +
              "(appRoleAssignmentId is empty), so Entra cannot call it (error 1003021) — run up again to grant it."
          : `${ext.name}: resourceId ${JSON.stringify(ext.props.resourceId)} is not the identifier URI of an ` +
              "ExtensionApiApplication in this stack, so nothing here consents Receive.Payload (error 1003021) — " +
              "use the ExtensionApiApplication's identifierUri, or set consentManagedElsewhere: true with a reason " +
              "in this stack's policy config.",
        ext.urn,
      );
    }
  },
};

/** The `signInAudience` of the app a MappedClaimsAcceptance targets, when the stack shows it. */
function signInAudienceOf(acceptance: PolicyResource, resources: readonly PolicyResource[]): unknown {
  if (acceptance.props.signInAudience !== undefined) return acceptance.props.signInAudience;
  const appId = acceptance.props.appId;
  if (!known(appId)) return undefined;
  const app = resources.find(
    (r) =>
      r.type === externalTypes.azureadApplication &&
      [r.props.clientId, r.props.applicationId].some(
        (id) => known(id) && id.toLowerCase() === appId.toLowerCase(),
      ),
  );
  // azuread's default signInAudience is AzureADMyOrg.
  return app ? (app.props.signInAudience ?? "AzureADMyOrg") : undefined;
}

export const mappedClaimsSingleTenant: StackValidationPolicy = {
  name: "mapped-claims-single-tenant",
  description:
    "acceptMappedClaims (MappedClaimsAcceptance) only on single-tenant apps (signInAudience AzureADMyOrg): on a " +
    "multi-tenant app it would let any tenant's claims mapping shape this app's tokens.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { ...waiversSchema } },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<WaivableConfig>();
    for (const acceptance of args.resources.filter((r) => r.type === externalTypes.mappedClaimsAcceptance)) {
      const audience = signInAudienceOf(acceptance, args.resources);
      if (!known(audience) || audience === "AzureADMyOrg" || isWaived(config, acceptance)) continue;
      reportViolation(
        `${acceptance.name}: app ${String(acceptance.props.appId)} is multi-tenant (signInAudience ${audience}); ` +
          "acceptMappedClaims is only safe on a single-tenant app — make the app AzureADMyOrg, or sign its " +
          "tokens with a custom signing key instead (tokenClaims.appIds must not list it).",
        acceptance.urn,
      );
    }
  },
};

export const externalTenantPolicies = [
  extensionTargetHttps,
  extensionClientConfiguration,
  extensionApiConsented,
  mappedClaimsSingleTenant,
];
