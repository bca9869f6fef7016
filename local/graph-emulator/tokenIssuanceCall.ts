/**
 * Entra's call to an OnTokenIssuanceStart custom authentication extension, for the emulator's sign-in
 * route: the event envelope, the POST with `Authorization: Bearer`, the extension's own timeout and at most
 * `maximumRetries` more attempts when no answer arrives, and a strict reading of the answer. An answer
 * Entra would not accept fails the sign-in with the 1003xxx code its sign-in log shows
 * (docs/external-tenant-contract.md §9.7, §9.8). None of this is Microsoft Graph.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-claims-provider-reference,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot#error-codes-reference
 */
import {
  calloutTries,
  parseBody,
  postCallout,
  readCalloutAction,
  record,
  unanswered,
  type CalloutAnswer,
  type CalloutFailure,
  type EnvelopeServicePrincipal,
} from "../extension-callout";

/** Entra's limit on the returned claims, keys and values together (1003025). */
export const MAX_CLAIMS_BYTES = 3 * 1024;
/** Largest answer body read (1003024 beyond it). INFERENCE: Entra's limit is undocumented; 64 KB is generous. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const RESPONSE_TYPE = "microsoft.graph.onTokenIssuanceStartResponseData";
const ACTION_TYPE = "microsoft.graph.tokenIssuanceStart.provideClaimsForToken";

/** What one OnTokenIssuanceStart request is about. */
export interface TokenIssuanceEnvelopeInput {
  readonly tenantId: string;
  readonly listenerId: string;
  readonly extensionId: string;
  readonly correlationId: string;
  readonly clientServicePrincipal: EnvelopeServicePrincipal;
  /** `authenticationContext.user`: the stored user's documented fields that it has. */
  readonly user: Readonly<Record<string, unknown>>;
}

/** The body Entra POSTs (§9.2, §9.7). For an ID token the resource is the client app itself. */
export function tokenIssuanceEnvelope(input: TokenIssuanceEnvelopeInput): Record<string, unknown> {
  return {
    type: "microsoft.graph.authenticationEvent.tokenIssuanceStart",
    source: `/tenants/${input.tenantId}/applications/${input.clientServicePrincipal.appId}`,
    data: {
      "@odata.type": "microsoft.graph.onTokenIssuanceStartCalloutData",
      tenantId: input.tenantId,
      authenticationEventListenerId: input.listenerId,
      customAuthenticationExtensionId: input.extensionId,
      authenticationContext: {
        correlationId: input.correlationId,
        client: { ip: "127.0.0.1", locale: "en-us", market: "en-us" },
        protocol: "OAUTH2.0",
        clientServicePrincipal: input.clientServicePrincipal,
        resourceServicePrincipal: input.clientServicePrincipal,
        user: input.user,
      },
    },
  };
}

/** User properties Entra puts in `authenticationContext.user`, when the user has them. */
const USER_FIELDS = [
  "id",
  "mail",
  "displayName",
  "givenName",
  "surname",
  "userPrincipalName",
  "userType",
  "companyName",
  "preferredLanguage",
  "createdDateTime",
] as const;

/** `authenticationContext.user` of a stored user (no custom attributes: Entra sends none). */
export function envelopeUser(user: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of USER_FIELDS) {
    const value = user[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}

/** One HTTP attempt, as the sign-in route reports it (the bearer token is never included). */
export interface TokenIssuanceAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly url: string;
  /** Headers as sent, with the token replaced by `Bearer <redacted>`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly request: Record<string, unknown>;
  /** `null` when no answer arrived (timeout or network error). */
  readonly status: number | null;
  /** Parsed JSON, or the raw text when it was not JSON. */
  readonly response?: unknown;
  /** The 1003xxx code and reason when this attempt's answer (or its absence) fails the sign-in. */
  readonly error?: string;
  readonly latencyMs: number;
}

/** A 1003xxx failure: `code` like `1003002 InvalidHTTPStatus`. */
export type TokenIssuanceFailure = CalloutFailure;

export type TokenIssuanceOutcome =
  | { readonly kind: "claims"; readonly claims: Record<string, string | string[]> }
  | ({ readonly kind: "failed" } & TokenIssuanceFailure);

