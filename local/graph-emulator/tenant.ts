/**
 * What kind of tenant the emulator plays and what the calling identity may do there: the tenant kind
 * (`organization.tenantType`), whether B2X self-service sign-up is offered, whether a token is issued
 * at all, and the application permissions (app roles) in that token. Graph enforces the same settings
 * it reports: a role missing from the token is a 403 on the calls that need it, a B2C tenant refuses the
 * B2X surface, a refused credential makes every call a 401. Set them with `emulator.tenant.set(…)` or
 * `PATCH /_emulator/tenant`; `reset()` restores the defaults.
 *
 * Sources: https://learn.microsoft.com/graph/api/resources/organization (tenantType),
 * https://learn.microsoft.com/graph/permissions-reference (app roles), docs/permissions.md (which call
 * needs which role).
 */
import { GraphError } from "./errors";

/** `organization.tenantType`: workforce, Azure AD B2C, or a Microsoft Entra External ID external tenant. */
export type TenantType = "AAD" | "AAD B2C" | "CIAM";
export const TENANT_TYPES: readonly TenantType[] = ["AAD", "AAD B2C", "CIAM"];

/** The emulated tenant's settings (not Graph objects: nothing here is readable or writable through Graph). */
export interface TenantSettings {
  /** @default "AAD" (workforce) */
  tenantType: TenantType;
  /** Whether the B2X surface (`/policies/authenticationFlowsPolicy`, `/identity/b2xUserFlows`) exists. @default true */
  selfServiceSignUpAvailable: boolean;
  /** Whether the identity platform issues a token (false: a deleted app registration or expired secret). @default true */
  credentialValid: boolean;
  /** Application permissions in the token's `roles` claim; Graph refuses calls none of them cover. @default every role in {@link ALL_ROLES} */
  grantedRoles: string[];
  /**
   * External tenants: which ways of attaching a Start/Submit extension to a flow Graph accepts (which one
   * Entra serves is undocumented; docs/graph-contract.md §8.5). @default all of {@link ATTACH_VARIANTS}
   */
  attachVariants: AttachVariant[];
  /**
   * What a PATCH of a custom extension's `clientConfiguration` does (undocumented): applied, accepted but
   * ignored, or refused with 400. @default "apply"
   */
  extensionClientConfigurationPatch: "apply" | "ignore" | "refuse";
}

/** Ways to attach a Start/Submit extension: beta `$ref` PUT, beta listener, v1.0 PATCH of the flow. */
export type AttachVariant = "betaRef" | "betaListener" | "v1Patch";
export const ATTACH_VARIANTS: readonly AttachVariant[] = ["betaRef", "betaListener", "v1Patch"];

/** Every application permission a call of this project (and its preflight) may need. */
export const ALL_ROLES: readonly string[] = [
  "Policy.Read.All",
  "Policy.ReadWrite.AuthenticationFlows",
  "Policy.ReadWrite.ApplicationConfiguration",
  "IdentityUserFlow.Read.All",
  "IdentityUserFlow.ReadWrite.All",
  "APIConnectors.ReadWrite.All",
  "IdentityProvider.Read.All",
  "IdentityProvider.ReadWrite.All",
  "Application.Read.All",
  "Organization.Read.All",
  "User.ReadWrite.All",
  "Application.ReadWrite.OwnedBy",
  "Application.ReadWrite.All",
  "AppRoleAssignment.ReadWrite.All",
  "EventListener.Read.All",
  "EventListener.ReadWrite.All",
  "CustomAuthenticationExtension.Read.All",
  "CustomAuthenticationExtension.ReadWrite.All",
];

export function defaultTenantSettings(): TenantSettings {
  return {
    tenantType: "AAD",
    selfServiceSignUpAvailable: true,
    credentialValid: true,
    grantedRoles: [...ALL_ROLES],
    attachVariants: [...ATTACH_VARIANTS],
    extensionClientConfigurationPatch: "apply",
  };
}

