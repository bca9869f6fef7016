/**
 * The freshly seeded tenant: what a workforce tenant looks like before this project touches it (the
 * aad-extensions-app already exists so attribute ids are predictable in tests).
 */
import { seededApplication, seedServicePrincipals } from "./directorySeed";
import type { EmulatorState, StoredAttribute, StoredIdentityProvider } from "./types";

/** What the seed can be tuned with. Defaults are fixed GUIDs so runs are reproducible. */
export interface SeedOptions {
  /** @default "00000000-0000-4000-8000-00000000e1d0" */
  tenantId: string;
  /** appId of `aad-extensions-app. Do not modify. Used by AAD for storing user data.` */
  extensionsAppId: string;
  /** Object id of the extensions app. */
  extensionsAppObjectId: string;
  /** appId of the sample application "Partner Portal". */
  sampleAppId: string;
  /** Object id of the sample application. */
  sampleAppObjectId: string;
  /** appId of `b2c-extensions-app`, which owns custom attributes in an external (CIAM) tenant. */
  b2cExtensionsAppId: string;
  /** Object id of the b2c-extensions-app. */
  b2cExtensionsAppObjectId: string;
  /** Tenant toggle "Enable guest self-service sign up via user flows". @default false */
  selfServiceSignUpEnabled: boolean;
}

/** Display name Entra gives the app that owns custom attributes in a workforce tenant. */
export const EXTENSIONS_APP_DISPLAY_NAME =
  "aad-extensions-app. Do not modify. Used by AAD for storing user data.";

/** The seed defaults. */
export const DEFAULT_SEED: SeedOptions = {
  tenantId: "00000000-0000-4000-8000-00000000e1d0",
  extensionsAppId: "d09380e2-b4c6-42b9-a203-fb816a04a7ad",
  extensionsAppObjectId: "6a1f3a5e-1c2b-4d3e-9f40-5a6b7c8d9e01",
  sampleAppId: "1fc41a76-3050-4529-8095-9af8897cf63d",
  sampleAppObjectId: "2b7c9d10-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
  selfServiceSignUpEnabled: false,
  b2cExtensionsAppId: "7b1c4f2e-93a0-4d5e-8f61-2a3b4c5d6e7f",
  b2cExtensionsAppObjectId: "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
};

/** Display name Entra gives the app that owns custom attributes in an external (CIAM) tenant. */
export const B2C_EXTENSIONS_APP_DISPLAY_NAME =
  "b2c-extensions-app. Do not modify. Used by AADB2C for storing user data.";

const builtIn = (id: string, displayName: string, description: string): StoredAttribute => ({
  id,
  displayName,
  description,
  userFlowAttributeType: "builtIn",
  dataType: "string",
});

/** Built-in attributes of a workforce tenant's B2X flows. */
export const BUILT_IN_ATTRIBUTES: readonly StoredAttribute[] = [
  builtIn("city", "City", "The city in which the user is located."),
  builtIn("country", "Country/Region", "The country/region in which the user is located."),
  builtIn("displayName", "Display Name", "Display Name of the User."),
  builtIn("email", "Email Address", "Email address of the user."),
  builtIn("givenName", "Given Name", "The user's given name (also known as first name)."),
  builtIn("jobTitle", "Job Title", "The user's job title."),
  builtIn("postalCode", "Postal Code", "The postal code of the user's address."),
  builtIn("state", "State/Province", "The state or province in user's address."),
  builtIn("streetAddress", "Street Address", "The street address where the user is located."),
  builtIn("surname", "Surname", "The user's surname (also known as family name or last name)."),
];

const BUILT_IN_PROVIDERS: readonly StoredIdentityProvider[] = [
  {
    id: "AADSignup-OAUTH",
    kind: "builtIn",
    displayName: "Azure Active Directory Sign up",
    identityProviderType: "AADSignup",
  },
  {
    id: "MSASignup-OAUTH",
    kind: "builtIn",
    displayName: "Microsoft Account",
    identityProviderType: "MicrosoftAccount",
  },
  {
    id: "EmailOtpSignup-OAUTH",
    kind: "builtIn",
    displayName: "Email One Time Passcode",
    identityProviderType: "EmailOTP",
  },
];

/** Builds the seeded state from options (pure, deterministic). */
export function buildSeed(options: SeedOptions): EmulatorState {
  const applications = [
    seededApplication(options.extensionsAppObjectId, options.extensionsAppId, EXTENSIONS_APP_DISPLAY_NAME),
    seededApplication(options.sampleAppObjectId, options.sampleAppId, "Partner Portal"),
    seededApplication(
      options.b2cExtensionsAppObjectId,
      options.b2cExtensionsAppId,
      B2C_EXTENSIONS_APP_DISPLAY_NAME,
    ),
  ];
  return {
    tenantId: options.tenantId,
    authenticationFlowsPolicy: { selfServiceSignUp: { isEnabled: options.selfServiceSignUpEnabled } },
    userFlowAttributes: BUILT_IN_ATTRIBUTES.map((a) => ({ ...a })),
    apiConnectors: [],
    identityProviders: BUILT_IN_PROVIDERS.map((p) => ({ ...p })),
    b2xUserFlows: [],
    onSignupStartListeners: [],
    applications,
    servicePrincipals: seedServicePrincipals(applications),
    appRoleAssignments: [],
    claimsMappingPolicies: [],
    authenticationEventListeners: [],
    users: [],
    authenticationEventsFlows: [],
    customAuthenticationExtensions: [],
    attributeCollectionListeners: [],
    extensionProperties: [],
  };
}
