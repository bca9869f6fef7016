/**
 * The B2X user flow as one schema, in Microsoft Graph's own words: the identity providers, the attribute
 * collection page (an `identityUserFlowAttributeAssignment` per field, in page order) and the API connector
 * steps. The stack config, `SelfServiceSignUp`'s arguments, the `B2xUserFlow` Graph resource and the
 * connector policy checks all read these definitions; the types are inferred from the schema.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/b2xidentityuserflow,
 * https://learn.microsoft.com/graph/api/resources/identityuserflowattributeassignment,
 * https://learn.microsoft.com/graph/api/resources/userflowapiconnectorconfiguration
 */
import { z } from "zod";

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

const BUILT_IN_LOWER: ReadonlySet<string> = new Set(BUILT_IN_ATTRIBUTES.map((a) => a.toLowerCase()));
/** True for a built-in attribute id (Graph compares them case-insensitively). */
export const isBuiltInAttribute = (id: string): boolean => BUILT_IN_LOWER.has(id.toLowerCase());

/** One option of a radio/dropdown/checkbox field (`userAttributeValuesItem`). */
export const userAttributeValueSchema = z.strictObject({
  /** The label shown to the person signing up. */
  name: z.string().min(1),
  /** The value stored on the user. */
  value: z.string().min(1),
  /** Pre-selected. @default false */
  isDefault: z.boolean().default(false),
});

/** Keys of the earlier page-field dialect, with the Graph word that replaced each. */
const RENAMED_PAGE_KEYS: Readonly<Record<string, string>> = {
  label: "displayName",
  inputType: "userInputType",
  optional: "isOptional",
  options: "userAttributeValues",
};

const PAGE_FIELD_KEYS = [
  "attribute",
  "displayName",
  "userInputType",
  "isOptional",
  "requiresVerification",
  "userAttributeValues",
];

/** One field of the attribute collection page (an attribute assignment), in page order. */
export const pageFieldSchema = z
  .object({
    /**
     * A built-in attribute id (`email`, `displayName`, `city`, … see `BUILT_IN_ATTRIBUTES`) or the logical
     * name of a custom attribute declared in `attributes` (its Graph id `extension_<appId>_<Name>` is read
     * back from Graph, never derived).
     */
    attribute: z.string().min(1),
    /** Label on the sign-up page. @default - the attribute name in words (`postalCode` → "Postal code") */
    displayName: z.string().min(1).optional(),
    /** The input control. @default "textBox" */
    userInputType: z.enum(USER_INPUT_TYPES).default("textBox"),
    /** The person may leave it empty. @default false */
    isOptional: z.boolean().default(false),
    /** Verify the value (email only). @default false */
    requiresVerification: z.boolean().default(false),
    /** Choices for radio, dropdown and checkbox fields. @default [] */
    userAttributeValues: z.array(userAttributeValueSchema).default([]),
  })
  .catchall(z.unknown())
  .superRefine((field, ctx) => {
    for (const key of Object.keys(field)) {
      if (PAGE_FIELD_KEYS.includes(key)) continue;
      const renamed = RENAMED_PAGE_KEYS[key];
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: renamed
          ? `"${key}" is now "${renamed}" (Microsoft Graph's name for it) — rename the key`
          : `unknown key "${key}" — use ${PAGE_FIELD_KEYS.join(", ")}`,
      });
    }
  })
  .transform(
    ({ attribute, displayName, userInputType, isOptional, requiresVerification, userAttributeValues }) => ({
      attribute,
      displayName,
      userInputType,
      isOptional,
      requiresVerification,
      userAttributeValues,
    }),
  );

/** Which connector steps the flow calls its API connector at. */
export const connectorStepsSchema = z
  .strictObject({
    /** Call the connector after the identity provider (pre-fill, block). @default false */
    postFederationSignup: z.boolean().default(false),
    /** Call the connector after the attribute page (validate, overwrite, enrich, block). @default true */
    postAttributeCollection: z.boolean().default(true),
  })
  .default({ postFederationSignup: false, postAttributeCollection: true });

/** A flow name as Graph takes it; the service prefixes it with `B2X_1_`. */
export const FLOW_NAME = /^[A-Za-z0-9_-]{1,60}$/;
/** The flow id Graph gives a flow named `name`: known by construction, before the flow exists. */
export const flowIdOf = (name: string): string => `B2X_1_${name.replace(/^B2X_1_/i, "")}`;

/** The B2X self-service sign-up user flow. */
export const userFlowSchema = z.strictObject({
  /** Flow name without the `B2X_1_` prefix. Immutable: changing it replaces the flow. */
  name: z.string().regex(FLOW_NAME, "letters, digits, '_' or '-' (max 60), without the B2X_1_ prefix"),
  /** Identity providers offered on sign-up. @default ["EmailOtpSignup-OAUTH"] */
  identityProviders: z.array(z.enum(IDENTITY_PROVIDER_IDS)).min(1).default(["EmailOtpSignup-OAUTH"]),
  /** The attribute collection page, top to bottom. */
  page: z.array(pageFieldSchema).min(1),
  /** Which connector steps are wired to the flow. @default { postAttributeCollection: true } */
  connectorSteps: connectorStepsSchema,
});

export type UserAttributeValue = z.infer<typeof userAttributeValueSchema>;
/** A page field with defaults applied. */
export type PageField = z.infer<typeof pageFieldSchema>;
/** A page field as written (defaults optional). */
export type PageFieldInput = z.input<typeof pageFieldSchema>;
export type UserFlow = z.infer<typeof userFlowSchema>;
export type UserFlowInput = z.input<typeof userFlowSchema>;

/** Data types of a custom attribute (`identityUserFlowAttribute.dataType`). */
export const ATTRIBUTE_DATA_TYPES = ["string", "boolean", "int64"] as const;
export type AttributeDataType = (typeof ATTRIBUTE_DATA_TYPES)[number];

/**
 * A custom user attribute (`identityCustomUserFlowAttribute`). Graph derives its id
 * (`extension_<extensionsAppId>_<name>`) from the name. Both fields are immutable in Graph: changing one
 * replaces the attribute, and values stored on existing users under the old id are no longer read.
 * Learn: https://learn.microsoft.com/graph/api/resources/identityuserflowattribute
 */
export const customAttributeSchema = z.strictObject({
  /** Logical name, used by the page and the connector policy; letters and digits, starting with a letter. */
  name: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9]{0,63}$/,
      "must start with a letter and contain only letters and digits (max 64)",
    ),
  /** @default "string" */
  dataType: z.enum(ATTRIBUTE_DATA_TYPES).default("string"),
  /** Shown to administrators in the portal. @default "" */
  description: z.string().max(256).default(""),
});
export type CustomAttribute = z.infer<typeof customAttributeSchema>;
export type CustomAttributeInput = z.input<typeof customAttributeSchema>;

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
