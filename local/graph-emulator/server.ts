/**
 * The HTTP pipeline for Graph requests: ids and headers, version, auth, injected faults, routing, the
 * handler, persistence and the request log. Admin routes are handed to `admin.ts` before any of this.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HandlerResult, Method, RequestContext } from "./context";
import { GraphError, errorEnvelope } from "./errors";
import type { Faults } from "./faults";
import { IDENTITY_SEGMENTS, TOP_LEVEL, matchRoute, splitPath } from "./router";
import type { Store } from "./store";
import { enforceTenant, type TenantSettings } from "./tenant";
import type { FaultKind, FaultRule, GraphVersion, RequestLogEntry } from "./types";

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);
const VERSIONS: readonly GraphVersion[] = ["v1.0", "beta"];

/** Holds back the answer to one request (tests: "the engine dies while this call is in flight"). */
export interface ResponseHold {
  readonly matches: (entry: RequestLogEntry) => boolean;
  /** Called once, with the request that matched, after it was handled and logged. */
  readonly reached: (entry: RequestLogEntry) => void;
  /** Resolves when the answer may be sent. */
  readonly released: Promise<void>;
}

/** What the pipeline needs from the emulator. */
export interface PipelineDeps {
  /** Answers held back until released (test hook). */
  holds: ResponseHold[];
  store: Store;
  faults: Faults;
  log: RequestLogEntry[];
  extensionsAppId: string;
  /** Root URLs the emulator is reachable at (for `@odata.id` checks). */
  roots: () => string[];
  /** The emulated tenant's kind and the caller's permissions, enforced on every Graph call. */
  tenant: () => TenantSettings;
}

/** Reads the whole body; `undefined` when empty. Throws a 400 GraphError on invalid JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
}

interface Outcome {
  result: HandlerResult;
  handled: boolean;
  fault?: FaultKind;
}

/** Sends a handler result with Graph's standard headers. */
export function send(
  res: ServerResponse,
  result: HandlerResult,
  requestId: string,
  clientRequestId: string,
): void {
  const headers: Record<string, string> = {
    "request-id": requestId,
    "client-request-id": clientRequestId,
    ...result.headers,
  };
  if (result.body === undefined) {
    res.writeHead(result.status, headers).end();
    return;
  }
  headers["Content-Type"] = "application/json; charset=utf-8";
  res.writeHead(result.status, headers).end(JSON.stringify(result.body));
}

function errorResult(err: GraphError, requestId: string, clientRequestId: string): HandlerResult {
  return {
    status: err.status,
    headers: err.headers,
    body: errorEnvelope(err.code, err.message, requestId, clientRequestId),
  };
}

const retryAfterHeader = (rule: FaultRule): Record<string, string> =>
  rule.retryAfterSeconds === undefined ? {} : { "Retry-After": String(rule.retryAfterSeconds) };

/** Graph's usual code for a status, for `status` faults that name none. */
const DEFAULT_CODES: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "InvalidAuthenticationToken",
  403: "Authorization_RequestDenied",
  404: "Request_ResourceNotFound",
  405: "BadRequest",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalServerError",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

const FAULT_ERRORS: Partial<Record<FaultKind, (rule: FaultRule) => GraphError>> = {
  throttle: (rule) =>
    new GraphError(
      429,
      "TooManyRequests",
      "Too many requests. Please retry after the interval in the Retry-After header, or back off.",
      retryAfterHeader(rule),
    ),
  unavailable: () => new GraphError(503, "ServiceUnavailable", "The service is temporarily unavailable."),
  gatewayTimeout: () =>
    new GraphError(504, "GatewayTimeout", "The gateway did not receive a response in time."),
  alreadyExists: () => new GraphError(400, "BadRequest", "The object already exists (injected fault)."),
  // Any status, e.g. 405 for the POST → PATCH `$ref` fallback (docs/graph-contract.md Appendix B #1); nothing
  // is written.
  status: (rule) => {
    const status = rule.status ?? 500;
    return new GraphError(
      status,
      rule.code ?? DEFAULT_CODES[status] ?? (status >= 500 ? "InternalServerError" : "BadRequest"),
      rule.message ?? `Injected ${status} fault.`,
      retryAfterHeader(rule),
    );
  },
};

/** Finds the route or throws Graph's 400/404/405. */
function route(method: string, version: GraphVersion, segments: string[]) {
  const first = segments[0] ?? "";
  if (!TOP_LEVEL.has(first.toLowerCase())) {
    throw new GraphError(400, "BadRequest", `Resource not found for the segment '${first}'.`);
  }
  if (
    first.toLowerCase() === "identity" &&
    segments[1] &&
    !IDENTITY_SEGMENTS.has(segments[1].toLowerCase())
  ) {
    throw new GraphError(400, "BadRequest", `Resource not found for the segment '${segments[1]}'.`);
  }
  const match = matchRoute(segments);
  if (!match)
    throw new GraphError(
      404,
      "Request_ResourceNotFound",
      `Resource '/${segments.join("/")}' does not exist.`,
    );
  if (match.route.betaOnlySegment && version !== "beta") {
    throw new GraphError(
      400,
      "BadRequest",
      `Resource not found for the segment '${match.route.betaOnlySegment}'.`,
    );
  }
  const handler = match.route.methods[method as Method];
  if (!handler) {
    throw new GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.", {
      Allow: Object.keys(match.route.methods).join(", "),
    });
  }
  return { handler, params: match.params };
}

