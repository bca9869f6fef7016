/**
 * The OnTokenIssuanceStart route of the custom authentication extension (workforce and external tenants):
 * Entra calls it while issuing a token to an application in `tokenClaims.appIds`, and it answers one
 * `provideClaimsForToken` action with the claims the policy gives the user's email domain
 * (functions/engine/tokenClaims.ts). Order of checks:
 *  1. declared size over the limit → 413, before anything is read;
 *  2. the bearer token (functions/auth/bearer.ts) → any failure, or no token configuration, is 401 with an
 *     empty body and one `signup.token_refused` log line: never a decision an attacker could read;
 *  3. body read with a hard cap → 413;
 *  4. the envelope: JSON object, `type` `microsoft.graph.authenticationEvent.tokenIssuanceStart` and
 *     `data["@odata.type"]` (or `@odata.Type`) `microsoft.graph.onTokenIssuanceStartCalloutData` → else 400;
 *  5. the claims → HTTP 200, plain `application/json`, exactly one action, a claims object that is never
 *     null (1003007), keys never empty (1003026), within 3 KB (1003025).
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-claims-provider-reference,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot.
 * docs/external-tenant-contract.md §9.1, §9.2, §9.7, §10.
 */
import { TOKEN_ISSUANCE_START_ROUTE } from "../../contract/extensionRoutes";
import type { HttpHandler, HttpResponseInit, InvocationContext } from "@azure/functions";
import { tokenClaimsFor, type TokenIssuanceUser } from "../engine/tokenClaims";
import type { ConnectorRuntime, RequestHeaders, RuntimeSource } from "../runtime";
import { isJsonContentType, parseJson, readBodyWithLimit } from "./body";
import { payloadTooLarge } from "./responses";

/** The route and function name both hosts serve (`POST /api/onTokenIssuanceStart`). */
export { TOKEN_ISSUANCE_START_ROUTE };

export const TOKEN_ISSUANCE_START_EVENT = "microsoft.graph.authenticationEvent.tokenIssuanceStart";
export const TOKEN_ISSUANCE_START_CALLOUT_DATA = "microsoft.graph.onTokenIssuanceStartCalloutData";
export const TOKEN_ISSUANCE_START_RESPONSE_DATA = "microsoft.graph.onTokenIssuanceStartResponseData";
export const PROVIDE_CLAIMS_FOR_TOKEN = "microsoft.graph.tokenIssuanceStart.provideClaimsForToken";

/** Log markers (one JSON line each). */
export const TOKEN_REFUSED_EVENT = "signup.token_refused";
export const TOKEN_CLAIMS_EVENT = "signup.token_claims";

/** Plain `application/json`: a `charset` parameter is not documented as accepted (1003006). */
const HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-store" };

