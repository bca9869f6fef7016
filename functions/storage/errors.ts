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

function describe(cause: unknown): string {
  const status = statusOf(cause);
  const code = (cause as { code?: unknown } | null)?.code;
  const name = (cause as { name?: unknown } | null)?.name;
  const parts = [status === undefined ? undefined : `HTTP ${status}`, code, name].filter(
    (p): p is string | number => typeof p === "string" || typeof p === "number",
  );
  return parts.length > 0 ? parts.join(" ") : String(cause);
}
