/**
 * Console output for the local host, written in batches (every 20 ms at most). A synchronous write per
 * decision line (what `console.log` does on a pipe) cost more than the decision itself under load; the
 * Functions worker likewise streams logs to its host asynchronously. `flush()` runs on close and exit,
 * so nothing logged is lost.
 */
import type { LogLevel } from "@azure/functions";

export interface BufferedLog {
  readonly log: (level: LogLevel, message: string) => void;
  flush(): void;
}

/** At most this late (and on close and exit); one write per interval instead of one per request. */
const FLUSH_EVERY_MS = 20;

/** Severity order of the Functions log levels; `none` logs nothing. */
const SEVERITY: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

/** Lines below `minLevel` are dropped before they are buffered (the Functions host's default is information). */
export function bufferedConsole(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
  minLevel: LogLevel = "information",
): BufferedLog {
  const threshold = SEVERITY[minLevel];
  let out: string[] = [];
  let err: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (out.length > 0) stdout.write(`${out.join("\n")}\n`);
    if (err.length > 0) stderr.write(`${err.join("\n")}\n`);
    out = [];
    err = [];
  };
  return {
    log(level, message) {
      if (SEVERITY[level] < threshold || level === "none") return;
      (SEVERITY[level] >= SEVERITY.warning ? err : out).push(message);
      if (!scheduled) {
        scheduled = true;
        setTimeout(flush, FLUSH_EVERY_MS).unref();
      }
    },
    flush,
  };
}
