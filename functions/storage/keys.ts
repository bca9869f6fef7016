import { createHash } from "node:crypto";

/** Characters Azure Tables forbids in PartitionKey/RowKey, plus control characters. */
const FORBIDDEN_KEY_CHARS = /[/\\#?\u0000-\u001f\u007f-\u009f%]/g;

/** A key-safe form of a domain (domains are already lower-case punycode; this only guards odd input). */
export function keySafe(value: string): string {
  return value.replace(FORBIDDEN_KEY_CHARS, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** A stable, non-reversible handle for an email in tables that do not need the address itself. */
export function emailHandle(email: string, length = 16): string {
  return createHash("sha256").update(email.trim().toLowerCase(), "utf8").digest("hex").slice(0, length);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Full-jitter backoff: spreads contenders on a hot entity so one of them wins each round quickly. */
export function backoffMs(attempt: number, capMs = 40): number {
  return Math.random() * Math.min(capMs, 2 + 2 ** attempt);
}