const failed = (code: string, reason: string): TokenIssuanceOutcome => ({ kind: "failed", code, reason });

/** One HTTP answer as Entra reads it. */
export type TokenIssuanceAnswer = CalloutAnswer;

/**
 * Reads an answer as strictly as Entra: HTTP 200, `application/json`, the response schema with exactly
 * one `provideClaimsForToken` action (camelCase, the documented form: §9.7), a claims object (not null)
 * whose keys are non-empty and whose values are strings or string arrays, ≤ 3 KB in all.
 */
export function readTokenIssuanceAnswer(answer: TokenIssuanceAnswer): TokenIssuanceOutcome {
  const read = readCalloutAction(answer, RESPONSE_TYPE, { maxBytes: MAX_RESPONSE_BYTES });
  if ("failure" in read) return failed(read.failure.code, read.failure.reason);
  const { action } = read;
  if (action["@odata.type"] !== ACTION_TYPE)
    return failed(
      "1003012 InvalidActionType",
      `${JSON.stringify(action["@odata.type"])} is not an action of tokenIssuanceStart; expected ${ACTION_TYPE}`,
    );
  return readClaims(action.claims);
}

function readClaims(value: unknown): TokenIssuanceOutcome {
  if (value === null || value === undefined)
    return failed("1003007 NullClaimsResponse", "the action's claims are null or missing");
  const claims = record(value);
  if (!claims) return failed("1003003 InvalidResponseBody", "the action's claims must be an object");
  const out: Record<string, string | string[]> = {};
  for (const [key, v] of Object.entries(claims)) {
    if (key.trim() === "")
      return failed("1003026 NullOrEmptyClaimKeyNotSupported", "a claim has an empty key");
    if (typeof v !== "string" && !(Array.isArray(v) && v.every((x) => typeof x === "string")))
      return failed(
        "1003003 InvalidResponseBody",
        `claim ${JSON.stringify(key)} must be a string or an array of strings, got ${JSON.stringify(v)}`,
      );
    Object.defineProperty(out, key, { enumerable: true, value: v, writable: true });
  }
  const size = Buffer.byteLength(JSON.stringify(out));
  if (size > MAX_CLAIMS_BYTES)
    return failed(
      "1003025 ClaimsExceededSizeLimit",
      `the claims take ${size} bytes, over Entra's limit of ${MAX_CLAIMS_BYTES}`,
    );
  return { kind: "claims", claims: out };
}

/** How a call is made. */
export interface TokenIssuanceCallOptions {
  readonly targetUrl: string;
  /** @default 1000 when the extension has none (`clientConfiguration` null) */
  readonly timeoutInMilliseconds: number;
  /** 0 or 1. @default 1 when the extension has none */
  readonly maximumRetries: number;
  readonly token: string;
}

/**
 * POSTs `envelope`; tries again (same body, same correlation id) only when no answer arrived, at most
 * `maximumRetries` times. Any HTTP answer is final.
 */
export async function callTokenIssuanceStart(
  envelope: Record<string, unknown>,
  opts: TokenIssuanceCallOptions,
): Promise<{ outcome: TokenIssuanceOutcome; attempts: TokenIssuanceAttempt[] }> {
  const attempts: TokenIssuanceAttempt[] = [];
  const tries = calloutTries(opts.maximumRetries);
  let last: TokenIssuanceFailure | undefined;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const at = new Date().toISOString();
    const headers = { "Content-Type": "application/json", Authorization: "Bearer <redacted>" };
    const base = { attempt, at, url: opts.targetUrl, headers, request: envelope };
    const result = await postCallout(envelope, opts);
    if ("failure" in result) {
      const { failure, latencyMs } = result;
      attempts.push({ ...base, status: null, error: `${failure.code}: ${failure.reason}`, latencyMs });
      last = failure;
      continue;
    }
    const { answer, latencyMs } = result;
    const outcome = readTokenIssuanceAnswer(answer);
    const entry = { ...base, status: answer.status, response: parseBody(answer.text), latencyMs };
    attempts.push(
      outcome.kind === "failed" ? { ...entry, error: `${outcome.code}: ${outcome.reason}` } : entry,
    );
    return { outcome, attempts };
  }
  const none = unanswered(tries, last);
  return { attempts, outcome: failed(none.code, none.reason) };
}