/** Applies a partial update, refusing unknown keys and bad values (the admin route's 400). */
export function updateTenantSettings(current: TenantSettings, patch: unknown): TenantSettings {
  if (!patch || typeof patch !== "object" || Array.isArray(patch))
    throw new Error("the tenant settings must be a JSON object");
  const p = patch as Record<string, unknown>;
  const next = {
    ...current,
    grantedRoles: [...current.grantedRoles],
    attachVariants: [...current.attachVariants],
  };
  for (const [key, value] of Object.entries(p)) {
    switch (key) {
      case "tenantType":
        if (!TENANT_TYPES.includes(value as TenantType))
          throw new Error(
            `tenantType must be one of ${TENANT_TYPES.join(", ")}, got ${JSON.stringify(value)}`,
          );
        next.tenantType = value as TenantType;
        break;
      case "selfServiceSignUpAvailable":
      case "credentialValid":
        if (typeof value !== "boolean") throw new Error(`${key} must be true or false`);
        next[key] = value;
        break;
      case "grantedRoles":
        if (!Array.isArray(value) || value.some((r) => typeof r !== "string"))
          throw new Error(
            "grantedRoles must be a list of permission names like IdentityUserFlow.ReadWrite.All",
          );
        next.grantedRoles = [...(value as string[])];
        break;
      case "attachVariants":
        if (!Array.isArray(value) || value.some((v) => !ATTACH_VARIANTS.includes(v as AttachVariant)))
          throw new Error(`attachVariants must be a list of ${ATTACH_VARIANTS.join(", ")}`);
        next.attachVariants = [...(value as AttachVariant[])];
        break;
      case "extensionClientConfigurationPatch":
        if (value !== "apply" && value !== "ignore" && value !== "refuse")
          throw new Error("extensionClientConfigurationPatch must be apply, ignore or refuse");
        next.extensionClientConfigurationPatch = value;
        break;
      default:
        throw new Error(
          `unknown tenant setting '${key}'; known: tenantType, selfServiceSignUpAvailable, credentialValid, grantedRoles, attachVariants, extensionClientConfigurationPatch`,
        );
    }
  }
  return next;
}

type Access = "read" | "write";

/**
 * Application permissions that allow a call, least privileged first (any one suffices), per Graph's
 * per-API permission tables as summarised in docs/permissions.md. Paths without an entry need none here.
 */
export function rolesAllowing(method: string, path: string): readonly string[] | undefined {
  const access: Access = method === "GET" ? "read" : "write";
  const p = path.toLowerCase();
  const pick = (read: readonly string[], write: readonly string[]) => (access === "read" ? read : write);
  if (p.startsWith("/policies/authenticationflowspolicy"))
    return pick(
      ["Policy.Read.All", "Policy.ReadWrite.AuthenticationFlows"],
      ["Policy.ReadWrite.AuthenticationFlows"],
    );
  if (p.startsWith("/identity/userflowattributes") || p.startsWith("/identity/b2xuserflows"))
    return pick(
      ["IdentityUserFlow.Read.All", "IdentityUserFlow.ReadWrite.All"],
      ["IdentityUserFlow.ReadWrite.All"],
    );
  // Graph documents only the ReadWrite permission, even for reads.
  if (p.startsWith("/identity/apiconnectors")) return ["APIConnectors.ReadWrite.All"];
  if (p.startsWith("/identity/identityproviders"))
    return pick(
      ["IdentityProvider.Read.All", "IdentityProvider.ReadWrite.All"],
      ["IdentityProvider.ReadWrite.All"],
    );
  if (p.startsWith("/identity/events/onsignupstart"))
    return pick(
      ["Policy.Read.All", "Policy.ReadWrite.ApplicationConfiguration"],
      ["Policy.ReadWrite.ApplicationConfiguration"],
    );
  if (
    p.startsWith("/identity/authenticationeventsflows") ||
    p.startsWith("/identity/authenticationeventlisteners")
  )
    return pick(["EventListener.Read.All", "EventListener.ReadWrite.All"], ["EventListener.ReadWrite.All"]);
  if (p.startsWith("/identity/customauthenticationextensions"))
    return p.endsWith("/validateauthenticationconfiguration") || access === "read"
      ? ["CustomAuthenticationExtension.Read.All", "CustomAuthenticationExtension.ReadWrite.All"]
      : ["CustomAuthenticationExtension.ReadWrite.All"];
  if (p.startsWith("/organization")) return ["Organization.Read.All"];
  return apiIdentityRolesAllowing(access, p);
}

const APP_READ = ["Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"];
const APP_WRITE = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"];
const POLICY_READ = ["Policy.Read.All", "Policy.ReadWrite.ApplicationConfiguration"];

/**
 * Applications, service principals, app role assignments, claims mapping policies and event listeners
 * (https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto,
 * https://learn.microsoft.com/graph/api/serviceprincipal-post-claimsmappingpolicies,
 * https://learn.microsoft.com/graph/api/identitycontainer-post-authenticationeventlisteners).
 * `Application.ReadWrite.OwnedBy` covers only applications the caller owns (checked by the route).
 */
