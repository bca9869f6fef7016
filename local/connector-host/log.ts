/**
 * Console output for the local host, written once per event-loop turn. A synchronous write per
 * decision line (what `console.log` does on a pipe) cost more than the decision itself under load; the
 * Functions worker likewise streams logs to its host asynchronously. `flush()` runs on close and exit,
 * so nothing logged is lost.
 */
import type { LogLevel } from "@azure/functions";

export interface BufferedLog {
  readonly log: (level: LogLevel, message: string) => void;
  flush(): void;
}

export function bufferedConsole(
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): BufferedLog {
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
      (level === "error" || level === "warning" ? err : out).push(message);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
