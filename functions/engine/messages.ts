/**
 * User-facing messages per reason code and locale. Entra sends `ui_locales` (`"en-US"`, sometimes a
 * space-separated list); we pick the first tag we have a catalogue for, then its language (`en-US` → `en`),
 * then the policy's fallback locale, then built-in English — so every reason always has a message.
 * Messages never echo user input (no email, no domain): block pages are screenshot and forwarded.
 */
import type { BuiltInReason, MessageKey } from "../../contract/policy/reasons";

/** Built-in English catalogue: complete for every built-in reason. */
export const DEFAULT_MESSAGES: Readonly<Record<BuiltInReason, string>> = {
  allowed: "",
  bad_request: "We could not process your sign-up request. Please try again later.",
  missing_email:
    "We could not read your email address. Please sign up with an account that has an email address.",
  invalid_email: "Your email address is not valid for sign-up. Please use a valid work email address.",
  domain_blocked: "Sign-up with this email domain is not permitted. Please use your work email address.",
  domain_not_allowed:
    "Sign-up is limited to approved partner organizations. Please contact your partner manager to request access.",
  issuer_blocked:
    "Sign-up with this identity provider is not permitted. Please choose another sign-in option.",
  issuer_not_allowed:
    "Sign-up with this identity provider is not permitted. Please choose another sign-in option.",
  required_attribute_missing: "Please fill in all required fields.",
  company_mismatch: "The company name does not match our records for your email domain.",
  justification_too_short: "Please provide a more detailed justification for your access request.",
  pending_approval:
    "Your sign-up request is pending approval. You will be notified when it has been reviewed.",
  approval_denied: "Your sign-up request was not approved.",
  rate_limited: "Too many sign-up requests from your organization. Please try again later.",
  client_rate_limited: "Too many sign-up requests from your network. Please try again later.",
  store_unavailable: "Sign-up is temporarily unavailable. Please try again in a few minutes.",
  internal_error: "Sign-up is temporarily unavailable. Please try again in a few minutes.",
  custom_rule: "Your sign-up request could not be completed.",
};

/** Built-in English texts that are not a reason's message (`MESSAGE_KEYS`). */
export const DEFAULT_TEXTS: Readonly<Record<MessageKey, string>> = {
  block_page_title: "Sign-up could not be completed",
};

/** A compiled catalogue: locale (lower-case) → reason → message, already merged with the fallbacks. */
export interface MessageCatalogue {
  readonly byLocale: ReadonlyMap<string, ReadonlyMap<string, string>>;
  readonly fallback: ReadonlyMap<string, string>;
}

/**
 * Merges the policy's messages over the built-in English catalogue once, at policy load, so a lookup at
 * request time is two map reads.
 */
export function compileMessages(input: {
  fallbackLocale: string;
  locales: Record<string, Record<string, string>>;
  pendingMessage?: string;
}): MessageCatalogue {
  const base = new Map<string, string>([
    ...Object.entries(DEFAULT_MESSAGES),
    ...Object.entries(DEFAULT_TEXTS),
  ]);
  if (input.pendingMessage !== undefined) base.set("pending_approval", input.pendingMessage);
  const fallbackKey = input.fallbackLocale.toLowerCase();
  const fallback = new Map(base);
  for (const [locale, messages] of Object.entries(input.locales)) {
    if (locale.toLowerCase() === fallbackKey)
      for (const [k, v] of Object.entries(messages)) fallback.set(k, v);
  }
  const byLocale = new Map<string, ReadonlyMap<string, string>>();
  for (const [locale, messages] of Object.entries(input.locales)) {
    byLocale.set(locale.toLowerCase(), new Map([...fallback, ...Object.entries(messages)]));
  }
  byLocale.set(fallbackKey, fallback);
  return { byLocale, fallback };
}

/** The catalogue for a `ui_locales` value: exact tag, then language, then the fallback locale. */
export function selectLocale(catalogue: MessageCatalogue, uiLocales: unknown): ReadonlyMap<string, string> {
  if (typeof uiLocales !== "string" || uiLocales.length === 0) return catalogue.fallback;
  const tags = (uiLocales.length > 200 ? uiLocales.slice(0, 200) : uiLocales).toLowerCase().split(/[\s,]+/);
  for (const tag of tags) {
    const clean = tag.replace(/_/g, "-").split(";")[0] ?? "";
    if (clean.length === 0) continue;
    const exact = catalogue.byLocale.get(clean);
    if (exact) return exact;
    const dash = clean.indexOf("-");
    if (dash > 0) {
      const language = catalogue.byLocale.get(clean.slice(0, dash));
      if (language) return language;
    }
  }
  return catalogue.fallback;
}

/** The message for a reason; `custom_rule:<name>` falls back to the generic `custom_rule` message. */
export function messageFor(messages: ReadonlyMap<string, string>, reason: string): string {
  const direct = messages.get(reason);
  if (direct) return direct;
  if (reason.startsWith("custom_rule:")) return messages.get("custom_rule") ?? DEFAULT_MESSAGES.custom_rule;
  return messages.get("internal_error") ?? DEFAULT_MESSAGES.internal_error;
}
