import type { HttpResponseInit } from "@azure/functions";
import type { Decision } from "../engine/types";

/** `no-store`: a connector answer is about one person's sign-up and must never be cached on the way. */
const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" };

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

export function payloadTooLarge(limit: number): HttpResponseInit {
  return jsonResponse(413, { error: "payload_too_large", limitBytes: limit });
}
