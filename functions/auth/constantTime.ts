import { hash, timingSafeEqual } from "node:crypto";

/**
 * A secret's SHA-256 digest, computed once when settings load: comparing against it costs one hash per
 * request instead of two, and the secret itself need not be kept next to the comparison.
 */
export type SecretDigest = Buffer & { readonly __secretDigest: true };

export function secretDigest(secret: string): SecretDigest {
  return hash("sha256", secret, "buffer") as SecretDigest;
}

/**
 * Compares a presented value with a secret in time independent of where they differ and of their
 * lengths: `timingSafeEqual` needs equal-length inputs, so the value is hashed to a 32-byte digest first.
 */
export function matchesSecret(given: string, expected: SecretDigest): boolean {
  // One-shot `hash` (strings are hashed as UTF-8): no Hash object per request.
  return timingSafeEqual(hash("sha256", given, "buffer"), expected);
}

/** Both sides as plain strings (tools and tests); handlers use a precomputed `SecretDigest`. */
export function secretsEqual(given: string, expected: string): boolean {
  return matchesSecret(given, secretDigest(expected));
}
