/**
 * Stack config → validated, typed Settings. Every problem is collected and reported at once, each with
 * its config key path and the fix, before any resource is declared.
 */
import type { z } from "zod";
import type { ExtensionSettings } from "../contract/extensionSettings";
import type { TokenClaims } from "../contract/tokenClaims";
import { validateSignUpArgs, type ArgProblem, type ValidatedSignUp } from "../components/signup/validate";
import { checkPlaceholders } from "./placeholders";
import { closestName } from "../contract/didYouMean";
import { configIssueProblems } from "../contract/configProblems";
import {
  adoptExistingSchema,
  adoptSecretsSchema,
  appsSchema,
  connectorSchema,
  socialProvidersSchema,
  tenantSchema,
  toggleSchema,
  type AppsConfig,
  type ConnectorConfig,
  type SocialProvidersConfig,
  type TenantConfig,
  type ToggleConfig,
} from "./schema";

export const NAMESPACE = "entra-signup";

/** Config keys that must only ever be set with `pulumi config set --secret`. */
export const SECRET_KEYS = [
  "connectorPassword",
  "connectorCertificatePfx",
  "connectorCertificatePassword",
  "googleClientSecret",
  "facebookClientSecret",
] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/**
 * The command that sets a secret key on `stack`. The `local` stack is rebuilt from Pulumi.local.yaml in
 * the state folder on every `npm run local`, so `pulumi config set` cannot reach it: `npm run local --
 * --secret <key>` asks for the value and keeps it encrypted there (README, "Secrets on the local stack").
 */
export function setSecretCommand(key: SecretKey, stack?: string): string {
  return stack === "local"
    ? `npm run local -- --secret ${key}`
    : `pulumi config set --secret ${NAMESPACE}:${key} <value>`;
}

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
  "adoptSecrets",
  "connectorCertificateThumbprints",
  "extension",
  "tokenClaims",
  ...SECRET_KEYS,
] as const;

/** The stack `npm run local` deploys; the only one allowed to use the local connector host. */
export const LOCAL_STACK_NAME = "local";

export interface Settings {
  readonly tenant: TenantConfig;
  readonly toggle: ToggleConfig;
  readonly attributes: ValidatedSignUp["attributes"];
  readonly userFlow: ValidatedSignUp["userFlow"];
  readonly connector: ConnectorConfig;
  /** The connector policy object (from `connector.policy` or `connector.policyFile`). */
  readonly connectorPolicy: Record<string, unknown>;
  readonly apps: AppsConfig;
  readonly socialProviders: SocialProvidersConfig;
  /** Which secret keys are present (values are read by the program as secret Outputs). */
  readonly secretsPresent: ReadonlySet<SecretKey>;
  /** Take over existing Graph objects with the same natural keys (hand-made tenants). */
  readonly adoptExisting: boolean;
  /** On adopt, trust the secrets set on the stack or send them once. */
  readonly adoptSecrets: "trust" | "write";
  /** `tenant.kind: external` only: how Entra calls the extensions (defaults applied). */
  readonly extension?: ExtensionSettings;
  /** Claims added to the apps' tokens at OnTokenIssuanceStart; absent when not configured. */
  readonly tokenClaims?: TokenClaims;
}

