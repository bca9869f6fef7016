/**
 * The local connector host: the same function table as Azure (`connectorFunctions`), served on
 * `node:http` with the real `@azure/functions` HttpRequest/HttpResponse/InvocationContext classes, so a
 * handler cannot tell it is not in the Functions host. Core Tools is not needed (nor installable here).
 */
import {
  HttpRequest,
  HttpResponse,
  InvocationContext,
  type HttpResponseInit,
  type LogLevel,
} from "@azure/functions";
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { connectorFunctions } from "../../functions/registry";
import { createRuntime, type ConnectorRuntime } from "../../functions/runtime";
import { loadSettings, SettingsError, type ConnectorSettings, type Env } from "../../functions/settings";
import { createRouter } from "./router";
import { mergeEnv, watchSettingsFile } from "../../functions/settingsFile";

/** The local stand-in for the Functions host's own request limit; handlers enforce the real 64 KiB. */
const HOST_MAX_BODY_BYTES = 4 * 1024 * 1024;

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
}

export interface ConnectorHost {
  readonly url: string;
  readonly port: number;
  readonly functions: readonly { name: string; route: string; methods: readonly string[] }[];
  settings(): ConnectorSettings;
  /** Re-reads env + settings file; on problems keeps the running settings and returns them. */
  reload(): { ok: true } | { ok: false; problems: readonly string[] };
  close(): Promise<void>;
}

function defaultLog(level: LogLevel, message: string): void {
  (level === "error" || level === "warning" ? console.error : console.log)(message);
}

export async function startConnectorHost(options: ConnectorHostOptions = {}): Promise<ConnectorHost> {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;
  const build = () => createRuntime(loadSettings(mergeEnv(env, options.settingsFile)), { now: options.now });
  let runtime: ConnectorRuntime = build();
  const registrations = connectorFunctions(() => runtime);
  const route = createRouter(registrations);

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

  const server = http.createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      log("error", `connector-host: ${(error as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: "host_error" }));
    });
  });
  server.keepAliveTimeout = 30_000;

  async function dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    const match = route(req.method ?? "GET", url.pathname);
    if (match.kind !== "found") {
      req.resume();
      const status = match.kind === "not-found" ? 404 : 405;
      const headers: Record<string, string> =
        match.kind === "method-not-allowed" ? { Allow: match.allowed.join(", ") } : {};
      return send(res, new HttpResponse({ status, headers, jsonBody: { error: match.kind } }));
    }
    const bytes = await readCapped(req);
    if (bytes === undefined)
      return send(res, new HttpResponse({ status: 413, jsonBody: { error: "payload_too_large" } }));
    const request = new HttpRequest({
      method: req.method,
      url: url.toString(),
      headers: flattenHeaders(req.headers),
      params: match.params,
      body: { bytes },
    });
    const { name, options: fn } = match.registration;
    const context = new InvocationContext({
      invocationId: randomUUID(),
      functionName: name,
      logHandler: (level, ...args) =>
        log(level, args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")),
      options: { trigger: { type: "httpTrigger", name: "httpTrigger" } },
    });
    const result = (await fn.handler(request, context)) as HttpResponseInit | HttpResponse | undefined;
    await send(res, result instanceof HttpResponse ? result : new HttpResponse(result ?? { status: 204 }));
  }

  await listen(server, options.port ?? 7071, options.hostname ?? "127.0.0.1");
  const { port } = server.address() as AddressInfo;
  const stopWatching =
    options.settingsFile === undefined
      ? () => {}
      : watchSettingsFile(options.settingsFile, () => void reload());
  return {
    url: `http://${options.hostname ?? "127.0.0.1"}:${port}`,
    port,
    functions: registrations.map((r) => ({
      name: r.name,
      route: `/api/${r.options.route}`,
      methods: r.options.methods ?? [],
    })),
    settings: () => runtime.settings,
    reload,
    close: async () => {
      stopWatching();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Drains the whole request even past the cap (so the 413 can be written on the same socket). */
function readCapped(req: http.IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total <= HOST_MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(total > HOST_MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function send(res: http.ServerResponse, response: HttpResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, { ...headers, "Content-Length": String(body.length) });
  res.end(body);
}
