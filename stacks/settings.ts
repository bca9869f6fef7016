/**
 * Stack config → validated, typed Settings. Every problem is collected and reported at once, each with
 * its config key path and the fix, before any resource is declared.
 */
import type { z } from "zod";
import { closestName } from "../contract/didYouMean";
import { attributeCollectionSectionsIn } from "../functions/policy/sections";
import { configIssueProblems } from "./config-problems";
import {
  adoptExistingSchema,
  appsSchema,
  attributeSchema,
  connectorSchema,
  socialProvidersSchema,
  tenantSchema,
  toggleSchema,
  userFlowSchema,
  type AppsConfig,
  type AttributeConfig,
  type ConnectorConfig,
  type SocialProvidersConfig,
  type TenantConfig,
  type ToggleConfig,
  type UserFlowConfig,
} from "./schema";

export const NAMESPACE = "entra-signup";

/** Built-in user flow attributes that may appear on the page without being declared. */
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

/** Config keys that must only ever be set with `pulumi config set --secret`. */
export const SECRET_KEYS = [
  "connectorPassword",
  "connectorCertificatePfx",
  "connectorCertificatePassword",
  "googleClientSecret",
  "facebookClientSecret",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** What the loader needs from Pulumi config; tests pass a plain object. */
export interface ConfigSource {
  /** The parsed value of `entra-signup:<key>` (objects/arrays as parsed JSON), or undefined. */
  get(key: string): unknown;
  /** Whether the key is set as a secret (`pulumi config set --secret`). */
  isSecret(key: string): boolean;
  /** Reads a file relative to the project (for `connector.policyFile`). */
  readFile(relativePath: string): string;
  /** Every key set under the namespace, without the prefix; lets a mistyped key be refused. */
  keys?(): readonly string[];
  /** The stack name; `connector.hosting.kind: local` is only accepted on the `local` stack. */
  readonly stack?: string;
}

/** Every key the program reads under `entra-signup:`; anything else is a typo. */
export const KNOWN_KEYS = [
  "tenant",
  "selfServiceSignUp",
  "attributes",
  "userFlow",
  "connector",
  "apps",
  "socialProviders",
  "adoptExisting",
  "connectorCertificateThumbprints",
  ...SECRET_KEYS,
] as const;

/** The stack `npm run local` deploys; the only one allowed to use the local connector host. */
export const LOCAL_STACK_NAME = "local";

export interface Settings {
  readonly tenant: TenantConfig;
  readonly toggle: ToggleConfig;
  readonly attributes: readonly AttributeConfig[];
  readonly userFlow: UserFlowConfig;
  readonly connector: ConnectorConfig;
  /** The connector policy object (from `connector.policy` or `connector.policyFile`). */
  readonly connectorPolicy: Record<string, unknown>;
  readonly apps: AppsConfig;
  readonly socialProviders: SocialProvidersConfig;
  /** Which secret keys are present (values are read by the program as secret Outputs). */
  readonly secretsPresent: ReadonlySet<SecretKey>;
  /** Take over existing Graph objects with the same natural keys (hand-made tenants). */
  readonly adoptExisting: boolean;
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `The stack configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nFix them with 'pulumi config set' (secrets with --secret) or in Pulumi.<stack>.yaml; stacks/README.md documents every key.`,
    );
    this.name = "SettingsError";
  }
}

/** Validates a policy object; injected so this module stays independent of the connector code. */
export type PolicyValidator = (policy: unknown) => readonly string[];

