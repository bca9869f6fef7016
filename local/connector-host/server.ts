/**
 * The local connector host: the same function table as Azure (`connectorFunctions`), served on
 * `node:http` with the real `@azure/functions` HttpRequest/HttpResponse/InvocationContext classes, so a
 * handler cannot tell it is not in the Functions host. Core Tools is not needed (nor installable here).
 */
import { InvocationContext, type HttpResponse, type HttpResponseInit, type LogLevel } from "@azure/functions";
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { MemoryApprovalStore, MemoryEventSink, MemoryRateLimiter } from "../../functions/engine/memory";
import { connectorFunctions, connectorTimers } from "../../functions/registry";
import { createRuntime, type ConnectorRuntime, type StoragePorts } from "../../functions/runtime";
import { loadSettings, SettingsError, type ConnectorSettings, type Env } from "../../functions/settings";
import { clientGone, HOST_MAX_BODY_BYTES, readBody, requestHeaders, send } from "./io";
import { bufferedConsole } from "./log";
import { bufferedHttpRequest } from "./request";
import { createRouter } from "./router";
import { timerRunner } from "./timers";
import { mergeEnv, watchSettingsFile } from "../../functions/settingsFile";
import { isLoopbackHost } from "../../contract/url";

export interface ConnectorHostOptions {
  /** @default 7071 (the Functions host's port); 0 picks a free port. */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly hostname?: string;
  /** @default process.env */
  readonly env?: Env;
  /** JSON app settings, merged over `env` and reloaded when the file changes. */
  readonly settingsFile?: string;
  readonly now?: () => Date;
  /** Where function and host logs go. @default console */
  readonly log?: (level: LogLevel, message: string) => void;
  /**
   * `"memory"`: rate limits, approvals and events live in this process and vanish with it; no
   * AzureWebJobsStorage needed. For tests and the benchmark only, so it is refused on any address but
   * loopback. @default "table" (Azure Tables/Queues, e.g. Azurite)
   */
  readonly storage?: "table" | "memory";
  /** How long a client may take to send what it sends; tests make them small. */
  readonly limits?: HostTimeLimits;
}

/**
 * Time bounds per request. Entra gives a B2X connector 20 s in all
 * (https://learn.microsoft.com/entra/external-id/api-connectors-overview), so a request still arriving
 * after these is nobody's sign-up; without them a slow client holds a connection for minutes.
 */
export interface HostTimeLimits {
  /** From the connection's first request byte to the end of the headers. @default 10000 */
  readonly headersMs?: number;
  /** From the end of the headers to the last body byte; then 408 and the connection is closed. @default 10000 */
  readonly bodyMs?: number;
}

const DEFAULT_LIMITS = { headersMs: 10_000, bodyMs: 10_000 };

/**
 * After a refusal that leaves the body unread, how long the client has to read the answer before the
 * connection is dropped (closing at once could reset it before the answer is read).
 */
const LINGER_MS = 2_000;
export interface ConnectorHost {
  readonly url: string;
  readonly port: number;
  readonly functions: readonly { name: string; route: string; methods: readonly string[] }[];
  readonly timers: readonly { name: string; schedule: string }[];
  /** Runs a timer function now (what `POST /admin/functions/<name>` does); rejects if it fails. */
  runTimer(name: string): Promise<void>;
  settings(): ConnectorSettings;
  /** Re-reads env + settings file; on problems keeps the running settings and returns them. */
  reload(): { ok: true } | { ok: false; problems: readonly string[] };
  close(): Promise<void>;
}

/** In-memory ports, made once so a settings reload keeps the counts, approvals and seen events. */
function memoryPorts(hostname: string): StoragePorts {
  if (!isLoopbackHost(hostname))
    throw new Error(`in-memory storage is for local tests only: bind to 127.0.0.1, not ${hostname}`);
  return {
    rateLimiter: new MemoryRateLimiter(),
    approvals: new MemoryApprovalStore(),
    events: new MemoryEventSink(),
  };
}

