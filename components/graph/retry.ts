/**
 * Retries, as middleware in the Graph SDK chain: 429/503/504 honour `Retry-After`, else jittered
 * exponential back-off (contract §7.1). The SDK's own RetryHandler sleeps whole seconds that tests cannot
 * scale and retries creates on 503/504, which could duplicate objects with server-generated ids, so this
 * small middleware replaces it. Every delay is multiplied by `ENTRA_SIGNUP_GRAPH_RETRY_SCALE` (default 1)
 * so tests run fast against fault injection.
 */
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { getHeader, setHeader } from "./middleware-util";

/** Request header (stripped before sending) marking a create: only 429 is retried, 5xx goes to the caller. */
export const createRequestHeader = "x-entra-signup-create";

export interface BackoffPolicy {
  /** Retries after the first attempt. @default 6 */
  readonly maxRetries: number;
  /** First back-off step in ms. @default 1000 */
  readonly baseMs: number;
  /** Upper bound of one wait in ms. @default 60000 */
  readonly capMs: number;
}

export const defaultBackoff: BackoffPolicy = { maxRetries: 6, baseMs: 1000, capMs: 60_000 };

/** Multiplier for every wait, from `ENTRA_SIGNUP_GRAPH_RETRY_SCALE` (tests set e.g. 0.001). */
export function retryScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ?? "1");
  return Number.isFinite(raw) && raw >= 0 ? raw : 1;
}

/**
 * Unscaled wait before retry number `attempt` (1-based): the `Retry-After` value (seconds or HTTP date)
 * when present, otherwise "full jitter" exponential back-off base·2^(attempt-1), capped.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null | undefined,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  if (retryAfter !== null && retryAfter !== undefined && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : new Date(retryAfter).getTime() - now;
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), policy.capMs);
  }
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads parallel clients while keeping a floor that lets Graph recover.
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function isRetryableStatus(status: number | undefined, isCreate: boolean): boolean {
  if (status === 429) return true;
  return !isCreate && (status === 503 || status === 504);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RetryMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly policy: BackoffPolicy = defaultBackoff) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(ctx: Context): Promise<void> {
    if (!this.next) throw new Error("RetryMiddleware needs a next middleware");
    const isCreate = getHeader(ctx, createRequestHeader) !== undefined;
    setHeader(ctx, createRequestHeader, undefined);
    for (let attempt = 1; ; attempt++) {
      await this.next.execute(ctx);
      const res = ctx.response;
      if (!res || !isRetryableStatus(res.status, isCreate) || attempt > this.policy.maxRetries) return;
      const wait = retryDelayMs(attempt, res.headers.get("retry-after"), this.policy) * retryScale();
      await res.arrayBuffer().catch(() => undefined); // free the socket before waiting
      setHeader(ctx, "Retry-Attempt", String(attempt));
      await sleep(wait);
    }
  }
}

/**
 * Bounded retry of a call that 404s because the object it names was created moments ago and has not
 * replicated yet (contract §7.2). Only for calls right after a create; everywhere else 404 means gone.
 */
export async function retryOnNotFound<T>(
  call: () => Promise<T>,
  isNotFound: (e: unknown) => boolean,
  policy: BackoffPolicy = { maxRetries: 6, baseMs: 1000, capMs: 16_000 },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isNotFound(e) || attempt > policy.maxRetries) throw e;
      await sleep(retryDelayMs(attempt, undefined, policy) * retryScale());
    }
  }
}
