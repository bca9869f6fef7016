/**
 * Which Microsoft Graph application permissions a stack's config needs, and which of them the token
 * lacks. The table is docs/permissions.md docs/graph-contract.md §1 (write column for `up`, read-only column for `preview`);
 * per-API permissions: https://learn.microsoft.com/graph/permissions-reference
 */
import type { Settings } from "../settings";
import { NAMESPACE } from "../settings";
import { fail, note, type Finding } from "./finding";
import type { TokenClaims } from "./token";

/** `up` writes; `preview` only reads (the pull-request identity holds read permissions only). */
export type Operation = "preview" | "up";

/** One permission need: any of `anyOf` suffices (least privileged first); `usedBy` names the config keys. */
export interface PermissionNeed {
  readonly anyOf: readonly string[];
  readonly usedBy: readonly string[];
}

const rw = (op: Operation, read: readonly string[], write: readonly string[]) =>
  op === "up" ? write : [...read, ...write.filter((w) => !read.includes(w))];

/** The permissions the config's features need, grouped by permission. */
export function requiredPermissions(settings: Settings, op: Operation): PermissionNeed[] {
  const needs = new Map<string, { anyOf: readonly string[]; usedBy: string[] }>();
  const need = (anyOf: readonly string[], usedBy: string) => {
    const key = anyOf.join("|");
    const entry = needs.get(key) ?? { anyOf, usedBy: [] };
    if (!entry.usedBy.includes(usedBy)) entry.usedBy.push(usedBy);
    needs.set(key, entry);
  };
  if (settings.tenant.kind === "external") externalNeeds(settings, op, need);
  else workforceNeeds(settings, op, need);
  if (settings.tokenClaims) {
    // OnTokenIssuanceStart: the extension and its API identity, the listener, the claims mapping policy
    // assigned to each app's service principal, and acceptMappedClaims on the apps.
    extensionNeeds(op, need, k("tokenClaims"));
    need(rw(op, ["Policy.Read.All"], ["Policy.ReadWrite.ApplicationConfiguration"]), k("tokenClaims"));
    need(
      op === "up" ? ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"] : ["Application.Read.All"],
      k("tokenClaims.appIds"),
    );
  }
  // Preflight itself reads the tenant kind (GET /organization).
  need(["Organization.Read.All"], "preflight (tenant kind)");
  return [...needs.values()];
}

type Need = (anyOf: readonly string[], usedBy: string) => void;
const k = (key: string) => `${NAMESPACE}:${key}`;

/**
 * A custom authentication extension with its API identity: the extension, its event listener or flow
 * handler, the app registration + service principal, and the admin-consented Receive.Payload app role.
 * https://learn.microsoft.com/graph/api/resources/customauthenticationextension
 */
function extensionNeeds(op: Operation, need: Need, usedBy: string): void {
  need(
    rw(op, ["CustomAuthenticationExtension.Read.All"], ["CustomAuthenticationExtension.ReadWrite.All"]),
    usedBy,
  );
  need(rw(op, ["EventListener.Read.All"], ["EventListener.ReadWrite.All"]), usedBy);
  if (op === "up") {
    need(["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"], usedBy);
    need(["AppRoleAssignment.ReadWrite.All"], usedBy);
  }
  need(["Application.Read.All"], usedBy);
}

/** External tenant: events flow (with its apps), custom attributes, Start/Submit extensions, social providers. */
function externalNeeds(settings: Settings, op: Operation, need: Need): void {
  need(rw(op, ["EventListener.Read.All"], ["EventListener.ReadWrite.All"]), k("userFlow"));
  if (settings.attributes.length > 0) {
    need(rw(op, ["IdentityUserFlow.Read.All"], ["IdentityUserFlow.ReadWrite.All"]), k("attributes"));
    // The attribute ids are read back from the b2c-extensions-app (GET /applications).
    need(["Application.Read.All"], k("attributes"));
  }
  const steps = settings.userFlow.connectorSteps;
  if (steps.postFederationSignup || steps.postAttributeCollection) extensionNeeds(op, need, k("extension"));
  if (settings.socialProviders.google || settings.socialProviders.facebook) {
    need(rw(op, ["IdentityProvider.Read.All"], ["IdentityProvider.ReadWrite.All"]), k("socialProviders"));
  }
  if (settings.apps.appIds.length > 0) need(["Application.Read.All"], k("apps.appIds"));
  if (settings.apps.createApp && op === "up") {
    need(["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"], k("apps.createApp"));
  }
}