export function loadSettings(source: ConfigSource, validatePolicy?: PolicyValidator): Settings {
  const problems: string[] = [];
  const parse = <S extends z.ZodType>(key: string, schema: S, required: boolean): z.infer<S> | undefined => {
    const raw = source.get(key);
    if (raw === undefined && required) {
      problems.push(`${NAMESPACE}:${key} is required: ${exampleFor(key)}`);
      return undefined;
    }
    const result = schema.safeParse(raw);
    if (result.success) return result.data as z.infer<S>;
    problems.push(...configIssueProblems(`${NAMESPACE}:${key}`, schema, raw, result.error.issues));
    return undefined;
  };

  const tenant = parse("tenant", tenantSchema, true);
  const toggle = parse("selfServiceSignUp", toggleSchema, false);
  const attributes = parse("attributes", attributeSchema.array().default([]), false);
  const userFlow = parse("userFlow", userFlowSchema, true);
  const connector = parse("connector", connectorSchema, true);
  const apps = parse("apps", appsSchema, false);
  const socialProviders = parse("socialProviders", socialProvidersSchema, false);
  const adoptExisting = parse("adoptExisting", adoptExistingSchema, false);
  problems.push(...checkKnownKeys(source.keys?.() ?? []));

  const secretsPresent = new Set<SecretKey>();
  for (const key of SECRET_KEYS) {
    if (source.get(key) === undefined) continue;
    if (!source.isSecret(key)) {
      problems.push(
        `${NAMESPACE}:${key} is stored in plain text: remove it and run 'pulumi config set --secret ${NAMESPACE}:${key} <value>'`,
      );
    }
    secretsPresent.add(key);
  }

  if (tenant) problems.push(...checkTenant(tenant));
  if (attributes && userFlow) problems.push(...checkPage(attributes, userFlow));
  if (userFlow) problems.push(...checkIdentityProviders(userFlow, socialProviders, secretsPresent));
  if (connector) problems.push(...checkConnectorAuth(connector, secretsPresent));
  if (connector) problems.push(...checkHostingForStack(connector, source.stack));
  // The policy is checked even when another connector field is wrong, so every problem shows at once.
  const policySource = connector ?? policyFieldsOf(source.get("connector"));
  const connectorPolicy = policySource
    ? readPolicy(policySource, source, validatePolicy, problems)
    : undefined;
  if (userFlow && connectorPolicy) problems.push(...checkConnectorSteps(userFlow, connectorPolicy));

  if (
    problems.length > 0 ||
    !tenant ||
    !toggle ||
    !attributes ||
    !userFlow ||
    !connector ||
    !apps ||
    !socialProviders ||
    adoptExisting === undefined
  ) {
    throw new SettingsError(problems);
  }
  return {
    tenant,
    toggle,
    attributes,
    userFlow,
    connector,
    connectorPolicy: connectorPolicy ?? {},
    apps,
    socialProviders,
    secretsPresent,
    adoptExisting,
  };
}

/** A mistyped key (`userflow`, `connectors`) would otherwise be silently ignored. */
export function checkKnownKeys(keys: readonly string[]): string[] {
  const known: readonly string[] = KNOWN_KEYS;
  return keys
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = closestName(key, known);
      return (
        `${NAMESPACE}:${key} is not a known key` +
        (near ? ` (did you mean ${NAMESPACE}:${near}?)` : "") +
        `: remove it; known keys are ${known.join(", ")}`
      );
    });
}

/** The local host only exists on this machine: a shared stack pointing at it would deploy nothing. */
export function checkHostingForStack(connector: ConnectorConfig, stack: string | undefined): string[] {
  if (stack === undefined || stack === LOCAL_STACK_NAME || connector.hosting.kind !== "local") return [];
  return [
    `${NAMESPACE}:connector.hosting.kind: 'local' is only for the '${LOCAL_STACK_NAME}' stack (npm run local), not '${stack}'; use 'functionApp' or 'external'`,
  ];
}

/** Rules that only run at postAttributeCollection are dead when that step is not wired. */
export function checkConnectorSteps(flow: UserFlowConfig, policy: Record<string, unknown>): string[] {
  if (flow.connectorSteps.postAttributeCollection) return [];
  const sections = attributeCollectionSectionsIn(policy);
  if (sections.length === 0) return [];
  return [
    `${NAMESPACE}:userFlow.connectorSteps.postAttributeCollection: the connector policy has attribute rules (${sections.join(", ")}) that run only at that step; set it to true or remove those rules`,
  ];
}

function exampleFor(key: string): string {
  switch (key) {
    case "tenant":
      return "set it, e.g. 'pulumi config set --path entra-signup:tenant.tenantId <directory id>'";
    case "userFlow":
      return "set it, e.g. 'pulumi config set --path entra-signup:userFlow.name PartnerSignUp' and a page (see Pulumi.dev.yaml)";
    case "connector":
      return "set it, e.g. 'pulumi config set --path entra-signup:connector.hosting.kind functionApp' (see Pulumi.dev.yaml)";
    default:
      return "see Pulumi.dev.yaml for an example";
  }
}

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "localhost" || host === "[::1]" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

