/**
 * The one password generator and the one rotation rule. `GeneratedPassword` (the password the component
 * shares between the API connector and its host) and `ApiConnector` used on its own (no password given)
 * both use these, so a generated Basic password is always the same kind of secret and rotates on the
 * same signal. No imports: dynamic providers capture these functions when their code is serialized.
 */

/** Default entropy in bytes: 256 bits, rendered as 43 base64url characters. */
export const DEFAULT_PASSWORD_BYTES = 32;

/**
 * `bytes` random bytes as base64url text: only `A–Z a–z 0–9 - _`, safe in Basic auth, URLs and app
 * settings. `randomBytes` is `node:crypto`'s, passed in so callers import crypto lazily.
 */
export function newPassword(
  randomBytes: (size: number) => { toString(encoding: "base64url"): string },
  bytes: number = DEFAULT_PASSWORD_BYTES,
): string {
  return randomBytes(bytes).toString("base64url");
}

/** A generated password is replaced exactly when its rotation key changes ("" when none was given). */
export function rotationDue(olds: { rotationKey?: string }, news: { rotationKey?: string }): boolean {
  return (olds.rotationKey ?? "") !== (news.rotationKey ?? "");
}
