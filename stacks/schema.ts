/**
 * The stack configuration schema: one typed object per config key under the `entra-signup:` namespace.
 * Every field is documented here; README's configuration reference is written from this file.
 */
import { z } from "zod";
import { NAME_PREFIX_MAX_LENGTH, NAME_PREFIX_PATTERN } from "../components/hosting/names";
import { extensionSettingsSchema } from "../contract/extensionSettings";
import { TENANT_KINDS } from "../contract/tenantKind";
import { tokenClaimsSchema } from "../contract/tokenClaims";
import { customAttributeSchema, userFlowSchema } from "../contract/userFlowSchema";

const guid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    "must be a GUID like 00000000-0000-0000-0000-000000000000",
  );

/** `entra-signup:tenant` — which tenant and Graph endpoint the stack talks to. */
export const tenantSchema = z.strictObject({
  /** Directory (tenant) id. */
  tenantId: guid,
  /**
   * `workforce` (tenantType AAD: B2X user flow + API connectors) or `external` (tenantType CIAM,
   * Microsoft Entra External ID: events flow + custom authentication extensions; global cloud only).
   * Preflight compares it with the tenant's tenantType before any write. @default "workforce"
   */
  kind: z.enum(TENANT_KINDS).default("workforce"),
  /** National cloud: picks the Graph root, token authority and whether v1.0 or beta is used. */
  cloud: z.enum(["global", "usgov", "usgovdod", "china"]).default("global"),
  /** Override of the Graph root, e.g. the local emulator `http://127.0.0.1:4100`. */
  graphBaseUrl: z.url().optional(),
  /** `emulator` (a fixed fake token) is only accepted together with a loopback `graphBaseUrl`. */
  graphCredential: z.enum(["default", "emulator"]).default("default"),
});

/** `entra-signup:selfServiceSignUp` — the tenant toggle (authenticationFlowsPolicy). */
export const toggleSchema = z
  .strictObject({
    /** "Enable guest self-service sign up via user flows". Must be true for flows to be usable. */
    enabled: z.boolean().default(true),
    /** Keep the toggle as set when the stack is destroyed, instead of restoring the value found. */
    keepOnDestroy: z.boolean().default(false),
  })
  .default({ enabled: true, keepOnDestroy: false });

/**
 * `entra-signup:extension` — external tenants only: how Entra calls the Start/Submit custom
 * authentication extensions (timeout 200–2000 ms, 0 or 1 retry) and how they are attached to the flow.
 * @default - { timeoutInMilliseconds: 1000, maximumRetries: 1, attachVariant: "betaRef" }
 */
export const extensionSchema = extensionSettingsSchema;

/**
 * `entra-signup:tokenClaims` — claims added to the listed apps' tokens at OnTokenIssuanceStart (both
 * kinds; not in China), each from a custom attribute the connector policy's enrichment writes or from a
 * value table keyed by email domain; refused when the worst case could exceed Entra's 3 KB.
 */
export { tokenClaimsSchema };

/** `entra-signup:attributes` — custom user attributes (userFlowAttributes); see contract/userFlow.ts. */
export const attributeSchema = customAttributeSchema;

/**
 * `entra-signup:userFlow` — the B2X user flow, in Microsoft Graph's words (contract/userFlow.ts is the one
 * schema; the component, the Graph resource and this config all read it).
 */
export { userFlowSchema };

/** Where the connector code runs. */
export const hostingSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    /** The bundled Azure Function App (Flex Consumption) created by this stack. */
    kind: z.literal("functionApp"),
    location: z.string().min(1),
    /** An existing resource group. @default a new one named after the stack */
    resourceGroupName: z.string().min(1).optional(),
    /**
     * Readable part of every Azure name (`func-<namePrefix>-<hash>`, `kv-…`, `st…`): 1–12 lowercase
     * letters, digits and single hyphens. @default derived from the stack name (lower-cased, cut to 12)
     */
    namePrefix: z
      .string()
      .regex(
        NAME_PREFIX_PATTERN,
        `must be 1–${NAME_PREFIX_MAX_LENGTH} lowercase letters, digits or single hyphens without a hyphen at either end, e.g. contoso-su (or remove it to derive one from the stack name)`,
      )
      .optional(),
    /** Always-ready HTTP instances; Entra waits only 20 s for the connector. */
    alwaysReadyInstances: z.number().int().min(0).max(20).default(1),
    maximumInstanceCount: z.number().int().min(40).max(1000).default(40),
    instanceMemoryMB: z.union([z.literal(512), z.literal(2048), z.literal(4096)]).default(2048),
    /** Where the connector password lives for the app. */
    credentialStore: z.enum(["keyVault", "appSetting"]).default("keyVault"),
    /** Path of the zip from `npm run build:connector`, relative to the project. */
    packagePath: z.string().min(1).default("dist/connector.zip"),
    alertEmails: z.array(z.email()).default([]),
  }),
  z.strictObject({
    /** A connector service you host yourself; the step name is appended to `baseUrl`. */
    kind: z.literal("external"),
    baseUrl: z.url(),
  }),
  z.strictObject({
    /** `npm run local`: the local connector host reads its settings from `settingsFile`. */
    kind: z.literal("local"),
    baseUrl: z.url(),
    settingsFile: z.string().min(1),
  }),
]);