export function checkTenant(tenant: TenantConfig): string[] {
  const problems: string[] = [];
  if (tenant.graphCredential === "emulator" && !(tenant.graphBaseUrl && isLoopbackUrl(tenant.graphBaseUrl))) {
    problems.push(
      `${NAMESPACE}:tenant.graphCredential: 'emulator' is only allowed with a loopback tenant.graphBaseUrl (the local Graph emulator); use 'default' for a real tenant`,
    );
  }
  if (
    tenant.graphBaseUrl &&
    !isLoopbackUrl(tenant.graphBaseUrl) &&
    !tenant.graphBaseUrl.startsWith("https://")
  ) {
    problems.push(
      `${NAMESPACE}:tenant.graphBaseUrl: '${tenant.graphBaseUrl}' must use https:// unless it is loopback`,
    );
  }
  return problems;
}

const choiceInputTypes = new Set(["radioSingleSelect", "dropdownSingleSelect", "checkboxMultiSelect"]);

export function checkPage(attributes: readonly AttributeConfig[], flow: UserFlowConfig): string[] {
  const problems: string[] = [];
  const custom = new Map<string, AttributeConfig>();
  for (const [i, attribute] of attributes.entries()) {
    const key = attribute.name.toLowerCase();
    if (custom.has(key))
      problems.push(`${NAMESPACE}:attributes.${i}.name: '${attribute.name}' is declared twice`);
    if ((BUILT_IN_ATTRIBUTES as readonly string[]).some((b) => b.toLowerCase() === key)) {
      problems.push(
        `${NAMESPACE}:attributes.${i}.name: '${attribute.name}' is a built-in attribute; use it on the page directly`,
      );
    }
    custom.set(key, attribute);
  }
  const seen = new Set<string>();
  for (const [i, field] of flow.page.entries()) {
    const where = `${NAMESPACE}:userFlow.page.${i}`;
    const key = field.attribute.toLowerCase();
    const builtIn = (BUILT_IN_ATTRIBUTES as readonly string[]).some((b) => b.toLowerCase() === key);
    if (!builtIn && !custom.has(key)) {
      problems.push(
        `${where}.attribute: '${field.attribute}' is neither a built-in attribute (${BUILT_IN_ATTRIBUTES.join(", ")}) nor declared in ${NAMESPACE}:attributes`,
      );
    }
    if (seen.has(key)) problems.push(`${where}.attribute: '${field.attribute}' appears twice on the page`);
    seen.add(key);
    if (choiceInputTypes.has(field.inputType) && field.options.length === 0) {
      problems.push(`${where}.options: inputType '${field.inputType}' needs at least one option`);
    }
    if (!choiceInputTypes.has(field.inputType) && field.options.length > 0) {
      problems.push(`${where}.options: only radio, dropdown and checkbox input types take options`);
    }
    const attribute = custom.get(key);
    if (attribute) problems.push(...checkFieldFitsDataType(where, field, attribute.dataType));
    if (field.requiresVerification && key !== "email") {
      problems.push(`${where}.requiresVerification: only the email attribute can require verification`);
    }
  }
  return problems;
}

/** Input types whose value Graph can store in each custom attribute data type. */
const inputTypesFor: Record<AttributeConfig["dataType"], readonly string[]> = {
  string: [
    "textBox",
    "emailBox",
    "dateTimeDropdown",
    "radioSingleSelect",
    "dropdownSingleSelect",
    "checkboxMultiSelect",
  ],
  boolean: ["radioSingleSelect", "dropdownSingleSelect", "checkboxMultiSelect"],
  int64: ["textBox", "radioSingleSelect", "dropdownSingleSelect"],
};

const optionValueFits: Record<AttributeConfig["dataType"], (v: string) => boolean> = {
  string: () => true,
  boolean: (v) => v === "true" || v === "false",
  int64: (v) => /^-?\d{1,19}$/.test(v),
};

/** A field whose input cannot produce a value of its attribute's type fails only at sign-up time. */
function checkFieldFitsDataType(
  where: string,
  field: UserFlowConfig["page"][number],
  dataType: AttributeConfig["dataType"],
): string[] {
  const problems: string[] = [];
  const fits = inputTypesFor[dataType];
  if (!fits.includes(field.inputType)) {
    problems.push(
      `${where}.inputType: '${field.inputType}' does not fit ${dataType} attribute '${field.attribute}'; use one of ${fits.join(", ")}`,
    );
  }
  for (const [j, option] of field.options.entries()) {
    if (!optionValueFits[dataType](option.value)) {
      problems.push(
        `${where}.options.${j}.value: '${option.value}' is not a ${dataType} value for attribute '${field.attribute}'${dataType === "boolean" ? " (use 'true' or 'false')" : " (use a whole number)"}`,
      );
    }
  }
  return problems;
}