function apiIdentityRolesAllowing(access: Access, p: string): readonly string[] | undefined {
  const pick = (read: readonly string[], write: readonly string[]) => (access === "read" ? read : write);
  if (p.startsWith("/applications")) return pick(APP_READ, APP_WRITE);
  if (/^\/serviceprincipals[^/]*\/[^/]+\/(approleassignedto|approleassignments)/.test(p))
    return pick(APP_READ, ["AppRoleAssignment.ReadWrite.All"]);
  if (/^\/serviceprincipals[^/]*\/[^/]+\/claimsmappingpolicies/.test(p)) return pick(POLICY_READ, APP_WRITE);
  if (p.startsWith("/serviceprincipals")) return pick(APP_READ, APP_WRITE);
  if (p.startsWith("/policies/claimsmappingpolicies"))
    return pick(POLICY_READ, ["Policy.ReadWrite.ApplicationConfiguration"]);
  if (p.startsWith("/identity/authenticationeventlisteners"))
    return pick(["EventListener.Read.All", "EventListener.ReadWrite.All"], ["EventListener.ReadWrite.All"]);
  return undefined;
}

/**
 * Calls that need a second permission as well (both are required): granting an app role also reads the
 * resource application; assigning a claims mapping policy also reads the policy.
 */
export function rolesAlsoRequired(method: string, path: string): readonly string[] | undefined {
  if (method === "GET") return undefined;
  const p = path.toLowerCase();
  if (/^\/serviceprincipals[^/]*\/[^/]+\/(approleassignedto|approleassignments)/.test(p)) return APP_READ;
  if (/^\/serviceprincipals[^/]*\/[^/]+\/claimsmappingpolicies/.test(p)) return POLICY_READ;
  return undefined;
}

/** The B2X surface: what a B2C tenant refuses and what "sign-up not available" removes. */
function isB2xSurface(path: string): boolean {
  const p = path.toLowerCase();
  return (
    p.startsWith("/identity/b2xuserflows") ||
    p.startsWith("/identity/apiconnectors") ||
    p.startsWith("/identity/userflowattributes") ||
    p.startsWith("/policies/authenticationflowspolicy") ||
    p.startsWith("/identity/events/onsignupstart")
  );
}

/**
 * Throws the error Graph answers for this call under these settings, if any: 401 without a valid
 * credential, 403 for a missing role, 403 `AADB2C` for the B2X surface in a B2C tenant (and, strictly,
 * in an external tenant, where Graph's answer is undocumented), 400 "segment" when sign-up is not offered.
 */
export function enforceTenant(settings: TenantSettings, method: string, path: string): void {
  if (!settings.credentialValid)
    throw new GraphError(
      401,
      "InvalidAuthenticationToken",
      "Access token validation failure. Invalid audience.",
    );
  const allowing = rolesAllowing(method, path);
  const also = rolesAlsoRequired(method, path);
  const lacks = (roles: readonly string[] | undefined) =>
    roles !== undefined && !roles.some((r) => settings.grantedRoles.includes(r));
  if (lacks(allowing) || lacks(also))
    throw new GraphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  // External tenants keep custom attributes (on the b2c-extensions-app).
  if (settings.tenantType === "CIAM" && path.toLowerCase().startsWith("/identity/userflowattributes")) return;
  if (!isB2xSurface(path)) return;
  if (settings.tenantType !== "AAD")
    throw new GraphError(
      403,
      "AADB2C",
      "Access to this Api can only be made for an Azure AD directory (non b2c).",
    );
  if (!settings.selfServiceSignUpAvailable) {
    const segment = path.split("/").filter(Boolean)[1] ?? "";
    throw new GraphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
  }
}

/**
 * An unsigned access token (`alg: none`) carrying the claims a client reads before calling Graph:
 * `tid`, `aud`, `idtyp: app` and `roles`. The emulator accepts any bearer, so it never has to verify it.
 */
export function emulatorAccessToken(settings: TenantSettings, tenantId: string, audience: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return [
    b64({ alg: "none", typ: "JWT" }),
    b64({
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      tid: tenantId,
      idtyp: "app",
      roles: [...settings.grantedRoles],
      iat: now,
      nbf: now,
      exp: now + 3600,
    }),
    "",
  ].join(".");
}
