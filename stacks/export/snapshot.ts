/**
 * What `npm run export` reads from a tenant: the Graph JSON of every object the stack config can describe,
 * as plain data. The mapping (./mapping.ts) works on this shape only, so it is tested without a tenant.
 * Learn: https://learn.microsoft.com/graph/api/resources/b2xidentityuserflow
 */

/** `identityUserFlowAttribute` (built-in or custom). */
export interface GraphUserFlowAttribute {
  id: string;
  displayName: string;
  description?: string | null;
  userFlowAttributeType?: string;
  dataType?: string;
}

/** `identityUserFlowAttributeAssignment`, in page order (as `getOrder` lists them). */
export interface GraphAssignment {
  id: string;
  displayName?: string | null;
  isOptional?: boolean;
  requiresVerification?: boolean;
  userInputType?: string;
  userAttributeValues?: { name: string; value: string; isDefault?: boolean }[] | null;
  userAttribute?: { id: string } | null;
}

/** `apiConnector` (secrets are never returned by Graph). */
export interface GraphApiConnector {
  id: string;
  displayName: string;
  targetUrl: string;
  authenticationConfiguration?: {
    "@odata.type"?: string;
    username?: string;
    certificateList?: { thumbprint?: string; isActive?: boolean }[];
  } | null;
}

/** One B2X flow with its identity providers, ordered page and connector slots. */
export interface GraphFlowSnapshot {
  id: string;
  identityProviders: string[];
  assignments: GraphAssignment[];
  /** Step → connector id (absent when the step has none). */
  connectorSteps: { postFederationSignup?: string; postAttributeCollection?: string };
}

/** `invokeUserFlowListener` (beta onSignupStart). */
export interface GraphListener {
  id: string;
  priority: number;
  includeApplications: string[];
  userFlowId?: string;
}

/** `socialIdentityProvider`. */
export interface GraphSocialProvider {
  id: string;
  identityProviderType: string;
  clientId: string;
}

export interface TenantSnapshot {
  selfServiceSignUpEnabled: boolean;
  attributes: GraphUserFlowAttribute[];
  flows: GraphFlowSnapshot[];
  connectors: GraphApiConnector[];
  listeners: GraphListener[];
  socialProviders: GraphSocialProvider[];
}
