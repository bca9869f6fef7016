/**
 * The app settings the deploy side writes and the connector reads: their names, one encoder
 * (`encodeHostSettings`, used by `SelfServiceSignUp` for every kind of host) and the decoders the
 * Function App uses (`functions/settings.ts`). Both processes agree on these strings through this file only.
 * Learn: https://learn.microsoft.com/azure/azure-functions/functions-app-settings
 */
import type { TokenClaims } from "./tokenClaims";

/** Every app setting name the connector understands. */
export const AppSetting = {
  /** The connector policy as JSON (the rules as data). */
  policy: "SIGNUP_POLICY",
  /** A path to a file holding the policy JSON (local hosts; exclusive with `policy`). */
  policyFile: "SIGNUP_POLICY_FILE",
  /** JSON map: logical attribute name → `extension_<appId>_<Name>`, as Graph assigned them. */
  attributeIds: "SIGNUP_ATTRIBUTE_IDS",
  /** The extensions app's appId (dashes optional), the `<appId>` inside custom attribute ids. */
  extensionsAppId: "SIGNUP_EXTENSIONS_APP_ID",
  /** `basic` or `certificate`: how the connector authenticates Entra's calls. */
  authMode: "CONNECTOR_AUTH_MODE",
  basicUsername: "CONNECTOR_BASIC_USERNAME",
  /** Secret: the Basic password, or a Key Vault reference to it. */
  basicPassword: "CONNECTOR_BASIC_PASSWORD",
  /** Comma-separated SHA-1 thumbprints of the client certificates accepted in certificate mode. */
  certThumbprints: "CONNECTOR_CERT_THUMBPRINTS",
  /** Secret: the key of the admin endpoints (approvals); absent = admin endpoints answer 404. */
  adminKey: "SIGNUP_ADMIN_KEY",
  rateLimitTable: "SIGNUP_RATE_LIMIT_TABLE",
  approvalsTable: "SIGNUP_APPROVALS_TABLE",
  eventMarkersTable: "SIGNUP_EVENT_MARKERS_TABLE",
  eventsQueue: "SIGNUP_EVENTS_QUEUE",
  storageTimeoutMs: "SIGNUP_STORAGE_TIMEOUT_MS",
  /**
   * Custom authentication extensions (external-tenant sign-up, token claims): the tenant id whose tokens
   * are accepted. Together with the three below it switches the authentication-event routes on.
   */
  authEventsTenantId: "AUTH_EVENTS_TENANT_ID",
  /** The extension API's appId: the `aud` of every token Entra sends. */
  authEventsAudience: "AUTH_EVENTS_API_APP_ID",
  /** Comma-separated exact token issuers (contract/authenticationEvents.ts `tokenIssuers`). */
  authEventsIssuers: "AUTH_EVENTS_ISSUERS",
  /** The signing key set URL (`…/discovery/v2.0/keys`); https, or http on a loopback host locally. */
  authEventsKeySetUri: "AUTH_EVENTS_KEY_SET_URI",
  /**
   * JSON `tokenClaims` (contract/tokenClaims.ts): the claims the `onTokenIssuanceStart` route answers with.
   * Needs the AUTH_EVENTS_* settings above; absent = that route refuses every call.
   */
  authEventsTokenClaims: "AUTH_EVENTS_TOKEN_CLAIMS",
  maxBodyBytes: "SIGNUP_MAX_BODY_BYTES",
} as const;
export type AppSettingName = (typeof AppSetting)[keyof typeof AppSetting];

/** The settings whose values are secrets (sent as secrets, never logged). */
export const SECRET_APP_SETTINGS: ReadonlySet<string> = new Set([
  AppSetting.basicPassword,
  AppSetting.adminKey,
]);

/**
 * How the connector authenticates Entra's API-connector calls (the non-secret part; the password travels
 * separately). `none`: no API connector calls Entra (an external tenant), so the connector steps refuse
 * every call; the authentication-event routes always check bearer tokens instead.
 */
export type HostAuth =
  | { readonly mode: "basic"; readonly username: string }
  | { readonly mode: "certificate"; readonly thumbprints: readonly string[] }
  | { readonly mode: "none" };

