/**
 * entra-signup as a library: the public components and their argument types. Import this from your own
 * Pulumi program (`import { SelfServiceSignUp } from "entra-signup"`); nothing here runs on import.
 * The repository's own program (`index.ts`) is this entry's first user.
 */
export {
  SelfServiceSignUp,
  type ConnectorHosting,
  type SelfServiceSignUpAppsArgs,
  type SelfServiceSignUpArgs,
  type SelfServiceSignUpConnectorArgs,
  type SelfServiceSignUpToggleArgs,
  type SocialProviderArgs,
} from "../components/selfServiceSignUp";
export { ConnectorFunctionApp, type ConnectorUrls } from "../components/connectorFunctionApp";
export type { ConnectorFunctionAppArgs } from "../components/hosting/args";
export { GeneratedPassword, type GeneratedPasswordArgs } from "../components/generatedPassword";
export {
  ApiConnector,
  AuthenticationEventsFlow,
  B2xUserFlow,
  CustomAuthenticationExtension,
  SelfServiceSignUpPolicy,
  SocialIdentityProvider,
  UserFlowAppAssociation,
  UserFlowAttribute,
  ExtensionApiApplication,
  TokenIssuanceStartListener,
  ClaimsMappingPolicy,
  MappedClaimsAcceptance,
  type GraphCloud,
  type GraphConnection,
} from "../components/graph";
export { validateSignUpArgs, type ArgProblem } from "../components/signup/validate";
export {
  BUILT_IN_ATTRIBUTES,
  CONNECTOR_STEPS,
  IDENTITY_PROVIDER_IDS,
  USER_INPUT_TYPES,
  flowIdOf,
  type ConnectorStep,
} from "../contract/userFlow";
export type { CustomAttributeInput, PageFieldInput, UserFlowInput } from "../contract/userFlowSchema";
export { parsePolicy, PolicyError, type Policy, type PolicyInput } from "../contract/policy/load";
