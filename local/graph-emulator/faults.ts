/**
 * Fault injection: rules that make the next matching requests fail the way Graph fails in production
 * (throttling, outages, eventual consistency, lost responses), so retry and re-run logic can be tested.
 */
import type { FaultKind, FaultRule } from "./types";

const KINDS: readonly FaultKind[] = [
  "throttle",
  "unavailable",
  "gatewayTimeout",
  "notFoundAfterCreate",
  "alreadyExists",
  "createThenFail",
  "status",
];

/** A rule still waiting to fire, as `remaining()` reports it. */
export interface ActiveFaultRule extends FaultRule {
  times: number;
}

interface LiveRule {
  rule: ActiveFaultRule;
  pattern: RegExp;
}

/** A window in which a just-created object (and everything below it) reads as 404. */
interface InvisibleWindow {
  pathPrefix: string;
  until: number;
}

/** Add, list and clear fault rules. */
export interface FaultController {
  /** Adds a rule; throws on an invalid kind, regex or count. */
  add(rule: FaultRule): void;
  /** Removes every rule and every pending 404-after-create window. */
  clear(): void;
  /** Rules that have not fired `times` times yet. */
  remaining(): ActiveFaultRule[];
}

/** Checks an untrusted rule (from the admin route) and returns it typed, or throws with the reason. */
export function parseFaultRule(input: unknown): FaultRule {
  if (!input || typeof input !== "object") throw new Error("a fault rule must be a JSON object");
  const r = input as Record<string, unknown>;
  if (typeof r.path !== "string") throw new Error("fault rule 'path' must be a regex source string");
  if (typeof r.kind !== "string" || !KINDS.includes(r.kind as FaultKind)) {
    throw new Error(`fault rule 'kind' must be one of ${KINDS.join(", ")}`);
  }
  for (const key of ["times", "retryAfterSeconds", "durationMs"] as const) {
    if (r[key] !== undefined && (typeof r[key] !== "number" || !Number.isInteger(r[key]) || r[key] < 0)) {
      throw new Error(`fault rule '${key}' must be a non-negative integer`);
    }
  }
  if (r.method !== undefined && typeof r.method !== "string")
    throw new Error("fault rule 'method' must be a string");
  if (r.kind === "status") {
    if (typeof r.status !== "number" || !Number.isInteger(r.status) || r.status < 400 || r.status > 599) {
      throw new Error("fault rule 'status' must be an integer from 400 to 599 for kind 'status'");
    }
  } else if (r.status !== undefined) {
    throw new Error("fault rule 'status' is only valid with kind 'status'");
  }
  for (const key of ["code", "message"] as const) {
    if (r[key] !== undefined && (typeof r[key] !== "string" || r[key] === "")) {
      throw new Error(`fault rule '${key}' must be a non-empty string`);
    }
  }
  new RegExp(r.path);
  return r as unknown as FaultRule;
}

/** The emulator's fault state; the server asks it about every Graph request. */
export class Faults implements FaultController {
  private rules: LiveRule[] = [];
  private windows: InvisibleWindow[] = [];

  add(rule: FaultRule): void {
    const checked = parseFaultRule(rule);
    const times = checked.times ?? 1;
    if (times === 0) return;
    this.rules.push({ rule: { ...checked, times }, pattern: new RegExp(checked.path) });
  }

  clear(): void {
    this.rules = [];
    this.windows = [];
  }

  remaining(): ActiveFaultRule[] {
    return this.rules.map((r) => ({ ...r.rule }));
  }

  /** Consumes and returns the first rule matching this request, if any. */
  take(method: string, path: string): ActiveFaultRule | undefined {
    const live = this.rules.find(
      (r) =>
        (!r.rule.method || r.rule.method.toUpperCase() === method) &&
        // A 404-after-create window can only follow a create.
        (r.rule.kind !== "notFoundAfterCreate" || method === "POST") &&
        r.pattern.test(path),
    );
    if (!live) return undefined;
    live.rule.times -= 1;
    if (live.rule.times <= 0) this.rules = this.rules.filter((r) => r !== live);
    return { ...live.rule };
  }

  /** Starts a 404 window for a created object at `objectPath`. */
  hide(objectPath: string, durationMs: number): void {
    this.windows.push({ pathPrefix: objectPath.toLowerCase(), until: Date.now() + durationMs });
  }

  /** True while `path` is the hidden object itself or anything beneath it. */
  isHidden(path: string): boolean {
    const now = Date.now();
    this.windows = this.windows.filter((w) => w.until > now);
    const p = path.toLowerCase();
    return this.windows.some((w) => p === w.pathPrefix || p.startsWith(`${w.pathPrefix}/`));
  }
}