/** Workforce tenant: the B2X toggle, user flow, attributes, API connectors, social providers, app listener. */
function workforceNeeds(settings: Settings, op: Operation, need: Need): void {
  need(rw(op, ["Policy.Read.All"], ["Policy.ReadWrite.AuthenticationFlows"]), k("selfServiceSignUp"));
  const userFlow = rw(op, ["IdentityUserFlow.Read.All"], ["IdentityUserFlow.ReadWrite.All"]);
  need(userFlow, k("userFlow"));
  if (settings.attributes.length > 0) {
    need(userFlow, k("attributes"));
    // The attribute ids are read back from the aad-extensions-app (GET /applications).
    need(["Application.Read.All"], k("attributes"));
  }
  const steps = settings.userFlow.connectorSteps;
  if (steps.postFederationSignup || steps.postAttributeCollection) {
    // Graph documents only the ReadWrite permission for API connectors, reads included.
    need(["APIConnectors.ReadWrite.All"], k("connector"));
  }
  if (settings.socialProviders.google || settings.socialProviders.facebook) {
    need(rw(op, ["IdentityProvider.Read.All"], ["IdentityProvider.ReadWrite.All"]), k("socialProviders"));
  }
  if (settings.apps.appIds.length > 0 || settings.apps.createApp) {
    need(rw(op, ["Policy.Read.All"], ["Policy.ReadWrite.ApplicationConfiguration"]), k("apps"));
  }
  if (settings.apps.appIds.length > 0) need(["Application.Read.All"], k("apps.appIds"));
  if (settings.apps.createApp && op === "up") {
    need(["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"], k("apps.createApp"));
  }
}

/** Roles that cover everything in this project's table when held as delegated scopes by an admin user. */
const ALL_USER_ACCESS = "Directory.AccessAsUser.All";

/** One failure per missing permission, naming it and what needs it. */
export function checkPermissions(claims: TokenClaims, needs: readonly PermissionNeed[]): Finding[] {
  const roles = claims.roles ?? [];
  const scopes = (claims.scp ?? "").split(" ").filter(Boolean);
  const delegated = roles.length === 0 && scopes.length > 0;
  if (delegated && scopes.includes(ALL_USER_ACCESS)) {
    return [
      note(
        "permissions",
        `the credential is a signed-in user (delegated token with ${ALL_USER_ACCESS}): the user's directory roles decide what Graph allows`,
        "the user needs External ID User Flow Administrator and External ID User Flow Attribute Administrator (docs/permissions.md, directory roles)",
      ),
    ];
  }
  const granted = new Set(delegated ? scopes : roles);
  const kind = delegated ? "delegated permission (scope)" : "application permission";
  return needs
    .filter((n) => !n.anyOf.some((p) => granted.has(p)))
    .map((n) =>
      fail(
        "permissions",
        `the token lacks the Microsoft Graph ${kind} ${n.anyOf[0]}` +
          (n.anyOf.length > 1 ? ` (or ${n.anyOf.slice(1).join(", ")})` : "") +
          `, needed by ${n.usedBy.join(", ")}`,
        delegated
          ? "sign in with an identity that has it, or deploy as the app registration (docs/permissions.md)"
          : `grant ${n.anyOf[0]} to the deploying app registration and admin-consent it (docs/permissions.md docs/graph-contract.md §1); tokens issued before the grant keep the old roles for up to an hour`,
        n.usedBy[0]?.startsWith(NAMESPACE) ? n.usedBy[0] : undefined,
      ),
    );
}
