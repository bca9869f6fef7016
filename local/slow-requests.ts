/**
 * One log line for each HTTP request a local service took long to answer. The Graph emulator and the
 * simulator print nothing per request otherwise, so on a loaded machine a slow answer (the usual cause of
 * a page that did not come in time) would leave no trace in their logs.
 */
import type * as http from "node:http";

/**
 * Logs the request once its response closes, if that took at least `thresholdMs`: service name, method,
 * path without its query (a query can hold addresses and filters), status and milliseconds. Nothing is
 * logged when `thresholdMs` is undefined.
 */
export function logWhenSlow(
  service: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  thresholdMs: number | undefined,
  log: (line: string) => void,
): void {
  if (thresholdMs === undefined) return;
  const started = performance.now();
  res.once("close", () => {
    const ms = Math.round(performance.now() - started);
    if (ms < thresholdMs) return;
    const path = (req.url ?? "").split("?")[0];
    const ended = res.writableFinished
      ? `${res.statusCode}`
      : `${res.statusCode}, connection closed before the end`;
    log(`${service}: slow request ${req.method} ${path} → ${ended} in ${ms} ms`);
  });
}
