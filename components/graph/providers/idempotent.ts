/**
 * Writes whose answer may have been lost. A 5xx (other than the 503/504 the client already retries) or a
 * connection that dropped before any answer does not say whether Graph applied the write. Creates are
 * handled by {@link ./create-safely}; every other write here is made safe to repeat by re-reading what
 * Graph has and writing only what is still missing (a converge step), or is idempotent by itself (PATCH of
 * the same body, PUT of a `$ref`, DELETE where 404 counts as done).
 */
import { graphStatus } from "../errors";
import { retryDelayMs, retryScale, sleep } from "../retry";
import { errorText } from "./error-text";

/** True when Graph may have applied the write although the call failed. */
export function mayHaveApplied(e: unknown): boolean {
  const status = graphStatus(e);
  if (status !== undefined) return status >= 500;
  // The client's message for a request that got no HTTP answer (socket reset, timeout).
  return /^Graph [A-Z]+ \S+ failed before a response/.test(errorText(e));
}

/** How many times a converge step runs before its last failure is reported. */
export const convergeAttempts = 4;

/**
 * Runs `step` until it succeeds, again after a failure that {@link mayHaveApplied}. `step` must read the
 * current Graph state before writing (or repeat an idempotent write): a repeat then writes only what the
 * lost attempt did not apply, so nothing is added twice.
 */
export async function convergeRetrying<T>(step: () => Promise<T>, attempts = convergeAttempts): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (!mayHaveApplied(e) || attempt >= attempts) throw e;
      await sleep(retryDelayMs(attempt, undefined) * retryScale());
    }
  }
}
