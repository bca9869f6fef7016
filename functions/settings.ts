/**
 * The connector's app settings, read once at start-up and validated completely: a bad setting stops the
 * app with one error that lists every problem (name, what is wrong, the fix), never a half-working host
 * that fails on the first sign-up. The same names work in Azure (app settings) and in the local host
 * (environment or a `--settings` JSON file).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { AppSetting, decodeThumbprints } from "../contract/appSettings";
import { AUTHENTICATION_EVENTS_APP_ID } from "../contract/authenticationEvents";
import { isLoopbackUrl } from "../contract/url";
import type { BearerSettings } from "./auth/bearer";
import { parsePolicy } from "../contract/policy/load";
import { compilePolicy } from "./engine/compile";
import { setOwn } from "../contract/own";
import { checkTokenClaims, tokenClaimsSchema, type TokenClaims } from "../contract/tokenClaims";

export type Policy = ReturnType<typeof parsePolicy>;
export type Env = Readonly<Record<string, string | undefined>>;

export type AuthSettings =
  | { readonly mode: "basic"; readonly username: string; readonly password: string }
  | { readonly mode: "certificate"; readonly thumbprints: readonly string[] }
  /** No API connector calls this host (an external tenant): the connector steps refuse every call. */
  | { readonly mode: "none" };

export type StorageConnection =
  | { readonly kind: "connectionString"; readonly connectionString: string }
  | {
      readonly kind: "identity";
      readonly tableServiceUri: string;
      readonly queueServiceUri: string;
      /** Client id of a user-assigned managed identity; absent = DefaultAzureCredential's choice. */
      readonly clientId?: string;
    };

export interface StorageSettings {
  readonly connection: StorageConnection;
  readonly rateLimitTable: string;
  readonly approvalsTable: string;
  readonly eventMarkersTable: string;
  readonly eventsQueue: string;
  /** Per-call budget for Table/Queue calls, so an unreachable store fails fast into failOpen/failClosed. */
  readonly timeoutMs: number;
}

