/**
 * The two connector endpoints. Order of checks, and why:
 *  1. declared size over the limit → 413 before anything is read;
 *  2. authentication → 401/403, so an anonymous caller learns nothing about our parsing;
 *  3. body read with a hard cap → 413;
 *  4. content type and JSON: a non-JSON content type or unparsable JSON reaches the engine as "no
 *     claims object", which answers with its `bad_request` block page (HTTP 200, valid at both steps,
 *     localised, logged like every decision). Entra always sends JSON, so this is not a user's typo to
 *     correct but a request we refuse; a ValidationError would be meaningless at postFederationSignup;
 *  5. the engine (`processRequest`, never rejects) → its decision, status line = decision status.
 * Anything unexpected becomes the engine's `internal_error` block page, never a 500: a 5xx only shows
 * the user a generic error and tells us less.
 */
import type { HttpHandler, HttpResponseInit, InvocationContext } from "@azure/functions";
import { DEFAULT_MESSAGES } from "../engine/messages";
import { processRequest } from "../engine/pipeline";
import { blockDecision } from "../engine/responses";
import type { Decision, Step } from "../engine/types";
import { pipelineDeps, type ConnectorRuntime, type RequestHeaders, type RuntimeSource } from "../runtime";
import { isJsonContentType, parseJson, readBodyWithLimit } from "./body";
import { contextDecisionLogger } from "./logger";
import { decisionResponse, payloadTooLarge } from "./responses";

/** What the engine gets when there is no claims object to give it (its `bad_request` path). */
const NO_CLAIMS = null;

export function connectorHandler(step: Step, runtimeSource: RuntimeSource): HttpHandler {
  return async (request, context) => {
    const started = performance.now();
    const logger = contextDecisionLogger(context);
    let version = "1.0.0";
    try {
      const runtime = runtimeSource();
      version = runtime.settings.policy.version;
      const refused = refuseBeforeBody(request, runtime);
      if (refused !== undefined) return refused;
      const limit = runtime.settings.maxBodyBytes;
      const body = await readBodyWithLimit(request, limit);
      if (!body.ok) return payloadTooLarge(limit);
      const isJson = isJsonContentType(request.headers.get("content-type"));
      const parsed = isJson ? parseJson(body.text) : { ok: false as const };
      return decisionResponse(await decide(step, parsed.ok ? parsed.value : NO_CLAIMS, runtime, logger));
    } catch (error) {
      reportUnexpected(context, step, error);
      const decision = blockDecision(step, version, DEFAULT_MESSAGES.internal_error, "internal_error");
      const latencyMs = performance.now() - started;
      logger.decision({ step, action: "ShowBlockPage", reason: decision.reason, latencyMs });
      return decisionResponse(decision);
    }
  };
}

/**
 * Checks 1 and 2, which need only the headers. A host that has not read the body yet (the local host)
 * runs them first, so an oversized or unauthenticated request is answered without reading its body.
 */
export function refuseBeforeBody(
  request: RequestHeaders,
  runtime: ConnectorRuntime,
): HttpResponseInit | undefined {
  if (admitted.has(request.headers)) return undefined;
  const limit = runtime.settings.maxBodyBytes;
  if (Number(request.headers.get("content-length") ?? "0") > limit) return payloadTooLarge(limit);
  const auth = runtime.authenticate(request, runtime.now());
  if (!auth.ok) return auth.response;
  admitted.add(request.headers);
  return undefined;
}

/**
 * Header objects that passed `refuseBeforeBody`: when the local host has checked a request before
 * reading its body, the handler does not hash the credentials a second time. Keyed by object identity
 * (no secret is compared or kept); a request the host did not check is checked in full.
 */
const admitted = new WeakSet<object>();

function decide(
  step: Step,
  body: unknown,
  runtime: ConnectorRuntime,
  logger: ReturnType<typeof contextDecisionLogger>,
): Promise<Decision> {
  return processRequest(step, body, pipelineDeps(runtime, logger));
}

/** Error name and message only: a stack or a request dump could carry the user's claims. */
function reportUnexpected(context: InvocationContext, step: Step, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const message =
    error instanceof Error ? error.message.replace(/[^\s@"]+@[^\s@"]+/g, "[redacted-email]") : "";
  context.error(JSON.stringify({ event: "signup.unexpected_error", step, error: name, message }));
}