export function checkIdentityProviders(
  flow: UserFlowConfig,
  social: SocialProvidersConfig | undefined,
  secrets: ReadonlySet<SecretKey>,
): string[] {
  const problems: string[] = [];
  const ids = flow.identityProviders;
  if (new Set(ids.map((i) => i.toLowerCase())).size !== ids.length) {
    problems.push(`${NAMESPACE}:userFlow.identityProviders: lists a provider twice`);
  }
  const needs: Array<["Google-OAUTH" | "Facebook-OAUTH", "google" | "facebook", SecretKey]> = [
    ["Google-OAUTH", "google", "googleClientSecret"],
    ["Facebook-OAUTH", "facebook", "facebookClientSecret"],
  ];
  for (const [idp, key, secret] of needs) {
    if (!ids.includes(idp)) continue;
    if (!social?.[key]) {
      problems.push(
        `${NAMESPACE}:socialProviders.${key}.clientId is required because userFlow.identityProviders has ${idp}`,
      );
    }
    if (!secrets.has(secret)) {
      problems.push(
        `${NAMESPACE}:${secret} is required because userFlow.identityProviders has ${idp}: 'pulumi config set --secret ${NAMESPACE}:${secret} <value>'`,
      );
    }
  }
  return problems;
}

export function checkConnectorAuth(connector: ConnectorConfig, secrets: ReadonlySet<SecretKey>): string[] {
  const problems: string[] = [];
  if (connector.auth === "certificate") {
    for (const key of ["connectorCertificatePfx", "connectorCertificatePassword"] as const) {
      if (!secrets.has(key)) {
        problems.push(
          `${NAMESPACE}:${key} is required for connector.auth 'certificate': 'pulumi config set --secret ${NAMESPACE}:${key} <value>' (base64 PFX / its password, '' if none)`,
        );
      }
    }
  }
  const url = connector.hosting.kind === "functionApp" ? undefined : connector.hosting.baseUrl;
  if (url && !url.startsWith("https://") && !isLoopbackUrl(url)) {
    problems.push(
      `${NAMESPACE}:connector.hosting.baseUrl: Entra only calls https:// endpoints; '${url}' is neither https nor loopback`,
    );
  }
  return problems;
}

type PolicyFields = Pick<ConnectorConfig, "policy" | "policyFile">;

/** `policy` / `policyFile` of a connector value that failed its schema, when they have the right types. */
function policyFieldsOf(raw: unknown): PolicyFields | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { policy, policyFile } = raw as Record<string, unknown>;
  const fields: { policy?: Record<string, unknown>; policyFile?: string } = {};
  if (policy && typeof policy === "object" && !Array.isArray(policy))
    fields.policy = policy as Record<string, unknown>;
  if (typeof policyFile === "string" && policyFile) fields.policyFile = policyFile;
  return fields.policy || fields.policyFile ? fields : undefined;
}

function readPolicy(
  connector: PolicyFields,
  source: ConfigSource,
  validatePolicy: PolicyValidator | undefined,
  problems: string[],
): Record<string, unknown> | undefined {
  if (connector.policy && connector.policyFile) {
    problems.push(`${NAMESPACE}:connector: set either policy or policyFile, not both`);
    return undefined;
  }
  let policy: unknown = connector.policy;
  if (connector.policyFile) {
    try {
      policy = JSON.parse(source.readFile(connector.policyFile));
    } catch (err) {
      problems.push(
        `${NAMESPACE}:connector.policyFile: cannot read '${connector.policyFile}' as JSON (${(err as Error).message})`,
      );
      return undefined;
    }
  }
  if (policy === undefined) {
    problems.push(
      `${NAMESPACE}:connector.policy: set connector.policy or connector.policyFile (the connector's rules)`,
    );
    return undefined;
  }
  // Policy problems read `<path in the policy>: <what> — <fix>`, `$` being the policy itself.
  for (const problem of validatePolicy?.(policy) ?? []) {
    const inPolicy = problem.startsWith("$") ? problem.slice(1) : `.${problem}`;
    problems.push(
      connector.policyFile
        ? `${NAMESPACE}:connector.policyFile (${connector.policyFile}) ${problem}`
        : `${NAMESPACE}:connector.policy${inPolicy}`,
    );
  }
  return policy as Record<string, unknown>;
}