export interface ConnectorSettings {
  readonly policy: Policy;
  readonly attributeIds: Readonly<Record<string, string>>;
  /**
   * The tenant's extensions app id without dashes, as it appears inside `extension_<id>_<Name>`
   * (`b2c-extensions-app` in external tenants, `aad-extensions-app` in workforce tenants).
   */
  readonly extensionsAppId: string;
  readonly auth: AuthSettings;
  /**
   * The token custom authentication extensions must present (functions/auth/bearer.ts).
   * @default - the authentication-event routes refuse every call
   */
  readonly authenticationEvents?: BearerSettings;
  /**
   * The claims the `onTokenIssuanceStart` route answers with (`AUTH_EVENTS_TOKEN_CLAIMS`), checked against
   * the policy at start-up. @default - that route refuses every call
   */
  readonly tokenClaims?: TokenClaims;
  /** Admin endpoints answer 404 when no admin key is configured. */
  readonly adminKey?: string;
  readonly storage: StorageSettings;
  readonly maxBodyBytes: number;
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `The connector cannot start: ${problems.length} setting problem(s):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "SettingsError";
  }
}

export const SETTING_DEFAULTS = {
  [AppSetting.rateLimitTable]: "SignupRateLimits",
  [AppSetting.approvalsTable]: "SignupApprovals",
  [AppSetting.eventMarkersTable]: "SignupEventMarkers",
  [AppSetting.eventsQueue]: "signup-events",
  [AppSetting.storageTimeoutMs]: "2000",
  [AppSetting.maxBodyBytes]: "65536",
} as const;

const ATTRIBUTE_ID = /^extension_([0-9a-f]{32})_[A-Za-z0-9_]+$/i;
const THUMBPRINT = /^[0-9A-F]{40}$/;
const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;
const MIN_PASSWORD_LENGTH = 12;
const MIN_ADMIN_KEY_LENGTH = 32;

/** Reads and validates every setting; throws one SettingsError listing every problem. */
export function loadSettings(env: Env, cwd: string = process.cwd()): ConnectorSettings {
  const problems: string[] = [];
  const policy = readPolicy(env, cwd, problems);
  const { attributeIds, extensionsAppId } = readAttributeIds(env, problems);
  const auth = readAuth(env, problems);
  const authenticationEvents = readAuthenticationEvents(env, problems);
  if (auth?.mode === "none" && authenticationEvents === undefined && problems.length === 0) {
    problems.push(
      `CONNECTOR_AUTH_MODE=none leaves nothing this host can serve: set the ${AUTH_EVENTS_SETTINGS.join(", ")} settings (custom authentication extensions), or use basic/certificate`,
    );
  }
  const tokenClaims = readTokenClaims(env, policy, Object.keys(attributeIds), problems);
  if (tokenClaims !== undefined && authenticationEvents === undefined && problems.length === 0) {
    problems.push(
      `${AppSetting.authEventsTokenClaims} is set but no token could ever be accepted: set ${AUTH_EVENTS_SETTINGS.join(", ")} too, or remove it`,
    );
  }
  const adminKey = readAdminKey(env, problems);
  const storage = readStorage(env, problems);
  const maxBodyBytes = readInteger(env, AppSetting.maxBodyBytes, 1024, 1024 * 1024, problems);
  if (problems.length > 0 || policy === undefined || auth === undefined || storage === undefined) {
    throw new SettingsError(problems);
  }
  return {
    policy,
    attributeIds,
    extensionsAppId,
    auth,
    authenticationEvents,
    tokenClaims,
    adminKey,
    storage,
    maxBodyBytes,
  };
}

/** Only the storage part, for tools (the approvals CLI) that need no policy or connector credentials. */
export function loadStorageSettings(env: Env): StorageSettings {
  const problems: string[] = [];
  const storage = readStorage(env, problems);
  if (problems.length > 0 || storage === undefined) throw new SettingsError(problems);
  return storage;
}

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw.trim();
}

function readPolicy(env: Env, cwd: string, problems: string[]): Policy | undefined {
  const inline = value(env, AppSetting.policy);
  const file = value(env, AppSetting.policyFile);
  if (inline !== undefined && file !== undefined) {
    problems.push("SIGNUP_POLICY and SIGNUP_POLICY_FILE are both set: set exactly one");
    return undefined;
  }
  let text: string;
  let source: string;
  if (inline !== undefined) {
    [text, source] = [inline, AppSetting.policy];
  } else if (file !== undefined) {
    const fullPath = path.resolve(cwd, file);
    source = `SIGNUP_POLICY_FILE (${fullPath})`;
    try {
      text = fs.readFileSync(fullPath, "utf8");
    } catch (error) {
      problems.push(`${source} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return undefined;
    }
  } else {
    problems.push("SIGNUP_POLICY (policy JSON) or SIGNUP_POLICY_FILE (path to it) is required");
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push(`${source} is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  try {
    const policy = parsePolicy(json);
    compilePolicy(policy); // once at start-up, not on the first sign-up
    return policy;
  } catch (error) {
    const inner = (error as { problems?: unknown }).problems;
    const list = Array.isArray(inner) ? inner.map(String) : [(error as Error).message];
    for (const problem of list) problems.push(`${source}: ${problem}`);
    return undefined;
  }
}

function readAttributeIds(
  env: Env,
  problems: string[],
): { attributeIds: Record<string, string>; extensionsAppId: string } {
  const raw = value(env, AppSetting.attributeIds);
  const declaredAppId = value(env, AppSetting.extensionsAppId)?.replace(/-/g, "").toLowerCase();
  if (declaredAppId !== undefined && !/^[0-9a-f]{32}$/.test(declaredAppId)) {
    problems.push(
      "SIGNUP_EXTENSIONS_APP_ID must be the appId (a GUID, dashes optional) of the tenant's extensions app: " +
        "b2c-extensions-app in an external tenant, aad-extensions-app in a workforce tenant",
    );
  }
  if (raw === undefined) {
    problems.push(
      'SIGNUP_ATTRIBUTE_IDS is required: a JSON map such as {"JobRole":"extension_<appId>_JobRole"}',
    );
    return { attributeIds: {}, extensionsAppId: declaredAppId ?? "" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    problems.push(`SIGNUP_ATTRIBUTE_IDS is not valid JSON: ${(error as Error).message}`);
    return { attributeIds: {}, extensionsAppId: declaredAppId ?? "" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    problems.push("SIGNUP_ATTRIBUTE_IDS must be a JSON object mapping logical names to attribute ids");
    return { attributeIds: {}, extensionsAppId: declaredAppId ?? "" };
  }
  const attributeIds: Record<string, string> = {};
  const appIds = new Set<string>();
  for (const [name, id] of Object.entries(parsed)) {
    const match = typeof id === "string" ? ATTRIBUTE_ID.exec(id) : null;
    if (typeof id !== "string" || match === null) {
      problems.push(
        `SIGNUP_ATTRIBUTE_IDS.${name} = ${JSON.stringify(id)} is not an extension_<appId>_<Name> id`,
      );
      continue;
    }
    setOwn(attributeIds, name, id);
    appIds.add(match[1]!.toLowerCase());
  }
  if (appIds.size > 1) {
    problems.push(
      `SIGNUP_ATTRIBUTE_IDS mixes extensions app ids (${[...appIds].join(", ")}): use one tenant's ids`,
    );
  }
  const derived = [...appIds][0];
  if (declaredAppId !== undefined && derived !== undefined && declaredAppId !== derived) {
    problems.push(
      `SIGNUP_EXTENSIONS_APP_ID (${declaredAppId}) does not match the app id inside SIGNUP_ATTRIBUTE_IDS (${derived})`,
    );
  }
  // Frozen: read on every request, and the engine indexes a frozen map once (engine/attributes.ts).
  return { attributeIds: Object.freeze(attributeIds), extensionsAppId: declaredAppId ?? derived ?? "" };
}

