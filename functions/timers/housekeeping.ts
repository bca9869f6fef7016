/**
 * The hourly housekeeping timer: deletes event markers past the dedup window and rate-limit entries
 * past the window (see `storage/housekeeping.ts`). One JSON log line with counts only — no emails, no
 * domains. A failure is logged and rethrown, so the invocation shows as failed and the next run retries.
 */
import type { InvocationContext, TimerHandler } from "@azure/functions";
import type { RuntimeSource } from "../runtime";

export const HOUSEKEEPING_EVENT = "signup.housekeeping";

/** Minute 17 of every hour: off the top of the hour, when other scheduled jobs tend to pile up. */
export const HOUSEKEEPING_SCHEDULE = "0 17 * * * *";

export function housekeepingHandler(runtimeSource: RuntimeSource): TimerHandler {
  return async (_timer, context: InvocationContext) => {
    const runtime = runtimeSource();
    if (runtime.housekeeping === undefined) {
      context.info(JSON.stringify({ event: HOUSEKEEPING_EVENT, skipped: "no table storage" }));
      return;
    }
    const started = performance.now();
    try {
      const report = await runtime.housekeeping(runtime.now());
      const durationMs = Math.round(performance.now() - started);
      context.info(JSON.stringify({ event: HOUSEKEEPING_EVENT, ...report, durationMs }));
    } catch (error) {
      context.error(
        JSON.stringify({ event: HOUSEKEEPING_EVENT, error: error instanceof Error ? error.name : "unknown" }),
      );
      throw error;
    }
  };
}
