/**
 * One error type for every failed Graph call, with a message a platform engineer can act on:
 * `Graph 403 Authorization_RequestDenied on POST /identity/apiConnectors (request-id …): <message>.
 * Fix: the deploying identity lacks APIConnectors.ReadWrite.All`.
 *
 * Callers test errors with {@link isGraphRequestError} / {@link graphStatus}, never `instanceof`: each
 * serialized dynamic provider carries its own copy of this class, so identity checks across copies fail.
 */

export interface GraphErrorDetails {
  readonly method: string;
  /** Path without the version segment, e.g. `/identity/apiConnectors`. */
  readonly path: string;
  readonly version?: string;
  readonly status: number;
  readonly code?: string;
  readonly graphMessage?: string;
  readonly requestId?: string;
}

export class GraphRequestError extends Error {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code?: string;
  readonly graphMessage?: string;
  readonly requestId?: string;
  readonly fix?: string;

  constructor(d: GraphErrorDetails) {
    const fix = fixFor(d);
    const message = formatGraphError(d, fix);
    super(message);
    // Pulumi serializes this class as ES5 (`Error.call(this, …)`), which does not set `message`.
    this.message = message;
    this.name = "GraphRequestError";
    this.method = d.method;
    this.path = d.path;
    this.status = d.status;
    this.code = d.code;
    this.graphMessage = d.graphMessage;
    this.requestId = d.requestId;
    this.fix = fix;
  }
}

export function formatGraphError(d: GraphErrorDetails, fix?: string): string {
  const where = d.version ? `/${d.version}${d.path}` : d.path;
  const head = `Graph ${d.status}${d.code ? ` ${d.code}` : ""} on ${d.method} ${where}`;
  const rid = ` (request-id ${d.requestId ?? "unknown"})`;
  const msg = d.graphMessage ? `: ${d.graphMessage.replace(/\.+$/, "")}` : "";
  return `${head}${rid}${msg}${fix ? `. Fix: ${fix}` : ""}`;
}

export function isGraphRequestError(e: unknown): e is GraphRequestError {
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === "GraphRequestError";
}

/** HTTP status of a Graph error, undefined for anything else (network failure, bug). */
export function graphStatus(e: unknown): number | undefined {
  return isGraphRequestError(e) ? e.status : undefined;
}

export const isNotFound = (e: unknown): boolean => graphStatus(e) === 404;

/**
 * 400/409 on a create: the object may already exist (docs/graph-contract.md §0.5: no documented status for
 * it).
 */
export const isMaybeExists = (e: unknown): boolean => graphStatus(e) === 400 || graphStatus(e) === 409;

interface PermissionRule {
  readonly path: RegExp;
  readonly read: string;
  readonly write: string;
  readonly role?: string;
}

