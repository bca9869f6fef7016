/**
 * The B2X user flow as one zod schema, in Microsoft Graph's own words, over the vocabulary in
 * `./userFlow.ts`: the stack config, `SelfServiceSignUp`'s arguments and their validation read it, and
 * the types are inferred from it. Learn: https://learn.microsoft.com/graph/api/resources/b2xidentityuserflow
 */
import { z } from "zod";
import { closestName } from "./didYouMean";
import { ATTRIBUTE_DATA_TYPES, FLOW_NAME, SIGN_UP_IDENTITY_PROVIDER_IDS, USER_INPUT_TYPES } from "./userFlow";

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
      // A near miss of an earlier key name suggests the Graph word that replaced it.
      const near = closestName(key, [...PAGE_FIELD_KEYS, ...Object.keys(RENAMED_PAGE_KEYS)]);
      const suggestion = near === undefined ? undefined : (RENAMED_PAGE_KEYS[near] ?? near);
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: renamed
          ? `"${key}" is now "${renamed}" (Microsoft Graph's name for it) — rename the key`
          : `unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}: rename or remove it; ` +
            `the keys here are ${PAGE_FIELD_KEYS.join(", ")}`,
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

/** The B2X self-service sign-up user flow. */
export const userFlowSchema = z.strictObject({
  /** Flow name without the `B2X_1_` prefix. Immutable: changing it replaces the flow. */
  name: z.string().regex(FLOW_NAME, "letters, digits, '_' or '-' (max 60), without the B2X_1_ prefix"),
  /**
   * Identity providers offered on sign-up. A workforce tenant takes `IDENTITY_PROVIDER_IDS`, an external
   * tenant `EXTERNAL_IDENTITY_PROVIDER_IDS` (both in ./userFlow.ts; the kind check names the other list).
   * @default ["EmailOtpSignup-OAUTH"]
   */
  identityProviders: z.array(z.enum(SIGN_UP_IDENTITY_PROVIDER_IDS)).min(1).default(["EmailOtpSignup-OAUTH"]),
  /** The attribute collection page, top to bottom. */
  page: z.array(pageFieldSchema).min(1),
  /** Which connector steps are wired to the flow. @default { postAttributeCollection: true } */
  connectorSteps: connectorStepsSchema,
});

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

export type UserAttributeValue = z.infer<typeof userAttributeValueSchema>;
/** A page field with defaults applied. */
export type PageField = z.infer<typeof pageFieldSchema>;
/** A page field as written (defaults optional). */
export type PageFieldInput = z.input<typeof pageFieldSchema>;
export type UserFlow = z.infer<typeof userFlowSchema>;
export type UserFlowInput = z.input<typeof userFlowSchema>;
