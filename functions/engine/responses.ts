/**
 * The only place connector responses are built, so every decision is contract-valid by construction
 * (docs/graph-contract.md §6.5): Continue and ShowBlockPage with HTTP 200; ValidationError with HTTP 400 AND
 * `status: 400`; `version` always present; claims never shadow the envelope.
 */
import type { Decision, Step } from "./types";
import { setOwn } from "../../contract/own";

/** Keys a claim may never take in a Continue response (envelope fields, and identity we must not overwrite). */
const RESERVED = new Set(["version", "action", "status", "userMessage", "code", "email", "identities"]);

/** A Continue decision returning `claims` (empty values dropped: Entra omits empty claims, so do we). */
export function continueDecision(
  step: Step,
  version: string,
  claims: Record<string, unknown>,
  reason: string,
  domain?: string,
): Decision {
  const response: Record<string, unknown> = { version, action: "Continue" };
  for (const key of Object.keys(claims)) {
    const value = claims[key];
    if (RESERVED.has(key) || value === undefined || value === null || value === "") continue;
    setOwn(response, key, value);
  }
  return {
    step,
    response: response as Decision["response"],
    httpStatus: 200,
    reason,
    ...(domain ? { domain } : {}),
  };
}

/** A ShowBlockPage decision (valid at both steps). */
export function blockDecision(
  step: Step,
  version: string,
  userMessage: string,
  reason: string,
  domain?: string,
): Decision {
  return {
    step,
    response: { version, action: "ShowBlockPage", userMessage: nonEmpty(userMessage), code: reason },
    httpStatus: 200,
    reason,
    ...(domain ? { domain } : {}),
  };
}

/**
 * A ValidationError at postAttributeCollection; at postFederationSignup it becomes a block page, because
 * that step only accepts Continue/ShowBlockPage (docs/graph-contract.md §6.5) and there is no form yet for
 * the user to correct.
 */
export function validationDecision(
  step: Step,
  version: string,
  userMessage: string,
  reason: string,
  domain?: string,
  fields?: readonly string[],
): Decision {
  if (step !== "postAttributeCollection") return blockDecision(step, version, userMessage, reason, domain);
  return {
    step,
    response: {
      version,
      action: "ValidationError",
      status: 400,
      userMessage: nonEmpty(userMessage),
      code: reason,
    },
    httpStatus: 400,
    reason,
    ...(domain ? { domain } : {}),
    ...(fields?.length ? { fields } : {}),
  };
}

function nonEmpty(message: string): string {
  return message.trim().length > 0 ? message : "Your sign-up request could not be completed.";
}
