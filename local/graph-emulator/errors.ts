/** Graph-style errors and the JSON error envelope. */

/** An error a handler throws to answer with Graph's error envelope. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** 400 with the identity-service code used for validation failures. */
export function badRequest(message: string, code = "BadRequest"): GraphError {
  return new GraphError(400, code, message);
}

/** 404 for an id that does not exist. */
export function notFound(what: string, id: string): GraphError {
  return new GraphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' of type '${what}' does not exist.`,
  );
}

/**
 * Duplicate create. Graph documents no status for this (docs/graph-contract.md §0.5: UNCONFIRMED); we answer
 * 400 with an "already exists" message, which is what clients must already treat as "maybe exists".
 */
export function alreadyExists(what: string, id: string): GraphError {
  return new GraphError(400, "BadRequest", `A ${what} with id '${id}' already exists.`);
}

/** The `{ error: { code, message, innerError } }` body Graph sends on every failure. */
export function errorEnvelope(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString(),
        "request-id": requestId,
        "client-request-id": clientRequestId,
      },
    },
  };
}
