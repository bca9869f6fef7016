/**
 * Shapes of everything the Graph emulator stores and reports. The stored shapes keep secrets in clear
 * (they are test fixtures); the HTTP handlers mask them the way Microsoft Graph does.
 */

/** Graph API version segment. */
export type GraphVersion = "v1.0" | "beta";

/** A user flow attribute (built-in or custom), as Graph returns it minus `@odata.type`. */
export interface StoredAttribute {
  id: string;
  displayName: string;
  description: string;
  userFlowAttributeType: "builtIn" | "custom" | "required";
  dataType: "string" | "boolean" | "int64";
}

/** One certificate uploaded to an API connector (only the public facts are kept). */
export interface StoredCertificate {
  /** SHA-1 of the DER certificate, upper-case hex. */
  thumbprint: string;
  /** Unix seconds. */
  notBefore: number;
  /** Unix seconds. */
  notAfter: number;
}

/** Connector authentication as stored, secrets included. */
export type StoredConnectorAuth =
  | { type: "basic"; username: string; password: string }
  | { type: "certificate"; certificates: StoredCertificate[] };

/** An API connector (`identityApiConnector`). */
export interface StoredConnector {
  id: string;
  displayName: string;
  targetUrl: string;
  auth: StoredConnectorAuth;
}

/** A tenant identity provider (built-in or social). */
export interface StoredIdentityProvider {
  id: string;
  kind: "builtIn" | "social";
  displayName: string;
  identityProviderType: string;
  clientId?: string;
  clientSecret?: string;
}

/** One `userAttributeValues` item of an assignment. */
export interface StoredAttributeValue {
  name: string;
  value: string;
  isDefault: boolean;
}

/** A user attribute assignment of a flow; its id is the attribute id. */
export interface StoredAssignment {
  id: string;
  displayName: string;
  isOptional: boolean;
  requiresVerification: boolean;
  userInputType: string;
  userAttributeValues: StoredAttributeValue[];
}

/** The two B2X connector steps. */
export type ConnectorStep = "postFederationSignup" | "postAttributeCollection";

/** A B2X user flow with its relationships inlined. */
export interface StoredFlow {
  id: string;
  userFlowType: "signUpOrSignIn";
  userFlowTypeVersion: number;
  /** Linked tenant identity provider ids (canonical casing). */
  identityProviderIds: string[];
  /** Assignments in page order (this array *is* getOrder). */
  assignments: StoredAssignment[];
  /** Connector id per step. */
  apiConnectorConfiguration: Partial<Record<ConnectorStep, string>>;
}

/** A beta `invokeUserFlowListener` under `/identity/events/onSignupStart`. */
export interface StoredListener {
  id: string;
  priority: number;
  includeApplications: string[];
  userFlowId: string;
}

/** An application's `api` (apiApplication): replaced whole by a PATCH that sends it (strict choice). */
export interface StoredApiApplication {
  acceptMappedClaims: boolean | null;
  requestedAccessTokenVersion: number | null;
  knownClientApplications: string[];
  oauth2PermissionScopes: unknown[];
  preAuthorizedApplications: unknown[];
}

/** One `requiredResourceAccess` entry of an application. */
export interface StoredRequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: "Role" | "Scope" }[];
}

/** A directory application (app registration). */
export interface StoredApplication {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string;
  identifierUris: string[];
  api: StoredApiApplication;
  requiredResourceAccess: StoredRequiredResourceAccess[];
  /** True when the calling identity created it (it is then an owner: `Application.ReadWrite.OwnedBy` covers it). */
  ownedByCaller: boolean;
}

/** An app role a service principal publishes (`appRole`). */
export interface StoredAppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
}

/** A service principal (enterprise application). */
export interface StoredServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  servicePrincipalType: "Application";
  appRoles: StoredAppRole[];
  /** Ids of the claims mapping policies assigned (`claimsMappingPolicies/$ref`). */
  claimsMappingPolicyIds: string[];
}

/** An app role assignment: `principalId` holds `appRoleId` of the resource service principal `resourceId`. */
export interface StoredAppRoleAssignment {
  id: string;
  principalId: string;
  principalDisplayName: string;
  principalType: "ServicePrincipal";
  resourceId: string;
  resourceDisplayName: string;
  appRoleId: string;
  createdDateTime: string;
}

/** A claims mapping policy (`/policies/claimsMappingPolicies`). */
export interface StoredClaimsMappingPolicy {
  id: string;
  displayName: string;
  definition: string[];
  isOrganizationDefault: boolean;
}

/** A v1.0 `authenticationEventListener` (`/identity/authenticationEventListeners`). */
export interface StoredEventListener {
  id: string;
  /** `@odata.type` without `#`, e.g. `microsoft.graph.onTokenIssuanceStartListener`. */
  type: string;
  priority: number;
  /** Client ids (`conditions.applications.includeApplications[].appId`). */
  includeApplications: string[];
  /** The custom authentication extension the handler calls. */
  customExtensionId: string;
  /** Set (read-only) when the listener belongs to an events flow. */
  authenticationEventsFlowId?: string;
}

