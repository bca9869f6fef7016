/**
 * Table/Queue round trips per connector decision, by outcome: the minimum the storage guarantees need,
 * which the implementation meets (test/connector/storage-calls.test.ts counts them through a proxy, and
 * `bench:connector` prints the measured counts next to these). With `rateLimit` and `events` on, no
 * approval workflow:
 * - **accepted** (new person): rate limit 1 — one transaction claims a slot believed free and creates
 *   the person's handle row, without a read (exact under concurrency because the slot keys are bounded
 *   and the claim is conditional; see `rateLimiter.ts`); event 3 — insert the dedup marker (the insert is
 *   the lock), send the message, mark the marker sent (without that, Entra's retry after a slow but
 *   successful first attempt could not tell "sent" from "crashed before sending", and would send twice).
 * - **retry** of an accepted request: rate limit 2 — the claim fails as a whole (the handle row exists)
 *   and one query finds the live handle row, nothing is written (1 when this instance already believes the
 *   domain full: the claim is skipped); event 2 — the marker insert fails (409) and one read
 *   shows it sent. Checking first would save a call on a retry but cost every new sign-up one more, and
 *   retries are the rare case (Entra retries once, after a 20 s timeout).
 * - **blocked** by a rule (domain, issuer, email): event 3; the limiter is never consulted.
 * - **rate-limited**: rate limit 1 when this instance has seen the domain full (the query confirms it; a
 *   refusal writes nothing and is never answered from memory), 2 otherwise (a failed claim first) + event 3.
 * - **validation error**: 0 — the user fixes the form; no event, no count.
 * - **postFederationSignup Continue**: 0 — nothing is decided yet.
 * Start-up creates each table and the queue once per process (not per decision).
 */
export const STORAGE_CALLS_MINIMUM = {
  accepted: 4,
  retry: 4,
  blocked: 3,
  rateLimited: 4,
  validationError: 0,
  federationContinue: 0,
} as const;

export type StorageOutcome = keyof typeof STORAGE_CALLS_MINIMUM;