function readSecret(env: Env, name: string, minLength: number, problems: string[]): string | undefined {
  const secret = env[name];
  if (secret === undefined || secret === "") {
    problems.push(`${name} is required`);
    return undefined;
  }
  if (KEY_VAULT_REFERENCE.test(secret)) {
    // App Service leaves the reference text in place when it cannot resolve it.
    problems.push(
      `${name} is an unresolved Key Vault reference: grant the app's identity 'Key Vault Secrets User' on the vault and check the secret URI`,
    );
    return undefined;
  }
  if (secret.length < minLength) {
    problems.push(`${name} is too short (${secret.length} characters, need at least ${minLength})`);
    return undefined;
  }
  return secret;
}

function readAuth(env: Env, problems: string[]): AuthSettings | undefined {
  const mode = value(env, AppSetting.authMode);
  if (mode === "basic") {
    const username = value(env, AppSetting.basicUsername);
    if (username === undefined)
      problems.push("CONNECTOR_BASIC_USERNAME is required when CONNECTOR_AUTH_MODE=basic");
    if (username?.includes(":")) problems.push("CONNECTOR_BASIC_USERNAME must not contain ':' (HTTP Basic)");
    const password = readSecret(env, AppSetting.basicPassword, MIN_PASSWORD_LENGTH, problems);
    return username === undefined || password === undefined ? undefined : { mode, username, password };
  }
  if (mode === "certificate") {
    const raw = value(env, AppSetting.certThumbprints);
    const thumbprints = decodeThumbprints(raw);
    if (thumbprints.length === 0) {
      problems.push("CONNECTOR_CERT_THUMBPRINTS is required when CONNECTOR_AUTH_MODE=certificate");
    }
    for (const thumbprint of thumbprints.filter((t) => !THUMBPRINT.test(t))) {
      problems.push(
        `CONNECTOR_CERT_THUMBPRINTS contains ${thumbprint}, which is not a SHA-1 thumbprint (40 hex)`,
      );
    }
    return { mode, thumbprints };
  }
  if (mode === "none") return { mode };
  problems.push(
    `CONNECTOR_AUTH_MODE must be "basic", "certificate" or "none" (got ${JSON.stringify(mode ?? "")})`,
  );
  return undefined;
}

