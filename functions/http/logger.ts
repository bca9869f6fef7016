import type { InvocationContext } from "@azure/functions";
import type { DecisionLogger } from "../engine/types";

/** The marker KQL filters on (`docs/kql/connector.kql`). */
export const DECISION_EVENT = "signup.decision";
export const WARNING_EVENT = "signup.warning";

const EMAIL_LIKE = /[^\s@"]+@[^\s@"]+/g;

/** Defence in depth: even if a caller passes an address in free text, it does not reach the logs. */
function scrub(value: unknown): unknown {
  if (typeof value === "string") return value.replace(EMAIL_LIKE, "[redacted-email]");
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
  }
  return value;
}

/**
 * One JSON line per decision through the invocation context, so it lands in Application Insights
 * `traces` with the invocation id and function name in `customDimensions`; the decision fields are the
 * JSON `message` (`parse_json(message)` in KQL). Only step, action, reason, domain and latency (and,
 * on the extension routes, the route): the domain is the one piece of personal-ish data we keep.
 */
export function contextDecisionLogger(
  context: InvocationContext,
  /** Fields every decision line of this handler carries (the extension routes add their `route`). */
  fields: Readonly<Record<string, string>> = {},
): DecisionLogger {
  return {
    decision(entry) {
      context.info(
        JSON.stringify({
          event: DECISION_EVENT,
          ...fields,
          step: entry.step,
          action: entry.action,
          reason: entry.reason,
          domain: entry.domain ?? null,
          latencyMs: Math.round(entry.latencyMs * 100) / 100,
        }),
      );
    },
    warn(message, data) {
      context.warn(
        JSON.stringify({ event: WARNING_EVENT, message: scrub(message), ...(scrub(data ?? {}) as object) }),
      );
    },
  };
}
