/**
 * The attribute-collection routes of an external tenant (`/api/onAttributeCollectionStart`,
 * `/api/onAttributeCollectionSubmit`): custom authentication extensions answered by the same engine as
 * the B2X connector steps. Order of checks, and why:
 *  1. declared size over the limit → 413 before anything is read;
 *  2. the bearer token (functions/auth/bearer.ts) → any failure, or no AUTH_EVENTS_* settings, is 401 with
 *     an empty body and one `signup.token_refused` log line with the reason: never a decision (a decision
 *     would tell a caller without a token what the policy admits), never the token;
 *  3. body read with a hard cap → 413;
 *  4. the envelope: not JSON, not this route's event (`type` cross-checked with `data["@odata.type"]`) → 400
 *     with what was expected, and no decision;
 *  5. the engine (`processRequest`, never rejects) → exactly one action, HTTP 200, `application/json`.
 * Anything unexpected becomes the engine's `internal_error` block page: any other status fails the
 * sign-up with Entra's generic error (1003002) and tells us less.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-overview#protect-your-rest-api,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot
 */
import type { HttpHandler, HttpResponseInit, InvocationContext } from "@azure/functions";
import { EXTENSION_ROUTES, type AttributeCollectionEvent } from "../../contract/extensionRoutes";
import { compilePolicy } from "../engine/compile";
import { DEFAULT_MESSAGES, DEFAULT_TEXTS, selectLocale } from "../engine/messages";
import { processRequest } from "../engine/pipeline";
import { blockDecision } from "../engine/responses";
import type { Decision, DecisionLogger } from "../engine/types";
import { extensionResponse } from "../extension/actions";
import { readEnvelope, type AttributeCollectionCall } from "../extension/envelope";
import { EVENT_STEPS, engineRequest } from "../extension/engineRequest";
import { pipelineDeps, type ConnectorRuntime, type RequestHeaders, type RuntimeSource } from "../runtime";
import { isJsonContentType, parseJson, readBodyWithLimit } from "./body";
import { contextDecisionLogger } from "./logger";
import { jsonResponse, payloadTooLarge } from "./responses";

/** The marker of a refused token's log line (KQL: `parse_json(message).event`). */
export const TOKEN_REFUSED_EVENT = "signup.token_refused";

/** Plain `application/json`: whether Entra accepts a `charset` parameter is not documented. */
const DECISION_HEADERS = { "Content-Type": "application/json", "Cache-Control": "no-store" };

export function extensionHandler(event: AttributeCollectionEvent, runtimeSource: RuntimeSource): HttpHandler {
  const step = EVENT_STEPS[event];
  return async (request, context) => {
    const logger = contextDecisionLogger(context, { route: EXTENSION_ROUTES[event] });
    let call: AttributeCollectionCall | undefined;
    let version = "1.0.0";
    try {
      const runtime = runtimeSource();
      version = runtime.settings.policy.version;
      const refused = await refuseExtensionCall(request, runtime, (line) => context.warn(line));
      if (refused !== undefined) return refused;
      const limit = runtime.settings.maxBodyBytes;
      const body = await readBodyWithLimit(request, limit);
      if (!body.ok) return payloadTooLarge(limit);
      if (!isJsonContentType(request.headers.get("content-type")))
        return badRequest(event, "the body is not application/json");
      const parsed = parseJson(body.text);
      if (!parsed.ok) return badRequest(event, "the body is not valid JSON");
      const read = readEnvelope(event, parsed.value);
      if (!read.ok) return badRequest(event, read.problem);
      call = read.call;
      const decision = await processRequest(step, engineRequest(call), pipelineDeps(runtime, logger), {
        ...(call.clientIp ? { clientIp: call.clientIp } : {}),
      });
      return answer(call, decision, runtime, logger);
    } catch (error) {
      reportUnexpected(context, event, error);
      const decision = blockDecision(step, version, DEFAULT_MESSAGES.internal_error, "internal_error");
      const fallback: AttributeCollectionCall = call ?? { event, attributes: new Map() };
      return decisionBody(
        extensionResponse(fallback, decision, { blockTitle: DEFAULT_TEXTS.block_page_title }),
      );
    }
  };
}

/**
 * Checks 1 and 2, which need only the headers. The local host runs them before it reads the body; a
 * request that passed is remembered (by its header object) so the handler does not validate the token twice.
 */
export async function refuseExtensionCall(
  request: RequestHeaders,
  runtime: ConnectorRuntime,
  log: (line: string) => void,
): Promise<HttpResponseInit | undefined> {
  if (admitted.has(request.headers)) return undefined;
  const limit = runtime.settings.maxBodyBytes;
  if (Number(request.headers.get("content-length") ?? "0") > limit) return payloadTooLarge(limit);
  const outcome = runtime.verifyBearer
    ? await runtime.verifyBearer(request.headers.get("authorization"))
    : ({ ok: false, reason: "not_configured" } as const);
  if (!outcome.ok) {
    log(JSON.stringify({ event: TOKEN_REFUSED_EVENT, reason: outcome.reason }));
    // No body: nothing a caller without a valid token could learn from.
    return { status: 401, headers: { "WWW-Authenticate": "Bearer", "Cache-Control": "no-store" } };
  }
  admitted.add(request.headers);
  return undefined;
}

const admitted = new WeakSet<object>();

function answer(
  call: AttributeCollectionCall,
  decision: Decision,
  runtime: ConnectorRuntime,
  logger: DecisionLogger,
): HttpResponseInit {
  const catalogue = selectLocale(compilePolicy(runtime.settings.policy).messages, call.locale);
  const response = extensionResponse(call, decision, {
    blockTitle: catalogue.get("block_page_title") ?? DEFAULT_TEXTS.block_page_title,
    extensionsAppId: runtime.settings.extensionsAppId,
  });
  if (response.dropped.length > 0)
    logger.warn("claims not written: their value does not fit the attribute's type", {
      route: EXTENSION_ROUTES[call.event],
      attributes: response.dropped,
    });
  return decisionBody(response);
}

function decisionBody(response: { body: unknown }): HttpResponseInit {
  return { status: 200, headers: DECISION_HEADERS, body: JSON.stringify(response.body) };
}

function badRequest(event: AttributeCollectionEvent, problem: string): HttpResponseInit {
  return jsonResponse(400, {
    error: "bad_request",
    message: `/api/${EXTENSION_ROUTES[event]}: ${problem}`,
  });
}

/** Error name and message only: a stack or a request dump could carry the user's attributes. */
function reportUnexpected(context: InvocationContext, event: AttributeCollectionEvent, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const message =
    error instanceof Error ? error.message.replace(/[^\s@"]+@[^\s@"]+/g, "[redacted-email]") : "";
  context.error(JSON.stringify({ event: "signup.unexpected_error", step: event, error: name, message }));
}
