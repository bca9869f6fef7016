/**
 * Timer functions in the local host: not scheduled (tests and `npm run local` want them on demand), run
 * by `POST /admin/functions/<name>` as Core Tools does for non-HTTP functions, or by `host.runTimer`.
 * The handler gets the real `InvocationContext` and a `Timer` shaped like the Functions host's.
 */
import { InvocationContext, type LogLevel, type Timer } from "@azure/functions";
import { randomUUID } from "node:crypto";
import type { TimerRegistration } from "../../functions/registry";

export const ADMIN_FUNCTIONS_PREFIX = "/admin/functions/";

export interface TimerRunner {
  readonly timers: readonly { name: string; schedule: string }[];
  /** The timer a `/admin/functions/<name>` path names, if any (case-insensitive, like the host). */
  find(path: string): string | undefined;
  run(name: string): Promise<void>;
}

export function timerRunner(
  registrations: readonly TimerRegistration[],
  log: (level: LogLevel, message: string) => void,
): TimerRunner {
  const byName = new Map(registrations.map((r) => [r.name.toLowerCase(), r]));
  return {
    timers: registrations.map((r) => ({ name: r.name, schedule: String(r.options.schedule) })),
    find(path) {
      if (!path.toLowerCase().startsWith(ADMIN_FUNCTIONS_PREFIX)) return undefined;
      return byName.get(path.slice(ADMIN_FUNCTIONS_PREFIX.length).replace(/\/$/, "").toLowerCase())?.name;
    },
    async run(name) {
      const registration = byName.get(name.toLowerCase());
      if (registration === undefined) throw new Error(`no timer function named ${name}`);
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: registration.name,
        logHandler: (level, ...args) =>
          log(level, args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")),
        options: { trigger: { type: "timerTrigger", name: "timer" } },
      });
      const timer: Timer = {
        isPastDue: false,
        schedule: { adjustForDST: false },
        scheduleStatus: { last: "", next: "", lastUpdated: new Date().toISOString() },
      };
      await registration.options.handler(timer, context);
    },
  };
}