async function handleGraph(
  deps: PipelineDeps,
  req: IncomingMessage,
  method: string,
  version: GraphVersion,
  path: string,
  query: URLSearchParams,
): Promise<Outcome> {
  const auth = req.headers.authorization ?? "";
  if (!/^Bearer\s+\S+/i.test(auth)) {
    throw new GraphError(
      401,
      "InvalidAuthenticationToken",
      auth ? "CompactToken parsing failed with error code: 80049217" : "Access token is empty.",
    );
  }
  enforceTenant(deps.tenant(), method, path);
  if (deps.faults.isHidden(path)) {
    const err = new GraphError(
      404,
      "Request_ResourceNotFound",
      `Resource '${path}' does not exist (replication delay).`,
    );
    return { result: { status: 404, body: err }, handled: false, fault: "notFoundAfterCreate" };
  }
  const fault = deps.faults.take(method, path);
  const immediate = fault && FAULT_ERRORS[fault.kind];
  if (fault && immediate) throw Object.assign(immediate(fault), { fault: fault.kind });

  const segments = splitPath(path);
  const { handler, params } = route(method, version, segments);
  const body = await readJson(req);
  const host = req.headers.host;
  const roots = [...new Set([...(host ? [`http://${host}`] : []), ...deps.roots()])];
  const ctx: RequestContext = {
    method,
    version,
    path,
    params,
    query,
    body,
    store: deps.store,
    root: roots[0] ?? "",
    roots,
    extensionsAppId: deps.extensionsAppId,
    tenant: deps.tenant(),
  };
  let result: HandlerResult;
  try {
    result = handler(ctx);
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    result = { status: err.status, body: err };
  } finally {
    if (WRITE_METHODS.has(method)) deps.store.persist();
  }
  if (fault?.kind === "createThenFail" && result.status < 400) {
    // The write happened; only the response is lost, as when a connection drops after the commit.
    const err = new GraphError(
      500,
      "InternalServerError",
      "An internal server error occurred (injected after the write).",
    );
    return { result: { status: 500, body: err }, handled: true, fault: fault.kind };
  }
  if (fault?.kind === "notFoundAfterCreate" && result.createdPath && result.status === 201) {
    deps.faults.hide(result.createdPath, fault.durationMs ?? 2000);
  }
  return { result, handled: true, fault: fault?.kind };
}

/** Serves one Graph request (path starting with `/v1.0` or `/beta`). */
export async function serveGraph(
  deps: PipelineDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const clientHeader = req.headers["client-request-id"];
  const clientRequestId = typeof clientHeader === "string" && clientHeader ? clientHeader : requestId;
  const url = new URL(req.url ?? "/", "http://emulator");
  const method = (req.method ?? "GET").toUpperCase();
  const [, first = "", ...rest] = url.pathname.split("/");
  const version = VERSIONS.find((v) => v === first) ?? null;
  const path = version ? `/${splitPath(rest.join("/")).join("/")}` : url.pathname;
  const entry: RequestLogEntry = {
    method,
    path,
    version,
    status: 0,
    at: new Date().toISOString(),
    write: WRITE_METHODS.has(method),
    requestId,
    handled: false,
  };
  let outcome: Outcome;
  try {
    if (!version) throw new GraphError(400, "BadRequest", `Invalid version: '${first}'. Use /v1.0 or /beta.`);
    outcome = await handleGraph(deps, req, method, version, path, url.searchParams);
  } catch (err) {
    const graphErr =
      err instanceof GraphError
        ? err
        : new GraphError(500, "InternalServerError", `Emulator error: ${(err as Error).message}`);
    if (!(err instanceof GraphError)) console.error("graph emulator:", err);
    outcome = {
      result: { status: graphErr.status, body: graphErr },
      handled: false,
      fault: (err as { fault?: FaultKind }).fault,
    };
  }
  // GraphErrors travel as bodies so every error, thrown or injected, gets the same envelope here.
  const { result } = outcome;
  const final =
    result.body instanceof GraphError ? errorResult(result.body, requestId, clientRequestId) : result;
  entry.status = final.status;
  entry.handled = outcome.handled;
  if (outcome.fault) entry.fault = outcome.fault;
  deps.log.push(entry);
  const hold = deps.holds.find((h) => h.matches(entry));
  if (hold) {
    deps.holds.splice(deps.holds.indexOf(hold), 1);
    hold.reached(entry);
    await hold.released;
  }
  if (!res.headersSent) {
    // Drain an unread body so the client is not left writing into a closed socket.
    req.resume();
    send(res, final, requestId, clientRequestId);
  }
}
