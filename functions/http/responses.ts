import type { HttpResponseInit } from "@azure/functions";
import type { BlockResponse, Decision, Step } from "../engine/types";

/** `no-store`: a connector answer is about one person's sign-up and must never be cached on the way. */
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

/** The `version` the shell puts on answers it makes itself (Entra requires the field, ignores its value). */
export const SHELL_RESPONSE_VERSION = "1.0.0";

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** The status line and the body come from the same decision, so they cannot disagree (200/400). */
export function decisionResponse(decision: Decision): HttpResponseInit {
  return jsonResponse(decision.httpStatus, decision.response);
}

/**
 * Reason codes for answers the shell gives before the engine sees the request. Each is a valid Entra
 * response: a block page (HTTP 200) works at both steps, whereas ValidationError only makes sense after
 * the attribute page, so unusable input fails closed with a block page.
 */
export const SHELL_REASONS = {
  invalidJson: "request.invalid_json",
  unsupportedContentType: "request.unsupported_content_type",
  internalError: "connector.internal_error",
} as const;
export type ShellReason = (typeof SHELL_REASONS)[keyof typeof SHELL_REASONS];

const SHELL_MESSAGE = "We could not process your sign-up request. Please try again later or contact support.";

export function shellDecision(step: Step, reason: ShellReason): Decision {
  const response: BlockResponse = {
    version: SHELL_RESPONSE_VERSION,
    action: "ShowBlockPage",
    userMessage: SHELL_MESSAGE,
    code: reason,
  };
  return { step, response, httpStatus: 200, reason };
}

export function payloadTooLarge(limit: number): HttpResponseInit {
  return jsonResponse(413, { error: "payload_too_large", limitBytes: limit });
}
