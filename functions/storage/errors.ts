/**
 * Storage failures the ports surface to the engine. The engine maps any port failure to the policy's
 * failOpen/failClosed choice; the type and `operation` only make logs actionable. Messages never carry
 * an email address or a secret.
 */
export class StorageUnavailableError extends Error {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`storage unavailable during ${operation}: ${describe(cause)}`, { cause });
    this.name = "StorageUnavailableError";
  }
}

export class ApprovalNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no approval request with id ${id}`);
    this.name = "ApprovalNotFoundError";
  }
}

/** The HTTP status of an Azure SDK RestError, or undefined for network errors and timeouts. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/**
 * `HTTP <status> <code> <name>: <first line of the message>`, e.g. `HTTP 503 ServerBusy RestError: The
 * server is busy.` or `AbortError: The operation was aborted.`: the real cause, not just `Error`. Storage
 * messages name keys (hashed handles, domains) and request ids, never an email address or a secret.
 */
export function describe(cause: unknown): string {
  const status = statusOf(cause);
  const code = (cause as { code?: unknown } | null)?.code;
  const name = (cause as { name?: unknown } | null)?.name;
  const rawMessage = (cause as { message?: unknown } | null)?.message;
  const head = [status === undefined ? undefined : `HTTP ${status}`, code, name].filter(
    (p): p is string | number => typeof p === "string" || typeof p === "number",
  );
  const message = typeof rawMessage === "string" ? firstLine(rawMessage) : "";
  if (head.length === 0) return message === "" ? String(cause) : message;
  return message === "" ? head.join(" ") : `${head.join(" ")}: ${message}`;
}

/** Service messages can be multi-line XML/JSON bodies; the first line says what happened. */
function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
