/**
 * Stable reason codes. Every decision carries exactly one; they appear in logs, events, the `code` field of
 * block/validation responses and message catalogues, so renaming one is a breaking change.
 */

/** Each built-in reason code with a one-line description. Custom rules add `custom_rule:<name>`. */
export const REASON_CODES = {
  allowed: "Every rule passed; the response is Continue (possibly with pre-fill/overwrite claims).",
  bad_request: "The body is not a JSON object of claims.",
  missing_email: "No email claim (Entra always sends one, so the caller is probably not Entra).",
  invalid_email:
    "The email is malformed: several @, empty local part, bad domain, control characters, too long.",
  domain_blocked: "The email domain is on the block-list (a subdomain rule may have matched).",
  domain_not_allowed: "An allow-list is configured and the email domain is not on it.",
  issuer_blocked: "An identity issuer contains a blocked issuer name.",
  issuer_not_allowed: "Issuers are allow-listed and none of the identities (or no identities) matched.",
  required_attribute_missing: "A required attribute is absent or blank.",
  company_mismatch: "The company name does not match the company registered for the email domain.",
  justification_too_short: "The justification is shorter than the configured minimum.",
  pending_approval: "The sign-up needs approval and the approval request is pending.",
  approval_denied: "The sign-up's approval request was denied.",
  rate_limited: "Too many sign-ups from this domain in the rate-limit window.",
  client_rate_limited:
    "Too many sign-ups from this client address (IPv6: its /64) in the rate-limit window (`rateLimit.perClientIp`).",
  store_unavailable: "A storage port failed and the policy fails closed (approvals always fail closed).",
  internal_error: "An unexpected error inside the engine or a port; the user sees a generic block page.",
  custom_rule: "Prefix `custom_rule:<name>`: a custom rule blocked, failed validation or timed out (block).",
} as const;

export type BuiltInReason = keyof typeof REASON_CODES;

/**
 * Message keys that are not reasons: texts a response needs besides the reason's message. A policy may
 * translate them under `messages.locales` like any reason.
 */
export const MESSAGE_KEYS = {
  block_page_title: "The title above the message of an external tenant's block page (`showBlockPage.title`).",
} as const;

export type MessageKey = keyof typeof MESSAGE_KEYS;

/** The reason code a custom rule's decisions carry. */
export function customRuleReason(name: string): `custom_rule:${string}` {
  return `custom_rule:${name}`;
}