const AUTH_EVENTS_SETTINGS = [
  AppSetting.authEventsTenantId,
  AppSetting.authEventsAudience,
  AppSetting.authEventsIssuers,
  AppSetting.authEventsKeySetUri,
] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** All four AUTH_EVENTS_* settings, or none of them (the routes then refuse every call). */
function readAuthenticationEvents(env: Env, problems: string[]): BearerSettings | undefined {
  const given = AUTH_EVENTS_SETTINGS.filter((name) => value(env, name) !== undefined);
  if (given.length === 0) return undefined;
  const missing = AUTH_EVENTS_SETTINGS.filter((name) => value(env, name) === undefined);
  if (missing.length > 0) {
    problems.push(
      `${missing.join(", ")} missing: custom authentication extensions need all of ${AUTH_EVENTS_SETTINGS.join(", ")} (or none of them)`,
    );
    return undefined;
  }
  const tenantId = value(env, AppSetting.authEventsTenantId)!;
  const audience = value(env, AppSetting.authEventsAudience)!;
  const issuers = value(env, AppSetting.authEventsIssuers)!
    .split(",")
    .map((i) => i.trim())
    .filter(Boolean);
  const keySetUri = value(env, AppSetting.authEventsKeySetUri)!;
  const before = problems.length;
  if (!GUID.test(tenantId))
    problems.push(`${AppSetting.authEventsTenantId} must be a GUID (got ${JSON.stringify(tenantId)})`);
  if (!GUID.test(audience))
    problems.push(
      `${AppSetting.authEventsAudience} must be the extension API's appId, a GUID (got ${JSON.stringify(audience)})`,
    );
  for (const issuer of issuers.filter((i) => !/^https:\/\/[^/\s]+\/\S*$/.test(i))) {
    problems.push(
      `${AppSetting.authEventsIssuers} contains ${JSON.stringify(issuer)}, which is not an https URL`,
    );
  }
  if (issuers.length === 0) problems.push(`${AppSetting.authEventsIssuers} lists no issuer`);
  let keySetUrl: URL | undefined;
  try {
    keySetUrl = new URL(keySetUri);
  } catch {
    problems.push(`${AppSetting.authEventsKeySetUri} is not a URL (got ${JSON.stringify(keySetUri)})`);
  }
  if (keySetUrl && keySetUrl.protocol !== "https:" && !isLoopbackUrl(keySetUri)) {
    problems.push(
      `${AppSetting.authEventsKeySetUri} must be https (got ${JSON.stringify(keySetUri)}); plain http is accepted only on a loopback host`,
    );
  }
  if (problems.length > before) return undefined;
  return {
    tenantId,
    audience,
    issuers,
    keySetUri,
    authorizedParty: AUTHENTICATION_EVENTS_APP_ID,
    clockToleranceSeconds: 120,
  };
}

/**
 * `AUTH_EVENTS_TOKEN_CLAIMS`: the `tokenClaims` JSON, validated by its schema and by the same check the
 * deploy runs (declared attributes the enrichment writes; worst case within Entra's 3 KB claims limit).
 */
