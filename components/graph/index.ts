/**
 * The Graph layer: one dynamic resource per Graph object kind, plus the connection type they share.
 * Providers and the client are internal; import from here.
 */
export type { GraphCloud, GraphConnection } from "./connection";
export { GraphRequestError } from "./errors";
export type { GraphResourceArgs } from "./resources/common";
export {
  SelfServiceSignUpPolicy,
  type SelfServiceSignUpPolicyArgs,
} from "./resources/self-service-sign-up-policy";
export {
  UserFlowAttribute,
  type UserFlowAttributeArgs,
  type UserFlowAttributeDataType,
} from "./resources/user-flow-attribute";
export { ApiConnector, type ApiConnectorArgs, type ApiConnectorCertificate } from "./resources/api-connector";
export {
  B2xUserFlow,
  type B2xUserFlowArgs,
  type UserAttributeValue,
  type UserFlowApiConnectorsArgs,
  type UserFlowAttributeAssignmentArgs,
  type UserInputType,
} from "./resources/b2x-user-flow";
export {
  UserFlowAppAssociation,
  type UserFlowAppAssociationArgs,
} from "./resources/user-flow-app-association";
export {
  SocialIdentityProvider,
  type SocialIdentityProviderArgs,
  type SocialIdentityProviderType,
} from "./resources/social-identity-provider";
export {
  AuthenticationEventsFlow,
  type AuthenticationEventsFlowArgs,
  type AuthenticationEventsFlowAttribute,
  type AuthenticationEventsFlowPageInput,
} from "./resources/authentication-events-flow";
export {
  CustomAuthenticationExtension,
  type CustomAuthenticationExtensionArgs,
  type CustomAuthenticationExtensionEventType,
} from "./resources/custom-authentication-extension";
export { ExtensionApiApplication, type ExtensionApiApplicationArgs } from "./resources/api-application";
export { TokenIssuanceStartListener, type TokenIssuanceStartListenerArgs } from "./resources/token-listener";
export {
  ClaimsMappingPolicy,
  type ClaimsMappingPolicyArgs,
  type MappedClaimArgs,
} from "./resources/claims-policy";
export {
  MappedClaimsAcceptance,
  type MappedClaimsAcceptanceArgs,
} from "./resources/claims-policy-acceptance";