export async function startConnectorHost(options: ConnectorHostOptions = {}): Promise<ConnectorHost> {
  const hostname = options.hostname ?? "127.0.0.1";
  const ports = options.storage === "memory" ? memoryPorts(hostname) : undefined;
  // The storage settings are still validated in memory mode; a placeholder keeps them from being required.
  const baseEnv = options.env ?? process.env;
  const env =
    ports === undefined ? baseEnv : { AzureWebJobsStorage: "UseDevelopmentStorage=true", ...baseEnv };
  const buffered = options.log === undefined ? bufferedConsole() : undefined;
  const log = options.log ?? buffered!.log;
  const flushOnExit = () => buffered?.flush();
  process.once("exit", flushOnExit);
  const build = () =>
    createRuntime(loadSettings(mergeEnv(env, options.settingsFile)), { now: options.now, ports });
  let runtime: ConnectorRuntime = build();
  await prepareStorage(runtime, log);
  const registrations = connectorFunctions(() => runtime);
  const route = createRouter(registrations);
  const timers = timerRunner(
    connectorTimers(() => runtime),
    log,
  );

  const reload: ConnectorHost["reload"] = () => {
    try {
      runtime = build();
      log("information", "connector-host: settings reloaded");
      return { ok: true };
    } catch (error) {
      const problems = error instanceof SettingsError ? error.problems : [(error as Error).message];
      log(
        "error",
        `connector-host: settings NOT reloaded, still using the previous ones:\n  - ${problems.join("\n  - ")}`,
      );
      return { ok: false, problems };
    }
  };

  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const server = http.createServer(
    {
      headersTimeout: limits.headersMs,
      requestTimeout: limits.headersMs + limits.bodyMs,
      // How often Node checks the two timeouts above (default 30 s, longer than the bounds themselves).
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, limits.headersMs / 2)),
    },
    (req, res) => {
      dispatch(req, res).catch((error: unknown) => {
        if (clientGone(res)) return clientLeft(req, "while its answer was being written");
        log("error", `connector-host: ${(error as Error).message}`);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "host_error" }));
      });
    },
  );
  server.keepAliveTimeout = 30_000;

  /** A client that goes away is not a host error, and there is nobody to answer. */
  const clientLeft = (req: http.IncomingMessage, when: string) =>
    log("debug", `connector-host: client closed the connection ${when} (${req.method} ${req.url})`);

  /** One log handler for every invocation (not a closure per request). */
  const invocationLog = (level: LogLevel, ...args: unknown[]) =>
    log(
      level,
      args.length === 1 && typeof args[0] === "string"
        ? args[0]
        : args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "),
    );

  /** Answers, then closes the connection: the rest of the request body is never read. */
  const refuseAndClose = (req: http.IncomingMessage, res: http.ServerResponse, answer: HttpResponseInit) => {
    res.once("finish", () => {
      const linger = setTimeout(() => req.socket.destroy(), LINGER_MS);
      linger.unref();
      req.socket.once("close", () => clearTimeout(linger));
    });
    return send(res, {
      ...answer,
      headers: { ...(answer.headers as Record<string, string>), Connection: "close" },
    });
  };

  async function dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = requestUrl(req);
    const timer = req.method === "POST" ? timers.find(url.pathname) : undefined;
    if (timer !== undefined) {
      req.resume();
      const ran = await timers.run(timer).then(
        () => true,
        () => false,
      );
      return send(
        res,
        ran ? { status: 202, jsonBody: {} } : { status: 500, jsonBody: { error: "function_failed" } },
      );
    }
    const match = route(req.method ?? "GET", url.pathname);
    if (match.kind !== "found") {
      req.resume();
      const status = match.kind === "not-found" ? 404 : 405;
      const headers: Record<string, string> =
        match.kind === "method-not-allowed" ? { Allow: match.allowed.join(", ") } : {};
      return send(res, { status, headers, jsonBody: { error: match.kind } });
    }
    const headers = requestHeaders(req.headers);
    if (Number(headers.get("content-length") ?? "0") > HOST_MAX_BODY_BYTES)
      return refuseAndClose(req, res, { status: 413, jsonBody: { error: "payload_too_large" } });
    // Awaited only when a promise: a Basic check answers at once, and every await is a turn of the queue.
    const check = match.registration.refuseBeforeBody?.({ headers }, (line) => log("warning", line));
    const refused = check instanceof Promise ? await check : check;
    if (refused !== undefined) return refuseAndClose(req, res, refused);
    const body = await readBody(req, { maxBytes: HOST_MAX_BODY_BYTES, deadlineMs: limits.bodyMs });
    if (body.kind === "closed") return clientLeft(req, "before sending the whole body");
    if (body.kind === "too-large")
      return refuseAndClose(req, res, { status: 413, jsonBody: { error: "payload_too_large" } });
    if (body.kind === "timed-out")
      return refuseAndClose(req, res, { status: 408, jsonBody: { error: "request_timeout" } });
    const method = req.method ?? "GET";
    const request = bufferedHttpRequest({
      method,
      url: url.href,
      headers,
      params: match.params,
      bytes: method === "GET" || method === "HEAD" ? undefined : body.bytes,
    });
    const { name, options: fn } = match.registration;
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: name,
      logHandler: invocationLog,
      options: { trigger: { type: "httpTrigger", name: "httpTrigger" } },
    });
    const result = (await fn.handler(request, context)) as HttpResponseInit | HttpResponse | undefined;
    if (clientGone(res)) return clientLeft(req, "before its answer was ready");
    await send(res, result);
  }

  await listen(server, options.port ?? 7071, hostname);
  const { port } = server.address() as AddressInfo;
  const stopWatching =
    options.settingsFile === undefined
      ? () => {}
      : watchSettingsFile(options.settingsFile, () => void reload());
  return {
    url: `http://${hostname}:${port}`,
    port,
    functions: registrations.map((r) => ({
      name: r.name,
      route: `/api/${r.options.route}`,
      methods: r.options.methods ?? [],
    })),
    timers: timers.timers,
    runTimer: (name) => timers.run(name),
    settings: () => runtime.settings,
    reload,
    close: async () => {
      stopWatching();
      process.off("exit", flushOnExit);
      buffered?.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Parsed request targets by host and path: Entra calls the same two URLs over and over. */
const parsedTargets = new Map<string, URL>();

function requestUrl(req: http.IncomingMessage): URL {
  const host = req.headers.host ?? "localhost";
  const key = `${host} ${req.url ?? "/"}`;
  let url = parsedTargets.get(key);
  if (url === undefined) {
    url = new URL(req.url ?? "/", `http://${host}`);
    if (parsedTargets.size >= 256) parsedTargets.clear();
    parsedTargets.set(key, url);
  }
  return url;
}

/** Tables and the queue are created before the first sign-up; if storage is down, the first use retries. */
async function prepareStorage(
  runtime: ConnectorRuntime,
  log: (level: LogLevel, message: string) => void,
): Promise<void> {
  try {
    await runtime.prepare?.();
  } catch (error) {
    log("warning", `connector-host: storage not ready yet (${(error as Error).name}); retrying on first use`);
  }
}

function listen(server: http.Server, port: number, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `port ${port} on ${hostname} is already in use: stop the other process or pass --port <n> (0 picks a free port)`,
            )
          : error,
      );
    });
    server.listen(port, hostname, () => resolve());
  });
}