function readTokenClaims(
  env: Env,
  policy: Policy | undefined,
  attributeNames: readonly string[],
  problems: string[],
): TokenClaims | undefined {
  const name = AppSetting.authEventsTokenClaims;
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    problems.push(`${name} is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = tokenClaimsSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = [name, ...issue.path.map(String)].join(".");
      problems.push(`${where}: ${issue.message}`);
    }
    return undefined;
  }
  // Without a valid policy the policy's own problems are already listed; the rest is checked next start.
  if (policy === undefined) return undefined;
  const found = checkTokenClaims(
    parsed.data,
    attributeNames.map((n) => ({ name: n })),
    policy,
  );
  for (const problem of found)
    problems.push(`${name}.${problem.path} = ${JSON.stringify(problem.value)}: ${problem.message}`);
  return found.length === 0 ? parsed.data : undefined;
}

function readAdminKey(env: Env, problems: string[]): string | undefined {
  if (env[AppSetting.adminKey] === undefined || env[AppSetting.adminKey] === "") return undefined;
  return readSecret(env, AppSetting.adminKey, MIN_ADMIN_KEY_LENGTH, problems);
}

function readInteger(
  env: Env,
  name: keyof typeof SETTING_DEFAULTS,
  min: number,
  max: number,
  problems: string[],
) {
  const raw = value(env, name) ?? SETTING_DEFAULTS[name];
  const parsed = Number(raw);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got ${JSON.stringify(raw)})`);
    return min;
  }
  return parsed;
}

function readName(
  env: Env,
  name: keyof typeof SETTING_DEFAULTS,
  pattern: RegExp,
  rule: string,
  problems: string[],
) {
  const chosen = value(env, name) ?? SETTING_DEFAULTS[name];
  if (!pattern.test(chosen)) problems.push(`${name} = ${JSON.stringify(chosen)} is not valid: ${rule}`);
  return chosen;
}

function readStorage(env: Env, problems: string[]): StorageSettings | undefined {
  const connection = readStorageConnection(env, problems);
  const table = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
  const tableRule = "3-63 letters or digits, starting with a letter";
  const settings = {
    rateLimitTable: readName(env, AppSetting.rateLimitTable, table, tableRule, problems),
    approvalsTable: readName(env, AppSetting.approvalsTable, table, tableRule, problems),
    eventMarkersTable: readName(env, AppSetting.eventMarkersTable, table, tableRule, problems),
    eventsQueue: readName(
      env,
      AppSetting.eventsQueue,
      /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      "3-63 lower-case letters, digits and single hyphens",
      problems,
    ),
    timeoutMs: readInteger(env, AppSetting.storageTimeoutMs, 100, 15_000, problems),
  };
  return connection === undefined ? undefined : { connection, ...settings };
}

function readStorageConnection(env: Env, problems: string[]): StorageConnection | undefined {
  const connectionString = value(env, "AzureWebJobsStorage");
  if (connectionString !== undefined) return { kind: "connectionString", connectionString };
  const accountName = value(env, "AzureWebJobsStorage__accountName");
  const tableServiceUri =
    value(env, "AzureWebJobsStorage__tableServiceUri") ??
    (accountName === undefined ? undefined : `https://${accountName}.table.core.windows.net`);
  const queueServiceUri =
    value(env, "AzureWebJobsStorage__queueServiceUri") ??
    (accountName === undefined ? undefined : `https://${accountName}.queue.core.windows.net`);
  if (tableServiceUri === undefined || queueServiceUri === undefined) {
    problems.push(
      "storage is not configured: set AzureWebJobsStorage (connection string; Azurite locally) or " +
        "AzureWebJobsStorage__accountName (or __tableServiceUri and __queueServiceUri) for identity-based access",
    );
    return undefined;
  }
  for (const [name, uri] of [
    ["tableServiceUri", tableServiceUri],
    ["queueServiceUri", queueServiceUri],
  ] as const) {
    if (!/^https:\/\/[^/\s]+\/?$/.test(uri))
      problems.push(`AzureWebJobsStorage__${name} must be an https:// URL`);
  }
  return {
    kind: "identity",
    tableServiceUri,
    queueServiceUri,
    clientId: value(env, "AzureWebJobsStorage__clientId"),
  };
}