/** Who may call the authentication-event routes: the expected token (contract/authenticationEvents.ts). */
export interface HostAuthenticationEvents {
  readonly tenantId: string;
  /** The extension API's appId. */
  readonly audience: string;
  readonly issuers: readonly string[];
  readonly keySetUri: string;
}

/** What the deploy side tells a connector host, before encoding. */
export interface HostSettings {
  /** The connector policy as the user wrote it (validated by the caller). */
  readonly policy: unknown;
  /** Logical attribute name → Graph attribute id. */
  readonly attributeIds: Readonly<Record<string, string>>;
  /** The extensions app id, when the stack has custom attributes. */
  readonly extensionsAppId?: string;
  readonly auth: HostAuth;
  /** When custom authentication extensions call this host. @default - the routes refuse every call */
  readonly authenticationEvents?: HostAuthenticationEvents;
  /**
   * The claims the OnTokenIssuanceStart route adds to tokens (validated by the caller with
   * `tokenClaimsSchema` and `checkTokenClaims`). Needs `authenticationEvents`.
   * @default - the route refuses every call
   */
  readonly tokenClaims?: TokenClaims;
}

/** `AB:cd ef…` → `ABCDEF…`: Entra, the portal and OpenSSL all print SHA-1 thumbprints differently. */
export function normaliseThumbprint(value: string): string {
  return value.replace(/[\s:-]/g, "").toUpperCase();
}

/** Splits and normalises a `CONNECTOR_CERT_THUMBPRINTS` value. */
export function decodeThumbprints(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map(normaliseThumbprint);
}

/**
 * The non-secret app settings for a connector host, sorted by name. The secrets
 * (`CONNECTOR_BASIC_PASSWORD`, `SIGNUP_ADMIN_KEY`) are added by the host's own resource, which knows
 * how it stores them (Key Vault reference, app setting, 0600 local file).
 */
export function encodeHostSettings(settings: HostSettings): Record<string, string> {
  const out: Record<string, string> = {
    [AppSetting.policy]: JSON.stringify(settings.policy),
    [AppSetting.attributeIds]: JSON.stringify(settings.attributeIds),
    [AppSetting.authMode]: settings.auth.mode,
  };
  if (settings.extensionsAppId) out[AppSetting.extensionsAppId] = settings.extensionsAppId;
  if (settings.auth.mode === "basic") out[AppSetting.basicUsername] = settings.auth.username;
  if (settings.auth.mode === "certificate")
    out[AppSetting.certThumbprints] = settings.auth.thumbprints.map(normaliseThumbprint).join(",");
  const events = settings.authenticationEvents;
  if (events) {
    out[AppSetting.authEventsTenantId] = events.tenantId;
    out[AppSetting.authEventsAudience] = events.audience;
    out[AppSetting.authEventsIssuers] = events.issuers.join(",");
    out[AppSetting.authEventsKeySetUri] = events.keySetUri;
  }
  if (settings.tokenClaims) out[AppSetting.authEventsTokenClaims] = JSON.stringify(settings.tokenClaims);
  return Object.fromEntries(
    Object.keys(out)
      .sort()
      .map((k) => [k, out[k]!]),
  );
}

/** The names `encodeHostSettings` writes for these settings (known before any value is). */
export function hostSettingNames(
  auth: HostAuth["mode"],
  withExtensionsAppId: boolean,
  withAuthenticationEvents = false,
  withTokenClaims = false,
): string[] {
  const hostAuth: HostAuth =
    auth === "basic"
      ? { mode: "basic", username: "x" }
      : auth === "certificate"
        ? { mode: "certificate", thumbprints: [] }
        : { mode: "none" };
  return Object.keys(
    encodeHostSettings({
      policy: {},
      attributeIds: {},
      extensionsAppId: withExtensionsAppId ? "x" : undefined,
      auth: hostAuth,
      authenticationEvents: withAuthenticationEvents
        ? { tenantId: "x", audience: "x", issuers: [], keySetUri: "x" }
        : undefined,
      tokenClaims: withTokenClaims ? { claims: [], appIds: [] } : undefined,
    }),
  );
}
