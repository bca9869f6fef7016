/**
 * Retries, as middleware in the Graph SDK chain: 429/503/504 are retried with jittered exponential
 * back-off, for at least the throttling window (https://learn.microsoft.com/en-us/graph/throttling). `Retry-After` is a floor for one wait, never the
 * budget: Graph can answer every 429 of a long throttle with `Retry-After: 1`, and a client that only
 * counted those seconds would give up after a few seconds of a minute-long throttle. The SDK's own
 * RetryHandler sleeps whole seconds that tests cannot scale and retries creates on 503/504, which could
 * duplicate objects with server-generated ids, so this small middleware replaces it. Every delay (and the
 * window) is multiplied by `ENTRA_SIGNUP_GRAPH_RETRY_SCALE` (default 1) so tests run fast against fault
 * injection.
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
  /** Upper bound of one wait in ms, `Retry-After` included. @default 60000 */
  readonly capMs: number;
}

export const defaultBackoff: BackoffPolicy = { maxRetries: 6, baseMs: 1000, capMs: 60_000 };

/** How long the client keeps retrying a throttled (429) or unavailable (503/504) Graph. */
export interface ThrottlePolicy extends Pick<BackoffPolicy, "baseMs" | "capMs"> {
  /** Retries made at least, however quickly they are used up. @default 6 */
  readonly minRetries: number;
  /**
   * Retries continue until at least this much time has passed since the first attempt, whatever
   * `Retry-After` says: throttling windows are a minute or more (300 requests per minute per tenant).
   * @default 60000 (`ENTRA_SIGNUP_GRAPH_THROTTLE_WINDOW_SECONDS` × 1000)
   */
  readonly windowMs: number;
}

/** Environment variable overriding {@link ThrottlePolicy.windowMs}, in seconds (a number ≥ 0). */
export const throttleWindowEnv = "ENTRA_SIGNUP_GRAPH_THROTTLE_WINDOW_SECONDS";

/** Default throttle policy: 6 retries at least, for at least 60 s (or the environment's window). */
export function throttlePolicy(env: NodeJS.ProcessEnv = process.env): ThrottlePolicy {
  const raw = env[throttleWindowEnv];
  const base = { minRetries: 6, baseMs: 1000, capMs: 60_000 };
  if (raw === undefined || raw.trim() === "") return { ...base, windowMs: 60_000 };
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(
      `${throttleWindowEnv}=${JSON.stringify(raw)} is not a number of seconds ≥ 0; ` +
        `unset it for the default (60) or set e.g. ${throttleWindowEnv}=120`,
    );
  }
  return { ...base, windowMs: seconds * 1000 };
}

/** Multiplier for every wait, from `ENTRA_SIGNUP_GRAPH_RETRY_SCALE` (tests set e.g. 0.001). */
export function retryScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ?? "1");
  return Number.isFinite(raw) && raw >= 0 ? raw : 1;
}

/** `Retry-After` (seconds or HTTP date) in ms, or undefined when absent or unreadable. */
export function retryAfterMs(
  retryAfter: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (retryAfter === null || retryAfter === undefined || retryAfter.trim() === "") return undefined;
  const seconds = Number(retryAfter);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : new Date(retryAfter).getTime() - now;
  return Number.isFinite(ms) ? Math.max(ms, 0) : undefined;
}

/**
 * Unscaled wait before retry number `attempt` (1-based): "full jitter" exponential back-off
 * base·2^(attempt-1) (half fixed, half random), but never less than `Retry-After` (seconds or HTTP date)
 * when the answer has one; capped at `capMs`.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null | undefined,
  policy: Pick<BackoffPolicy, "baseMs" | "capMs"> = defaultBackoff,
  random: () => number = Math.random,
  now: number = Date.now(),
): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: spreads parallel clients while keeping a floor that lets Graph recover.
  const backoff = Math.round(exp / 2 + random() * (exp / 2));
  const floor = retryAfterMs(retryAfter, now) ?? 0;
  return Math.min(Math.max(backoff, floor), policy.capMs);
}

export function isRetryableStatus(status: number | undefined, isCreate: boolean): boolean {
  if (status === 429) return true;
  return !isCreate && (status === 503 || status === 504);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What the middleware waits with; tests pass a fake clock. */
export interface RetryClock {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
}

const realClock: RetryClock = { sleep, now: () => Date.now(), random: Math.random };

export class RetryMiddleware implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly policy: ThrottlePolicy = throttlePolicy(),
    private readonly clock: RetryClock = realClock,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(ctx: Context): Promise<void> {
    if (!this.next) throw new Error("RetryMiddleware needs a next middleware");
    const isCreate = getHeader(ctx, createRequestHeader) !== undefined;
    setHeader(ctx, createRequestHeader, undefined);
    const scale = retryScale();
    const started = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      await this.next.execute(ctx);
      const res = ctx.response;
      if (!res || !isRetryableStatus(res.status, isCreate)) return;
      const windowOver = this.clock.now() - started >= this.policy.windowMs * scale;
      if (attempt > this.policy.minRetries && windowOver) return;
      const retryAfter = res.headers.get("retry-after");
      const wait =
        retryDelayMs(attempt, retryAfter, this.policy, this.clock.random, this.clock.now()) * scale;
      await res.arrayBuffer().catch(() => undefined); // free the socket before waiting
      setHeader(ctx, "Retry-Attempt", String(attempt));
      await this.clock.sleep(wait);
    }
  }
}

/**
 * Bounded retry of a call that 404s because the object it names was created moments ago and has not
 * replicated yet (docs/graph-contract.md §7.2). Only for calls right after a create; everywhere else 404
 * means gone.
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