/** `entra-signup:connector` — the API connector (Entra side) and the service behind it. */
export const connectorSchema = z.strictObject({
  /** Prefix of the two connectors' display names (one connector per step). */
  displayName: z.string().min(1).max(100).default("entra-signup"),
  /**
   * The display name of the connector at a step instead of `<displayName> <step>`, e.g. a hand-made
   * connector to adopt (`npm run export` writes it). @default - every step's name derived from displayName
   */
  stepDisplayNames: z
    .strictObject({
      postFederationSignup: z.string().min(1).max(100).optional(),
      postAttributeCollection: z.string().min(1).max(100).optional(),
    })
    .optional(),
  auth: z.enum(["basic", "certificate"]).default("basic"),
  username: z.string().min(1).max(64).default("entra-signup"),
  /** Change to rotate the generated Basic password. */
  rotationKey: z.string().default("1"),
  /** The connector policy (rules as data); see contract/policy/schema.ts. Mutually exclusive with policyFile. */
  policy: z.record(z.string(), z.unknown()).optional(),
  /** A JSON file holding the connector policy, relative to the project. */
  policyFile: z.string().min(1).optional(),
  hosting: hostingSchema,
});

/** `entra-signup:apps` — which applications use the flow (beta onSignupStart listener). */
export const appsSchema = z
  .strictObject({
    /** Client ids (appId) of existing app registrations. */
    appIds: z.array(guid).default([]),
    /** Create an app registration with @pulumi/azuread and associate it too. */
    createApp: z
      .strictObject({ displayName: z.string().min(1), redirectUris: z.array(z.url()).default([]) })
      .optional(),
    /** Listener priority; lower is evaluated first. */
    priority: z.number().int().min(0).max(2147483647).default(100),
  })
  .default({ appIds: [], priority: 100 });

/** `entra-signup:socialProviders` — Google / Facebook federation (secrets via `pulumi config set --secret`). */
export const socialProvidersSchema = z
  .strictObject({
    google: z.strictObject({ clientId: z.string().min(1) }).optional(),
    facebook: z.strictObject({ clientId: z.string().min(1) }).optional(),
  })
  .default({});

/**
 * `entra-signup:adoptExisting` — take over Graph objects that already exist with the same natural key
 * (flow name, connector display name, attribute name) instead of failing with a conflict: for tenants
 * set up by hand in the portal, or a re-run after a crashed `up`.
 */
export const adoptExistingSchema = z.boolean().default(false);

/**
 * `entra-signup:adoptSecrets` — what adopting does with the secrets set on the stack that Graph never
 * returns (the connector password, social client secrets): `trust` takes them as the ones the adopted
 * objects hold and sends nothing; `write` sends each once (docs/crash-safety.md, "Secrets of adopted
 * objects").
 */
export const adoptSecretsSchema = z.enum(["trust", "write"]).default("trust");

export type TenantConfig = z.infer<typeof tenantSchema>;
export type ToggleConfig = z.infer<typeof toggleSchema>;
export type AttributeConfig = z.infer<typeof attributeSchema>;
export type UserFlowConfig = z.infer<typeof userFlowSchema>;
export type HostingConfig = z.infer<typeof hostingSchema>;
export type ConnectorConfig = z.infer<typeof connectorSchema>;
export type AppsConfig = z.infer<typeof appsSchema>;
export type SocialProvidersConfig = z.infer<typeof socialProvidersSchema>;