// Least-privileged application permissions per path family, docs/graph-contract.md §0.2 / §0.3.
const permissionRules: readonly PermissionRule[] = [
  {
    path: /^\/policies\/authenticationFlowsPolicy/i,
    read: "Policy.Read.All",
    write: "Policy.ReadWrite.AuthenticationFlows",
    role: "External ID User Flow Administrator",
  },
  {
    path: /^\/identity\/userFlowAttributes/i,
    read: "IdentityUserFlow.Read.All",
    write: "IdentityUserFlow.ReadWrite.All",
    role: "External ID User Flow Attribute Administrator",
  },
  {
    path: /^\/identity\/b2xUserFlows/i,
    read: "IdentityUserFlow.ReadWrite.All",
    write: "IdentityUserFlow.ReadWrite.All",
    role: "External ID User Flow Administrator",
  },
  {
    path: /^\/identity\/apiConnectors/i,
    read: "APIConnectors.ReadWrite.All",
    write: "APIConnectors.ReadWrite.All",
    role: "External ID User Flow Administrator",
  },
  {
    path: /^\/identity\/identityProviders/i,
    read: "IdentityProvider.Read.All",
    write: "IdentityProvider.ReadWrite.All",
  },
  {
    path: /^\/identity\/events\/onSignupStart/i,
    read: "Policy.Read.All",
    write: "Policy.ReadWrite.ApplicationConfiguration",
  },
  // Extension API identity and token claims (docs/graph-contract.md §9).
  {
    path: /^\/servicePrincipals[^/]*\/[^/]+\/appRoleAssignedTo/i,
    read: "Application.Read.All",
    write: "AppRoleAssignment.ReadWrite.All and Application.Read.All",
  },
  {
    path: /^\/servicePrincipals[^/]*\/[^/]+\/claimsMappingPolicies/i,
    read: "Policy.Read.All",
    write:
      "Policy.Read.All and Application.ReadWrite.OwnedBy (Application.ReadWrite.All for apps it does not own)",
  },
  {
    path: /^\/servicePrincipals/i,
    read: "Application.Read.All",
    write: "Application.ReadWrite.OwnedBy (Application.ReadWrite.All for apps it does not own)",
  },
  {
    path: /^\/policies\/claimsMappingPolicies/i,
    read: "Policy.Read.All",
    write: "Policy.ReadWrite.ApplicationConfiguration",
  },
  {
    path: /^\/identity\/authenticationEventListeners/i,
    read: "EventListener.Read.All",
    write: "EventListener.ReadWrite.All",
  },
  {
    path: /^\/applications/i,
    read: "Application.Read.All",
    write: "Application.ReadWrite.OwnedBy (Application.ReadWrite.All for apps it does not own)",
  },
];

/** The permission a call needs, by path family and method (undefined for paths we do not call). */
export function permissionFor(method: string, path: string): string | undefined {
  const rule = permissionRules.find((r) => r.path.test(path));
  if (!rule) return undefined;
  const perm = method.toUpperCase() === "GET" ? rule.read : rule.write;
  return rule.role ? `${perm} (application permission) or the ${rule.role} role (delegated)` : perm;
}

const enableSignUpFix =
  "self-service sign-up is not enabled for the tenant: set selfServiceSignUp.enabled (a SelfServiceSignUpPolicy with enabled: true that this resource depends on)";

/** The B2X surface that only works once the tenant toggle is on (docs/graph-contract.md §1.1). */
const signUpGatedPath = /^\/identity\/(b2xUserFlows|apiConnectors|userFlowAttributes|events\/onSignupStart)/i;

/**
 * "Self-service sign-up is not enabled / is disabled / selfServiceSignUp … disabled": the service telling
 * us the toggle is off. Not a mere mention of the property (a 400 on the policy PATCH names it too).
 */
const signUpDisabled =
  /self[- ]?service[- ]?sign[- ]?up\b[^.]{0,60}?\b(is |was )?(not enabled|disabled|turned off|switched off)/i;

/** What the user can do about a failure, when we know. */
export function fixFor(d: GraphErrorDetails): string | undefined {
  const text = `${d.code ?? ""} ${d.graphMessage ?? ""}`;
  const gated = signUpGatedPath.test(d.path);
  if (gated && signUpDisabled.test(text)) return enableSignUpFix;
  // What Graph answered on GET /identity/apiConnectors in a tenant without the feature (EntraExporter#5).
  if (gated && d.status === 500 && /unable to find target address/i.test(d.graphMessage ?? "")) {
    return `${enableSignUpFix}; Graph answers "Unable to find target address" when it is off (or, rarely, during an outage: retry later)`;
  }
  if (d.status === 403 && /^AADB2C$/i.test(d.code ?? "") && /non[- ]?B2C|B2C/i.test(d.graphMessage ?? "")) {
    return "this is an Azure AD B2C tenant; B2X user flows exist only in workforce tenants (docs/graph-contract.md §0.1)";
  }
  if (d.status === 403) {
    const perm = permissionFor(d.method, d.path);
    return perm
      ? `the deploying identity lacks ${perm}`
      : "the deploying identity lacks a Graph permission for this call";
  }
  if (d.status === 401) {
    return "the token was rejected: check connection.tenantId and connection.cloud (tokens are not interchangeable between clouds) and that the credential can sign in";
  }
  if (d.status === 429)
    return "Graph kept throttling after all retries: run again later or lower parallelism";
  return undefined;
}
