/**
 * Sign-up events. One per accepted or blocked sign-up: Continue at postAttributeCollection is "accepted"
 * (the user is about to be created); a block page at either step is "blocked". ValidationErrors are not
 * events (the user fixes the form), nor is Continue at postFederationSignup (nothing was decided yet).
 * The id is a hash of step + normalised email + outcome, so Entra's retry of the same call produces the
 * same id and the sink drops it. Events carry the domain, never the email.
 */
import { hash } from "node:crypto";
import type { EmailProblem, NormalizedEmail } from "./normalize";
import type { Decision, EventSink, SignupEvent, Step } from "./types";

/**
 * Sinks drop an event whose id they have seen within this window. Entra retries once within ~40 s; a
 * longer window would also swallow a genuine second attempt by the same person later on.
 */
export const EVENT_DEDUP_WINDOW_MS = 10 * 60_000;

/** The idempotency key of a sign-up event. */
export function signupEventId(step: Step, email: string, type: SignupEvent["type"]): string {
  return hash("sha256", `${step}\n${email}\n${type}`, "hex").slice(0, 32);
}

/**
 * The event a decision produces, or `undefined` when it is not a sign-up outcome (or has no email).
 * `email` is the request's normalised email, or why it has none.
 */
export function signupEventFor(
  decision: Decision,
  email: NormalizedEmail | EmailProblem,
  now: Date,
): SignupEvent | undefined {
  const action = decision.response.action;
  const type =
    action === "ShowBlockPage"
      ? "signup.blocked"
      : action === "Continue" && decision.step === "postAttributeCollection"
        ? "signup.accepted"
        : undefined;
  // Without a usable email there is no stable id to dedup a retry on, and no real sign-up behind it.
  if (!type || typeof email === "string") return undefined;
  return {
    id: signupEventId(decision.step, email.email, type),
    type,
    step: decision.step,
    reason: decision.reason,
    domain: email.domain,
    at: now.toISOString(),
  };
}

/** Emits the decision's event, if it has one. */
export async function emitSignupEvent(
  sink: EventSink,
  decision: Decision,
  email: NormalizedEmail | EmailProblem,
  now: Date,
): Promise<void> {
  const event = signupEventFor(decision, email, now);
  if (event) await sink.emit(event);
}