export function tokenIssuanceStartHandler(runtimeSource: RuntimeSource): HttpHandler {
  return async (request, context) => {
    const started = performance.now();
    try {
      const runtime = runtimeSource();
      const early = refuseTokenIssuanceBeforeBody(request, runtime);
      if (early !== undefined) return early;
      const { verifyBearer, settings } = runtime;
      const config = settings.tokenClaims;
      if (verifyBearer === undefined || config === undefined)
        return refused(context, verifyBearer === undefined ? "not_configured" : "no_token_claims");
      const outcome = await verifyBearer(request.headers.get("authorization"));
      if (!outcome.ok) return refused(context, outcome.reason);

      const body = await readBodyWithLimit(request, settings.maxBodyBytes);
      if (!body.ok) return payloadTooLarge(settings.maxBodyBytes);
      const envelope = readEnvelope(
        isJsonContentType(request.headers.get("content-type")) ? parseJson(body.text) : { ok: false },
      );
      if ("error" in envelope) return badRequest(context, envelope.error);

      const result = tokenClaimsFor(config, settings.policy, envelope.user);
      if (result.dropped.length > 0)
        context.warn(
          JSON.stringify({
            event: TOKEN_CLAIMS_EVENT,
            warning: "claims_size_exceeded",
            dropped: result.dropped,
            domain: result.domain ?? null,
          }),
        );
      context.info(
        JSON.stringify({
          event: TOKEN_CLAIMS_EVENT,
          domain: result.domain ?? null,
          claims: Object.keys(result.claims),
          latencyMs: Math.round((performance.now() - started) * 100) / 100,
        }),
      );
      return {
        status: 200,
        headers: HEADERS,
        body: JSON.stringify({
          data: {
            "@odata.type": TOKEN_ISSUANCE_START_RESPONSE_DATA,
            actions: [{ "@odata.type": PROVIDE_CLAIMS_FOR_TOKEN, claims: result.claims }],
          },
        }),
      };
    } catch (error) {
      // No decision to fall back on: a 500 fails this token (1003002) and the log says why.
      const name = error instanceof Error ? error.name : typeof error;
      context.error(
        JSON.stringify({ event: "signup.unexpected_error", step: TOKEN_ISSUANCE_START_ROUTE, error: name }),
      );
      return { status: 500 };
    }
  };
}

/** Check 1, which needs only the headers (the local host runs it before reading the body). */
export function refuseTokenIssuanceBeforeBody(
  request: RequestHeaders,
  runtime: ConnectorRuntime,
): HttpResponseInit | undefined {
  const limit = runtime.settings.maxBodyBytes;
  if (Number(request.headers.get("content-length") ?? "0") > limit) return payloadTooLarge(limit);
  return undefined;
}

function refused(context: InvocationContext, reason: string): HttpResponseInit {
  context.warn(JSON.stringify({ event: TOKEN_REFUSED_EVENT, reason }));
  return { status: 401, headers: { "Cache-Control": "no-store" } };
}

function badRequest(context: InvocationContext, error: string): HttpResponseInit {
  context.warn(JSON.stringify({ event: TOKEN_CLAIMS_EVENT, warning: "bad_request", error }));
  return { status: 400, headers: HEADERS, body: JSON.stringify({ error: "bad_request", message: error }) };
}

/** Case-insensitive: Entra's samples vary the casing of these strings (`@odata.Type`, PascalCase). */
const same = (a: unknown, b: string) =>
  typeof a === "string" && a.replace(/^#/, "").toLowerCase() === b.toLowerCase();

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

type Envelope = { readonly user: TokenIssuanceUser | undefined } | { readonly error: string };

/** The parts of the request the answer depends on, or why it is not an OnTokenIssuanceStart call. */
function readEnvelope(parsed: { ok: true; value: unknown } | { ok: false }): Envelope {
  if (!parsed.ok || !isObject(parsed.value))
    return { error: "the body must be a JSON object (Content-Type: application/json)" };
  const { type, data } = parsed.value;
  if (!same(type, TOKEN_ISSUANCE_START_EVENT))
    return {
      error: `type ${JSON.stringify(type ?? null)} is not ${TOKEN_ISSUANCE_START_EVENT}: this route answers OnTokenIssuanceStart only`,
    };
  if (!isObject(data)) return { error: "data must be an object" };
  const dataType = data["@odata.type"] ?? data["@odata.Type"];
  if (!same(dataType, TOKEN_ISSUANCE_START_CALLOUT_DATA))
    return {
      error: `data["@odata.type"] ${JSON.stringify(dataType ?? null)} is not ${TOKEN_ISSUANCE_START_CALLOUT_DATA}`,
    };
  const authenticationContext = data.authenticationContext;
  if (authenticationContext !== undefined && !isObject(authenticationContext))
    return { error: "data.authenticationContext must be an object" };
  const user = authenticationContext?.user;
  if (user !== undefined && user !== null && !isObject(user))
    return { error: "data.authenticationContext.user must be an object" };
  return { user: user ?? undefined };
}
