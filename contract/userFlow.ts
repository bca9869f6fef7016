/**
 * The B2X user flow's vocabulary, in Microsoft Graph's own words: the identity providers, the attribute
 * collection page (an `identityUserFlowAttributeAssignment` per field, in page order) and the API connector
 * steps. The stack config, `SelfServiceSignUp`'s arguments, the `B2xUserFlow` Graph resource and the
 * connector policy checks all read these definitions; the types are inferred from the schema.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/b2xidentityuserflow,
 * https://learn.microsoft.com/graph/api/resources/identityuserflowattributeassignment,
 * https://learn.microsoft.com/graph/api/resources/userflowapiconnectorconfiguration
 */
// Plain constants only (no imports): Graph providers capture these when their code is serialized;
// the zod schema over them is in ./userFlowSchema.ts.

/**
 * The two points of a B2X flow where an API connector can run: after the identity provider
 * (`postFederationSignup`, before the attribute page) and after the attribute page
 * (`postAttributeCollection`, before the user is created).
 */
export const CONNECTOR_STEPS = ["postFederationSignup", "postAttributeCollection"] as const;
export type ConnectorStep = (typeof CONNECTOR_STEPS)[number];

/** `userInputType` values Graph accepts for an attribute assignment. */
export const USER_INPUT_TYPES = [
  "textBox",
  "dateTimeDropdown",
  "radioSingleSelect",
  "dropdownSingleSelect",
  "emailBox",
  "checkboxMultiSelect",
] as const;
export type UserInputType = (typeof USER_INPUT_TYPES)[number];

/** Input types whose choices come from `userAttributeValues`. */
export const CHOICE_INPUT_TYPES: ReadonlySet<UserInputType> = new Set([
  "radioSingleSelect",
  "dropdownSingleSelect",
  "checkboxMultiSelect",
]);

/**
 * Identity providers a B2X flow offers on sign-up (Learn: "Add identity providers to a self-service
 * sign-up user flow"). Google and Facebook also need a `SocialIdentityProvider` in the tenant.
 */
export const IDENTITY_PROVIDER_IDS = [
  "AADSignup-OAUTH",
  "MSASignup-OAUTH",
  "EmailOtpSignup-OAUTH",
  "Google-OAUTH",
  "Facebook-OAUTH",
] as const;
export type IdentityProviderId = (typeof IDENTITY_PROVIDER_IDS)[number];

/**
 * Identity providers an external tenant's events flow offers (`onAuthenticationMethodLoadStart`): local
 * accounts with a password or an email one-time passcode, and the social providers. `AADSignup-OAUTH` and
 * `MSASignup-OAUTH` do not exist there; `EmailPassword-OAUTH` exists only there.
 * Learn: https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow
 */
export const EXTERNAL_IDENTITY_PROVIDER_IDS = [
  "EmailPassword-OAUTH",
  "EmailOtpSignup-OAUTH",
  "Google-OAUTH",
  "Facebook-OAUTH",
] as const;
export type ExternalIdentityProviderId = (typeof EXTERNAL_IDENTITY_PROVIDER_IDS)[number];

/** Every identity provider id `userFlow.identityProviders` accepts; which kind takes which is checked apart. */
export const SIGN_UP_IDENTITY_PROVIDER_IDS = [
  ...IDENTITY_PROVIDER_IDS,
  ...EXTERNAL_IDENTITY_PROVIDER_IDS.filter(
    (id): id is Exclude<ExternalIdentityProviderId, IdentityProviderId> =>
      !(IDENTITY_PROVIDER_IDS as readonly string[]).includes(id),
  ),
] as const;

/**
 * Built-in user flow attributes (`identityBuiltInUserFlowAttribute` ids) that a page may collect without
 * declaring them: the Graph `user` properties Entra offers on the attribute page.
 * Learn: https://learn.microsoft.com/entra/external-id/user-flow-add-custom-attributes
 */
export const BUILT_IN_ATTRIBUTES = [
  "email",
  "displayName",
  "givenName",
  "surname",
  "jobTitle",
  "streetAddress",
  "city",
  "state",
  "postalCode",
  "country",
] as const;
export type BuiltInAttribute = (typeof BUILT_IN_ATTRIBUTES)[number];

/**
 * Built-in claims a connector may return (pre-fill at `postFederationSignup`, overwrite at
 * `postAttributeCollection`): every built-in attribute except `email`, which identifies the user and is
 * never overwritten. Learn: https://learn.microsoft.com/entra/external-id/api-connectors-overview
 */
export const WRITABLE_BUILT_IN_CLAIMS = BUILT_IN_ATTRIBUTES.filter(
  (a): a is Exclude<BuiltInAttribute, "email"> => a !== "email",
);

/** Human label for an attribute when the config gives none: `postalCode` → `Postal code`. */
export function defaultLabel(attribute: string): string {
  const words = attribute.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const BUILT_IN_LOWER: ReadonlySet<string> = new Set(BUILT_IN_ATTRIBUTES.map((a) => a.toLowerCase()));
/** True for a built-in attribute id (Graph compares them case-insensitively). */
export const isBuiltInAttribute = (id: string): boolean => BUILT_IN_LOWER.has(id.toLowerCase());

/** A flow name as Graph takes it; the service prefixes it with `B2X_1_`. */
export const FLOW_NAME = /^[A-Za-z0-9_-]{1,60}$/;
/** The flow id Graph gives a flow named `name`: known by construction, before the flow exists. */
export const flowIdOf = (name: string): string => `B2X_1_${name.replace(/^B2X_1_/i, "")}`;

/** Data types of a custom attribute (`identityUserFlowAttribute.dataType`). */
export const ATTRIBUTE_DATA_TYPES = ["string", "boolean", "int64"] as const;
export type AttributeDataType = (typeof ATTRIBUTE_DATA_TYPES)[number];

/** Input types whose value Graph can store in each custom attribute data type. */
export const INPUT_TYPES_FOR: Readonly<Record<AttributeDataType, readonly UserInputType[]>> = {
  string: USER_INPUT_TYPES,
  boolean: ["radioSingleSelect", "dropdownSingleSelect", "checkboxMultiSelect"],
  int64: ["textBox", "radioSingleSelect", "dropdownSingleSelect"],
};

/** Whether an option value can be stored in an attribute of the data type. */
export const VALUE_FITS: Readonly<Record<AttributeDataType, (value: string) => boolean>> = {
  string: () => true,
  boolean: (v) => v === "true" || v === "false",
  int64: (v) => /^-?\d{1,19}$/.test(v),
};