export class SettingsError extends Error {
  constructor(
    readonly problems: readonly string[],
    stack?: string,
  ) {
    super(
      `The stack configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        (stack === "local"
          ? `\nFix them in Pulumi.local.yaml (secrets with 'npm run local -- --secret <key>'); stacks/README.md documents every key.`
          : `\nFix them with 'pulumi config set' (secrets with --secret) or in Pulumi.<stack>.yaml; stacks/README.md documents every key.`),
    );
    this.name = "SettingsError";
  }
}

export function loadSettings(source: ConfigSource): Settings {
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
  if (source.get("userFlow") === undefined)
    problems.push(`${NAMESPACE}:userFlow is required: ${exampleFor("userFlow")}`);
  const connector = parse("connector", connectorSchema, true);
  const apps = parse("apps", appsSchema, false);
  const socialProviders = parse("socialProviders", socialProvidersSchema, false);
  const adoptExisting = parse("adoptExisting", adoptExistingSchema, false);
  const adoptSecrets = parse("adoptSecrets", adoptSecretsSchema, false);
  problems.push(...checkKnownKeys(source.keys?.() ?? []));

  const secretsPresent = new Set<SecretKey>();
  if (tenant?.kind === "external") problems.push(...checkExternalOnlyKeys(source));
  for (const key of SECRET_KEYS) {
    if (source.get(key) === undefined) continue;
    if (!source.isSecret(key)) {
      problems.push(
        `${NAMESPACE}:${key} is stored in plain text: remove it and run '${setSecretCommand(key, source.stack)}'`,
      );
    }
    secretsPresent.add(key);
  }

  if (connector) problems.push(...checkHostingForStack(connector, source.stack));
  problems.push(
    ...checkPlaceholders(
      { namespace: NAMESPACE, stack: source.stack, localStack: LOCAL_STACK_NAME },
      { tenant, apps, connector },
    ),
  );
  // The policy is checked even when another connector field is wrong, so every problem shows at once.
  const policySource = connector ?? policyFieldsOf(source.get("connector"));
  const connectorPolicy = policySource ? readPolicy(policySource, source, problems) : undefined;
  // The component's own validation (the same function SelfServiceSignUp runs), on the raw config, so
  // schema and cross-field problems of the flow, page, connector and policy are all reported at once.
  const valid = validateAsComponent(
    source,
    tenant,
    connector,
    connectorPolicy,
    socialProviders,
    secretsPresent,
    problems,
  );

  if (
    problems.length > 0 ||
    !tenant ||
    !toggle ||
    !valid ||
    !connector ||
    !apps ||
    !socialProviders ||
    adoptExisting === undefined ||
    adoptSecrets === undefined
  ) {
    throw new SettingsError(problems, source.stack);
  }
  return {
    tenant,
    toggle,
    attributes: valid.attributes,
    userFlow: valid.userFlow,
    connector,
    connectorPolicy: connectorPolicy ?? {},
    apps,
    socialProviders,
    secretsPresent,
    adoptExisting,
    adoptSecrets,
    ...(valid.extension ? { extension: valid.extension } : {}),
    ...(valid.tokenClaims ? { tokenClaims: valid.tokenClaims } : {}),
  };
}

/** The connector secrets of B2X (Basic, certificate) have no use where Entra calls with a bearer token. */
const B2X_CONNECTOR_KEYS = [
  "connectorPassword",
  "connectorCertificatePfx",
  "connectorCertificatePassword",
  "connectorCertificateThumbprints",
] as const;

function checkExternalOnlyKeys(source: ConfigSource): string[] {
  return B2X_CONNECTOR_KEYS.filter((key) => source.get(key) !== undefined).map(
    (key) =>
      `${NAMESPACE}:${key} has no use with tenant.kind external: Entra calls custom authentication extensions with its own bearer token, never Basic or a certificate — remove it ('pulumi config rm ${NAMESPACE}:${key}')`,
  );
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
  return policy as Record<string, unknown>;
}

/** Argument paths of the component → the config keys they come from, with the config-specific fix. */
function configProblem(p: ArgProblem, stack: string | undefined): string {
  const secret: Record<string, SecretKey> = {
    "socialProviders.google.clientSecret": "googleClientSecret",
    "socialProviders.facebook.clientSecret": "facebookClientSecret",
    "connector.certificate.pkcs12Base64": "connectorCertificatePfx",
    "connector.certificate.password": "connectorCertificatePassword",
  };
  const key = secret[p.path];
  if (key)
    return `${NAMESPACE}:${key} is ${p.message.replace(/ — .*$/, "")} — run '${setSecretCommand(key, stack)}'`;
  const path = p.path
    .replace(/^tenantKind/, "tenant.kind")
    .replace(/^toggle/, "selfServiceSignUp")
    .replace(/^connection\.baseUrl/, "tenant.graphBaseUrl")
    .replace(/^connection\.credential/, "tenant.graphCredential")
    .replace(/^connection\./, "tenant.")
    .replace(/^connector\.certificate\.thumbprints/, "connectorCertificateThumbprints");
  return `${NAMESPACE}:${path}: ${p.message}`;
}

function validateAsComponent(
  source: ConfigSource,
  tenant: TenantConfig | undefined,
  connector: ConnectorConfig | undefined,
  policy: Record<string, unknown> | undefined,
  social: SocialProvidersConfig | undefined,
  secrets: ReadonlySet<SecretKey>,
  problems: string[],
): ValidatedSignUp | undefined {
  const present = (key: SecretKey) => (secrets.has(key) ? "<secret>" : undefined);
  const rawTenant = asRecord(source.get("tenant"));
  const rawConnector = asRecord(source.get("connector"));
  const rawApps = asRecord(source.get("apps"));
  const external = (tenant?.kind ?? rawTenant?.kind) === "external";
  const { problems: found, value } = validateSignUpArgs({
    tenantKind: tenant ? tenant.kind : rawTenant?.kind,
    extension: source.get("extension"),
    tokenClaims: source.get("tokenClaims"),
    toggle: source.get("selfServiceSignUp"),
    apps: { appIds: rawApps?.appIds, priority: rawApps?.priority },
    connection: tenant
      ? {
          cloud: tenant.cloud,
          tenantId: tenant.tenantId,
          baseUrl: tenant.graphBaseUrl,
          credential: tenant.graphCredential,
        }
      : { cloud: "global" },
    attributes: source.get("attributes"),
    userFlow: source.get("userFlow"),
    // With a connector that failed its schema, its policy is still checked (problems all at once).
    connector: connector
      ? external
        ? // Only what the config sets: the B2X defaults (Basic auth, a user name) mean nothing here.
          {
            auth: rawConnector?.auth,
            username: rawConnector?.username,
            rotationKey: rawConnector?.rotationKey,
            policy: policy ?? {},
            hosting: connector.hosting,
          }
        : {
            auth: connector.auth,
            username: connector.username,
            certificate: {
              pkcs12Base64: present("connectorCertificatePfx"),
              password: present("connectorCertificatePassword"),
              thumbprints: source.get("connectorCertificateThumbprints") ?? [],
            },
            policy: policy ?? {},
            hosting: connector.hosting,
          }
      : policy && { policy, hosting: { kind: "functionApp" } },
    socialProviders: {
      google: { clientId: social?.google?.clientId, clientSecret: present("googleClientSecret") },
      facebook: { clientId: social?.facebook?.clientId, clientSecret: present("facebookClientSecret") },
    },
  });
  // Problems of the tenant/connector shape are already reported by their own schemas above.
  const own = (p: ArgProblem) =>
    !(tenant === undefined && (p.path.startsWith("connection") || p.path.startsWith("tenantKind"))) &&
    !(connector === undefined && p.path.startsWith("connector") && !p.path.startsWith("connector.policy")) &&
    !(policy === undefined && p.path.startsWith("connector.policy")) &&
    !(source.get("userFlow") === undefined && p.path.startsWith("userFlow"));
  problems.push(...found.filter(own).map((p) => configProblem(p, source.stack)));
  return value;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