/** One input of an events flow's attribute collection page (Graph's words). */
export interface StoredPageInput {
  attribute: string;
  label: string;
  inputType: string;
  defaultValue: string | null;
  hidden: boolean;
  editable: boolean;
  writeToDirectory: boolean;
  required: boolean;
  validationRegEx: string;
  options: { label: string; value: string }[];
}

/** An `externalUsersSelfServiceSignUpEventsFlow` with its relationships inlined. */
export interface StoredEventsFlow {
  id: string;
  displayName: string;
  description: string | null;
  priority: number;
  isSignUpAllowed: boolean;
  identityProviderIds: string[];
  /** Attribute ids in the flow (`onAttributeCollection.attributes`). */
  attributeIds: string[];
  /** The page inputs in page order. */
  inputs: StoredPageInput[];
  /** Client ids (appId) in `conditions.applications.includeApplications`. */
  includeApplications: string[];
  /** Custom extension id wired to the Start / Submit slot, or null. */
  onAttributeCollectionStart: string | null;
  onAttributeCollectionSubmit: string | null;
}

/** A `customAuthenticationExtension`; `odataType` tells the event. */
export interface StoredCustomExtension {
  id: string;
  odataType: string;
  displayName: string;
  description: string | null;
  targetUrl: string;
  resourceId: string;
  timeoutInMilliseconds: number | null;
  maximumRetries: number | null;
  claimsForTokenConfiguration: { claimIdInApiResponse: string }[];
}

/** A beta attribute-collection listener (`onAttributeCollectionStart/SubmitListener`). */
export interface StoredAttributeCollectionListener {
  id: string;
  odataType: string;
  priority: number;
  includeApplications: string[];
  customExtensionId: string;
}

/** A directory user: Graph properties as a flat JSON object, `id` always present. */
export type StoredUser = { id: string } & Record<string, unknown>;

/** The whole emulated tenant. `snapshot()` returns a deep copy of this. */
export interface EmulatorState {
  tenantId: string;
  authenticationFlowsPolicy: { selfServiceSignUp: { isEnabled: boolean } };
  userFlowAttributes: StoredAttribute[];
  apiConnectors: StoredConnector[];
  identityProviders: StoredIdentityProvider[];
  b2xUserFlows: StoredFlow[];
  onSignupStartListeners: StoredListener[];
  applications: StoredApplication[];
  servicePrincipals: StoredServicePrincipal[];
  appRoleAssignments: StoredAppRoleAssignment[];
  claimsMappingPolicies: StoredClaimsMappingPolicy[];
  authenticationEventListeners: StoredEventListener[];
  users: StoredUser[];
  /** External tenants: sign-up events flows, custom extensions, attribute-collection listeners. */
  authenticationEventsFlows: StoredEventsFlow[];
  customAuthenticationExtensions: StoredCustomExtension[];
  attributeCollectionListeners: StoredAttributeCollectionListener[];
  /**
   * Custom attribute ids whose directory extension property exists. Graph creates it lazily the first
   * time the attribute is used in a flow; it then outlives the assignment (but not the attribute).
   */
  extensionProperties: string[];
}

/** One served request, as recorded in the log. */
export interface RequestLogEntry {
  method: string;
  /** Path without the version prefix and without the query string, e.g. `/identity/b2xUserFlows`. */
  path: string;
  /** `null` when the path had no known version prefix. */
  version: GraphVersion | null;
  status: number;
  /** ISO-8601 time the request arrived. */
  at: string;
  /** POST/PATCH/PUT/DELETE. */
  write: boolean;
  requestId: string;
  /** True when the request reached a route handler (not stopped by auth, routing or an injected fault). */
  handled: boolean;
  /** The fault kind that shaped the response, if any. */
  fault?: FaultKind;
}

/** What an injected fault does. */
export type FaultKind =
  | "throttle"
  | "unavailable"
  | "gatewayTimeout"
  | "notFoundAfterCreate"
  | "alreadyExists"
  | "createThenFail"
  | "status";

/** A fault rule: the next `times` requests matching `method` and `path` are answered as `kind` says. */
export interface FaultRule {
  /** HTTP method, case-insensitive. @default - any method */
  method?: string;
  /** Regex source tested against the path without the version prefix, e.g. `^/identity/b2xUserFlows$`. */
  path: string;
  kind: FaultKind;
  /** @default 1 */
  times?: number;
  /** `throttle` only. @default - no `Retry-After` header */
  retryAfterSeconds?: number;
  /** `notFoundAfterCreate` only: how long the new object reads as 404. @default 2000 */
  durationMs?: number;
  /** `status` only (required there): the HTTP status to answer, 400–599, e.g. 405. */
  status?: number;
  /** `status` only: the Graph error code. @default - a typical code for the status, e.g. "BadRequest" */
  code?: string;
  /** `status` only: the error message, e.g. one that echoes part of the request as some services do. @default "Injected <status> fault." */
  message?: string;
}
