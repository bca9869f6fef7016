/**
 * Bearer-token validation for the authentication-event routes (custom authentication extensions). Every
 * request is checked before any decision, with `jose`:
 *  - signature: RS256 only (`none`, `HS*` and every other algorithm refused), the key chosen by `kid` from
 *    the configured key set only (`jku`, `x5u` and `jwk` headers are never followed); the key set is cached
 *    and fetched again on an unknown `kid`, at most once per `keySetCooldownMs`;
 *  - `iss` exactly one of the configured issuers, `aud` the extension API's appId, `azp` (v1: `appid`) the
 *    Entra authentication-events service, `tid` the tenant, `ver` "2.0";
 *  - `exp` and `nbf` required, with `clockToleranceSeconds` of skew.
 * A token that passed is remembered by its exact text until its `exp` (plus the skew) or for
 * `verifiedTokenTtlMs`, whichever comes first, so the same token arriving again is not verified again
 * (RS256 was most of the extension path's cost). Only successes are remembered: a refused or altered token
 * is always verified in full, and a key removed from the key set stops covering new tokens at once and the
 * remembered ones within the TTL.
 * A failure is a reason code, never a decision: the route answers 401 with no body a caller could learn
 * from, and logs the code once. docs/external-tenant-contract.md §10.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-overview#protect-your-rest-api
 */
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  jwtVerify,
  type FetchImplementation,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";

export interface BearerSettings {
  /** The tenant whose tokens are accepted (`tid`), a GUID. */
  readonly tenantId: string;
  /** The extension API's appId: `aud` of a v2 token. */
  readonly audience: string;
  /** The exact `iss` values accepted (contract/authenticationEvents.ts `tokenIssuers`). */
  readonly issuers: readonly string[];
  /** The key set URL (`…/discovery/v2.0/keys`). */
  readonly keySetUri: string;
  /** The client that must have asked for the token (`azp`/`appid`). @default the authentication-events service */
  readonly authorizedParty: string;
  /** Allowed clock skew for `exp`/`nbf`, in seconds. @default 120 */
  readonly clockToleranceSeconds: number;
}

/** Why a token was refused; logged, never sent to the caller. */
export type BearerFailure =
  | "missing"
  | "malformed"
  | "algorithm"
  | "unknown_key"
  | "signature"
  | "issuer"
  | "audience"
  | "authorized_party"
  | "tenant"
  | "version"
  | "expired"
  | "not_yet_valid"
  | "claims"
  | "key_set_unavailable";

export type BearerOutcome =
  { readonly ok: true; readonly claims: JWTPayload } | { readonly ok: false; readonly reason: BearerFailure };

export interface BearerValidatorOptions {
  /** Minimum time between two key-set fetches caused by an unknown `kid`, in ms. @default 60000 */
  readonly keySetCooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again, in ms. @default 3600000 */
  readonly keySetMaxAgeMs?: number;
  /** Budget of one key-set fetch, in ms. @default 5000 */
  readonly keySetTimeoutMs?: number;
  /** The fetch used for the key set (tests count fetches). @default globalThis.fetch */
  readonly fetch?: FetchImplementation;
  /** How long a verified token is accepted again without a new check, in ms; 0 checks every time. @default 300000 */
  readonly verifiedTokenTtlMs?: number;
  /** The clock, in epoch ms (tests move it). @default Date.now */
  readonly now?: () => number;
}

/** Verified tokens remembered per validator; the oldest goes first past this many. */
const VERIFIED_TOKENS = 256;

export type BearerValidator = (authorization: string | null | undefined) => Promise<BearerOutcome>;

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

/** Builds one validator (and its key-set cache) per settings load. */
export function bearerValidator(
  settings: BearerSettings,
  options: BearerValidatorOptions = {},
): BearerValidator {
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(settings.keySetUri), {
    cooldownDuration: options.keySetCooldownMs ?? 60_000,
    cacheMaxAge: options.keySetMaxAgeMs ?? 3_600_000,
    timeoutDuration: options.keySetTimeoutMs ?? 5_000,
    ...(options.fetch ? { [customFetch]: options.fetch } : {}),
  });
  const issuers = [...settings.issuers];
  const tenantId = settings.tenantId.toLowerCase();
  const ttlMs = options.verifiedTokenTtlMs ?? 300_000;
  const now = options.now ?? Date.now;
  const verified = new Map<string, { readonly claims: JWTPayload; readonly untilMs: number }>();
  return async (authorization) => {
    if (!authorization) return fail("missing");
    const match = BEARER.exec(authorization.trim());
    if (!match) return fail("malformed");
    const token = match[1]!;
    const at = now();
    const known = verified.get(token);
    if (known !== undefined) {
      if (at < known.untilMs) return { ok: true, claims: known.claims };
      verified.delete(token);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: ["RS256"],
        issuer: issuers,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceSeconds,
        requiredClaims: ["exp", "nbf", "iat", "tid"],
        currentDate: new Date(at),
      }));
    } catch (error) {
      return fail(failureOf(error));
    }
    const party = payload.azp ?? payload.appid;
    if (party !== settings.authorizedParty) return fail("authorized_party");
    if (typeof payload.tid !== "string" || payload.tid.toLowerCase() !== tenantId) return fail("tenant");
    if (payload.ver !== "2.0") return fail("version");
    if (ttlMs > 0) {
      // `exp` is required above; past it (plus the skew) the token is checked in full, and refused.
      const expiresMs = ((payload.exp ?? 0) + settings.clockToleranceSeconds) * 1000;
      if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value!);
      verified.set(token, { claims: payload, untilMs: Math.min(at + ttlMs, expiresMs) });
    }
    return { ok: true, claims: payload };
  };
}

function fail(reason: BearerFailure): BearerOutcome {
  return { ok: false, reason };
}

/** jose's error classes → our reason codes. */
function failureOf(error: unknown): BearerFailure {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return "issuer";
    if (error.claim === "aud") return "audience";
    if (error.claim === "nbf") return "not_yet_valid";
    return "claims";
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return "algorithm";
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return "unknown_key";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature";
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)
    return "key_set_unavailable";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return "malformed";
  // A failed key-set fetch surfaces as a plain (network) error.
  return "key_set_unavailable";
}
