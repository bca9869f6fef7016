/**
 * Email and domain normalisation. Every comparison the engine makes (allow/block lists, rate-limit keys,
 * approval keys, event ids) goes through here, so `Bob@Bücher.Example ` and `bob@xn--bcher-kva.example`
 * are the same person and the same domain.
 */
import { normalizeDomain } from "../../contract/policy/domain";

/** Longest email we look at (RFC 5321 path limit is 256; 320 is the common local@domain bound). */
export const MAX_EMAIL_LENGTH = 320;
/** Longest claim string we read; anything longer is truncated before processing (cheap DoS guard). */
export const MAX_CLAIM_LENGTH = 4096;

export interface NormalizedEmail {
  /** `local@domain` with the local part lower-cased (NFC) and the domain in lower-case punycode. */
  readonly email: string;
  readonly domain: string;
}

export type EmailProblem = "missing_email" | "invalid_email";

/**
 * Normalises an email claim. Rejects: non-strings, blank, over-long, more or fewer than one `@`, an empty
 * local part, whitespace or control characters inside, and domains that are not valid host names.
 */
export function normalizeEmail(raw: unknown): NormalizedEmail | EmailProblem {
  if (raw === undefined || raw === null || raw === "") return "missing_email";
  if (typeof raw !== "string") return "invalid_email";
  // Cap before trimming so a megabyte of spaces costs nothing.
  const trimmed = (raw.length > MAX_EMAIL_LENGTH * 4 ? raw.slice(0, MAX_EMAIL_LENGTH * 4) : raw).trim();
  if (trimmed.length === 0) return "missing_email";
  if (trimmed.length > MAX_EMAIL_LENGTH) return "invalid_email";
  const at = trimmed.indexOf("@");
  if (at <= 0 || at !== trimmed.lastIndexOf("@")) return "invalid_email";
  if (/[\s\u0000-\u001f\u007f<>()[\]\\,;:"]/.test(trimmed)) return "invalid_email";
  const domain = normalizeDomain(trimmed.slice(at + 1));
  if (domain === undefined || !domain.includes(".")) return "invalid_email";
  const local = trimmed.slice(0, at).normalize("NFC").toLowerCase();
  return { email: `${local}@${domain}`, domain };
}

/**
 * Reads a claim as text. Entra documents strings but custom attributes may arrive typed
 * (`true`, `12`), so numbers and booleans are stringified; anything else counts as absent.
 */
export function claimText(value: unknown): string | undefined {
  if (typeof value === "string")
    return value.length > MAX_CLAIM_LENGTH ? value.slice(0, MAX_CLAIM_LENGTH) : value;
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === "boolean") return value ? "true" : "false";
  return undefined;
}

/** Case- and whitespace-insensitive form used to compare company names (`  ACME   corp ` = `Acme Corp`). */
export function foldText(value: string): string {
  return value.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}
