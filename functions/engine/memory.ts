/**
 * In-memory implementations of the storage ports, for tests and the local host. They define the semantics
 * the Azure Table/Queue versions must match: the rate limiter counts an email once per window and never
 * overshoots; an approval request is created once per email; an event id is emitted once per dedup window.
 */
import { randomUUID } from "node:crypto";
import { EVENT_DEDUP_WINDOW_MS } from "./events";
import type {
  ApprovalRequest,
  ApprovalStatus,
  ApprovalStore,
  DecisionLogger,
  EventSink,
  RateLimiter,
  SignupEvent,
} from "./types";

/** Rolling-window counter per domain; an email already counted in the window is not counted again. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counted = new Map<string, Map<string, number>>();

  consume(input: { domain: string; email: string; limit: number; windowMs: number; now: Date }) {
    const now = input.now.getTime();
    const domain = input.domain.toLowerCase();
    const email = input.email.toLowerCase();
    const entries = this.counted.get(domain) ?? new Map<string, number>();
    this.counted.set(domain, entries);
    for (const [key, at] of entries) if (at <= now - input.windowMs) entries.delete(key);
    if (entries.has(email)) return Promise.resolve({ allowed: true, count: entries.size });
    // Refused attempts are not counted: they are not sign-ups, and counting them would let one noisy
    // user keep a whole domain locked out.
    if (entries.size >= input.limit) return Promise.resolve({ allowed: false, count: entries.size });
    entries.set(email, now);
    return Promise.resolve({ allowed: true, count: entries.size });
  }
}

/** Approval requests keyed by normalised email; `getOrCreate` creates at most one per email. */
export class MemoryApprovalStore implements ApprovalStore {
  private readonly byEmail = new Map<string, ApprovalRequest>();

  getOrCreate(input: {
    email: string;
    domain: string;
    displayName?: string;
    now: Date;
  }): Promise<ApprovalRequest> {
    const key = input.email.toLowerCase();
    let request = this.byEmail.get(key);
    if (!request) {
      request = {
        id: randomUUID(),
        email: key,
        domain: input.domain,
        ...(input.displayName ? { displayName: input.displayName } : {}),
        status: "pending",
        createdAt: input.now.toISOString(),
      };
      this.byEmail.set(key, request);
    }
    return Promise.resolve(request);
  }

  list(filter?: { status?: ApprovalStatus }): Promise<ApprovalRequest[]> {
    const all = [...this.byEmail.values()];
    return Promise.resolve(filter?.status ? all.filter((r) => r.status === filter.status) : all);
  }

  decide(id: string, status: "approved" | "denied", by: string, now: Date): Promise<ApprovalRequest> {
    for (const [key, request] of this.byEmail) {
      if (request.id !== id) continue;
      const decided: ApprovalRequest = { ...request, status, decidedAt: now.toISOString(), decidedBy: by };
      this.byEmail.set(key, decided);
      return Promise.resolve(decided);
    }
    return Promise.reject(new Error(`approval request ${id} not found`));
  }
}

/**
 * Collects events, dropping an id already seen within `EVENT_DEDUP_WINDOW_MS` (by the event's `at`).
 * A long-running local host would otherwise grow without end: `events` keeps the newest `keep` events,
 * and ids whose window has passed are forgotten (their next event is emitted again anyway).
 */
export class MemoryEventSink implements EventSink {
  readonly events: SignupEvent[] = [];
  /** Id → `at` of its last emitted event, in emission order. */
  private readonly lastSeen = new Map<string, number>();

  /** @param keep how many of the newest events `events` holds. @default 10000 */
  constructor(private readonly keep = 10_000) {}

  emit(event: SignupEvent): Promise<void> {
    const at = Date.parse(event.at);
    const seen = this.lastSeen.get(event.id);
    if (seen === undefined || at - seen >= EVENT_DEDUP_WINDOW_MS) {
      this.events.push(event);
      if (this.events.length > this.keep * 2) this.events.splice(0, this.events.length - this.keep);
      // Re-inserted at the end, so the map stays in emission order and the oldest entries come first.
      this.lastSeen.delete(event.id);
      this.lastSeen.set(event.id, at);
      this.forgetBefore(at - EVENT_DEDUP_WINDOW_MS);
    }
    return Promise.resolve();
  }

  /** Drops ids last emitted before `cutoff`; stops at the first newer one (emission order ≈ time order). */
  private forgetBefore(cutoff: number): void {
    for (const [id, at] of this.lastSeen) {
      if (at > cutoff) return;
      this.lastSeen.delete(id);
    }
  }
}

/** Records decisions and warnings for assertions. */
export class MemoryLogger implements DecisionLogger {
  readonly decisions: Array<Parameters<DecisionLogger["decision"]>[0]> = [];
  readonly warnings: Array<{ message: string; data?: Record<string, unknown> }> = [];

  decision(entry: Parameters<DecisionLogger["decision"]>[0]): void {
    this.decisions.push(entry);
  }

  warn(message: string, data?: Record<string, unknown>): void {
    this.warnings.push({ message, ...(data ? { data } : {}) });
  }
}
