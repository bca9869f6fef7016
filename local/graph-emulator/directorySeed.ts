/**
 * Directory objects every tenant has before this project touches it: Microsoft Graph's service principal
 * with the app roles (application permissions) it publishes, including
 * `CustomAuthenticationExtension.Receive.Payload`, and a service principal for each seeded application.
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration
 */
import type { StoredApiApplication, StoredAppRole, StoredApplication, StoredServicePrincipal } from "./types";

/** Microsoft Graph's appId: the same in every tenant and cloud. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** The app role an extension's API must hold so Entra can call it with a token. */
export const RECEIVE_PAYLOAD_ROLE_VALUE = "CustomAuthenticationExtension.Receive.Payload";

/**
 * The role's id in the emulated tenant. Deliberately neither the documentation placeholder
 * (`00aa00aa-…`) nor the id older docs showed: code must resolve it from `appRoles`, never hard-code it.
 */
export const EMULATED_RECEIVE_PAYLOAD_ROLE_ID = "e7a1c0de-5eed-4c1a-9b2d-6f0a11ce0b5e";

/** An empty `api` of a new application, as Graph returns it. */
export function defaultApi(): StoredApiApplication {
  return {
    acceptMappedClaims: null,
    requestedAccessTokenVersion: null,
    knownClientApplications: [],
    oauth2PermissionScopes: [],
    preAuthorizedApplications: [],
  };
}

/** A seeded application (not owned by the caller). */
export function seededApplication(
  id: string,
  appId: string,
  displayName: string,
  signInAudience = "AzureADMyOrg",
): StoredApplication {
  return {
    id,
    appId,
    displayName,
    signInAudience,
    identifierUris: [],
    api: defaultApi(),
    requiredResourceAccess: [],
    ownedByCaller: false,
  };
}

const role = (id: string, value: string, displayName: string): StoredAppRole => ({
  id,
  value,
  displayName,
  description: displayName,
  allowedMemberTypes: ["Application"],
  isEnabled: true,
});

/** A sample of Microsoft Graph's app roles; enough that a look-up must pick by `value`. */
export const GRAPH_APP_ROLES: readonly StoredAppRole[] = [
  role("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All", "Read all applications"),
  role("246dd0d5-5bd0-4def-940b-0421030a5b68", "Policy.Read.All", "Read your organization's policies"),
  role(
    EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
    RECEIVE_PAYLOAD_ROLE_VALUE,
    "Receive custom authentication extension HTTP requests",
  ),
  role("498476ce-e0fe-48b0-b801-37ba7e2685c6", "Organization.Read.All", "Read organization information"),
];

/** Object id of Microsoft Graph's service principal in the emulated tenant. */
export const GRAPH_SP_OBJECT_ID = "0d7c0a2f-3b1e-4e8a-9c55-7f1b2e3d4a01";

/** Service principals of the seed: Microsoft Graph's, and one per seeded application (object id derived). */
export function seedServicePrincipals(apps: readonly StoredApplication[]): StoredServicePrincipal[] {
  const graph: StoredServicePrincipal = {
    id: GRAPH_SP_OBJECT_ID,
    appId: MICROSOFT_GRAPH_APP_ID,
    displayName: "Microsoft Graph",
    accountEnabled: true,
    servicePrincipalType: "Application",
    appRoles: GRAPH_APP_ROLES.map((r) => ({ ...r, allowedMemberTypes: [...r.allowedMemberTypes] })),
    claimsMappingPolicyIds: [],
  };
  return [
    graph,
    ...apps.map((a) => ({
      // Deterministic: the app's object id with its last block replaced.
      id: `${a.id.slice(0, 24)}5e1f00000001`.slice(0, 36),
      appId: a.appId,
      displayName: a.displayName,
      accountEnabled: true,
      servicePrincipalType: "Application" as const,
      appRoles: [],
      claimsMappingPolicyIds: [],
    })),
  ];
}
