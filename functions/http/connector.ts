/**
 * The two connector endpoints. Order of checks, and why:
 *  1. declared size over the limit → 413 before anything is read;
 *  2. authentication → 401/403, so an anonymous caller learns nothing about our parsing;
 *  3. body read with a hard cap → 413;
 *  4. content type and JSON → a contract block page (HTTP 200) with a stable reason: Entra always
 *     sends JSON, so this is not a user's typo to correct but a request we refuse, and a block page is
 *     valid at both steps;
 *  5. the engine (`processRequest`, never rejects) → its decision, status line = decision status.
 * Anything unexpected becomes a block page too, never a 500: a 5xx only shows the user a generic error.
 */
import type { HttpHandler, HttpResponseInit, InvocationContext } from "@azure/functions";
import { processRequest } from "../engine/pipeline";
import type { Decision, Step } from "../engine/types";
import type { ConnectorRuntime, RuntimeSource } from "../runtime";
import { isJsonContentType, parseJson, readBodyWithLimit } from "./body";
import { contextDecisionLogger } from "./logger";
import {
  decisionResponse,
  payloadTooLarge,
  SHELL_REASONS,
  shellDecision,
  type ShellReason,
} from "./responses";

export function connectorHandler(step: Step, runtimeSource: RuntimeSource): HttpHandler {
  return async (request, context) => {
    const started = performance.now();
    const logger = contextDecisionLogger(context);
    const shell = (reason: ShellReason): HttpResponseInit => {
      const decision = shellDecision(step, reason);
      logger.decision({
        step,
        action: decision.response.action,
        reason,
        latencyMs: performance.now() - started,
      });
      return decisionResponse(decision);
    };
    try {
      const runtime = runtimeSource();
      const limit = runtime.settings.maxBodyBytes;
      if (Number(request.headers.get("content-length") ?? "0") > limit) return payloadTooLarge(limit);
      const auth = runtime.authenticate(request, runtime.now());
      if (!auth.ok) return auth.response;
      const body = await readBodyWithLimit(request, limit);
      if (!body.ok) return payloadTooLarge(limit);
      if (!isJsonContentType(request.headers.get("content-type")))
        return shell(SHELL_REASONS.unsupportedContentType);
      const parsed = parseJson(body.text);
      if (!parsed.ok) return shell(SHELL_REASONS.invalidJson);
      return decisionResponse(await decide(step, parsed.value, runtime, logger));
    } catch (error) {
      reportUnexpected(context, step, error);
      return shell(SHELL_REASONS.internalError);
    }
  };
}

function decide(
  step: Step,
  body: unknown,
  runtime: ConnectorRuntime,
  logger: ReturnType<typeof contextDecisionLogger>,
): Promise<Decision> {
  const { settings } = runtime;
  return processRequest(step, body, {
    policy: settings.policy,
    attributeIds: settings.attributeIds,
    now: runtime.now,
    rateLimiter: runtime.rateLimiter,
    approvals: runtime.approvals,
    events: runtime.events,
    logger,
  });
}

/** Error name and message only: a stack or a request dump could carry the user's claims. */
function reportUnexpected(context: InvocationContext, step: Step, error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  const message =
    error instanceof Error ? error.message.replace(/[^\s@"]+@[^\s@"]+/g, "[redacted-email]") : "";
  context.error(JSON.stringify({ event: "signup.unexpected_error", step, error: name, message }));
}
