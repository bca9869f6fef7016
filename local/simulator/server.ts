/**
 * The sign-up simulator's HTTP server (node:http, no framework). Every page load reads the flow fresh
 * from Graph, so a `pulumi up` that changes the flow shows on the next load. Post/redirect/get keeps
 * reloads from re-running a connector call.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { ENTRA_TIMEOUT_MS } from "./connector-client";
import { externalRoutes, type ExternalRoutes } from "./external-server";
import { FlowRunner } from "./flow-runner";
import { GraphReader } from "./graph";
import { blockedPage, createdPage, failedPage } from "./outcome";
import { attributePage, layout, startPage } from "./page";
import { markup } from "./html";
import { logWhenSlow } from "../slow-requests";
import type { FlowModel, Session, TimelineEntry } from "./types";

const MAX_FORM_BYTES = 64 * 1024;
const STYLE = path.join(__dirname, "public", "style.css");

export interface SimulatorOptions {
  /** Root of the Graph emulator, e.g. `http://127.0.0.1:4100`. */
  readonly graphUrl: string;
  /** @default 0 - a free port */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** How long to wait for a connector before the one retry. @default 20000 (Entra's limit) */
  readonly connectorTimeoutMs?: number;
  /** One line per connector attempt and per failure; never bodies or secrets. @default console.log */
  readonly log?: (line: string) => void;
  /** Page requests answered in this many ms or more are logged (method, path, status, ms). @default - none */
  readonly slowRequestMs?: number;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  /** The sign-up with this id (tests read its timeline). */
  session(id: string): Session | undefined;
  close(): Promise<void>;
}

type Reply = { status: number; body: string; type?: string; location?: string };

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const log = opts.log ?? ((line: string) => console.log(line));
  // The stylesheet is a shipped asset: read once here, not on every page load.
  const style = fs.readFileSync(STYLE, "utf8");
  const graph = new GraphReader(opts.graphUrl);
  const runner = new FlowRunner({
    graph,
    connector: {
      timeoutMs: opts.connectorTimeoutMs ?? ENTRA_TIMEOUT_MS,
      onAttempt: (e) => log(attemptLine(e)),
    },
  });
  const external = externalRoutes(graph, (e) => log(attemptLine(e)));
  const server = http.createServer((req, res) => {
    logWhenSlow("simulator", req, res, opts.slowRequestMs, log);
    handle(graph, runner, external, style, req)
      .catch((err: unknown): Reply => {
        log(`simulator: ${req.method} ${req.url} failed: ${(err as Error).message}`);
        return page(
          502,
          layout(
            "Error",
            markup`<h1>Something went wrong</h1>
              <p role="alert" data-testid="error-message">${(err as Error).message}</p>`,
          ),
        );
      })
      .then((reply) => {
        const headers: Record<string, string> = {
          "Content-Type": reply.type ?? "text/html; charset=utf-8",
          "Cache-Control": "no-store",
        };
        if (reply.location) headers.Location = reply.location;
        res.writeHead(reply.status, headers).end(reply.body);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}/`,
    port,
    session: (id) => runner.session(id),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function handle(
  graph: GraphReader,
  runner: FlowRunner,
  external: ExternalRoutes,
  style: string,
  req: http.IncomingMessage,
): Promise<Reply> {
  const url = new URL(req.url ?? "/", "http://simulator");
  const method = req.method ?? "GET";
  const signup = /^\/signup\/([0-9a-f-]{36})(\.json)?$/.exec(url.pathname);
  if (method === "GET" && url.pathname === "/healthz") return { status: 200, body: "ok", type: "text/plain" };
  if (method === "GET" && url.pathname === "/style.css")
    return { status: 200, body: style, type: "text/css; charset=utf-8" };
  if (method === "GET" && url.pathname === "/") {
    const { reply, externalIds } = await external.home(url.searchParams.get("flow"), req);
    return reply ?? home(graph, url.searchParams.get("flow"), externalIds);
  }
  if (method === "POST" && url.pathname === "/start") {
    const form = await readForm(req);
    return (await external.start(form, req)) ?? start(graph, runner, form, uiLocales(req));
  }
  const signInTo = /^\/signup\/([0-9a-f-]{36})\/sign-in$/.exec(url.pathname);
  const signedIn = signInTo && (await external.signIn(signInTo[1] ?? "", method, () => readForm(req)));
  if (signedIn) return signedIn;
  const externalSignup =
    signup && (await external.signup(signup[1] ?? "", !!signup[2], method, () => readForm(req)));
  if (externalSignup) return externalSignup;
  if (signup) {
    const session = runner.session(signup[1] ?? "");
    if (!session)
      return page(
        404,
        layout(
          "Not found",
          markup`<h1>This sign-up has expired</h1>
            <p><a href="/">Start again</a></p>`,
        ),
      );
    if (signup[2]) return { status: 200, body: JSON.stringify(session, null, 2), type: "application/json" };
    const flow = await graph.flow(session.flowId);
    if (method === "POST") {
      await runner.submit(flow, session, await readForm(req), uiLocales(req));
      return redirect(`/signup/${session.id}`);
    }
    if (method === "GET") return page(200, render(flow, session));
  }
  return page(
    404,
    layout(
      "Not found",
      markup`<h1>Not found</h1>
        <p><a href="/">Sign-up page</a></p>`,
    ),
  );
}

async function home(graph: GraphReader, wanted: string | null, externalIds: string[]): Promise<Reply> {
  let ids: string[];
  try {
    ids = await graph.flowIds();
  } catch (err) {
    return page(502, startPage([], undefined, (err as Error).message));
  }
  const id = ids.find((f) => f.toLowerCase() === (wanted ?? "").toLowerCase()) ?? ids[0];
  return page(200, startPage([...ids, ...externalIds], id === undefined ? undefined : await graph.flow(id)));
}

async function start(
  graph: GraphReader,
  runner: FlowRunner,
  form: URLSearchParams,
  locales: string,
): Promise<Reply> {
  const flow = await graph.flow(form.get("flow") ?? "");
  const idp = flow.identityProviders.find((p) => p.id === form.get("idp"));
  const email = (form.get("email") ?? "").trim();
  const problem = !idp
    ? "Choose how to sign in."
    : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
      ? undefined
      : "Enter a valid email address.";
  if (problem || !idp) return page(400, startPage(await graph.flowIds(), flow, problem));
  const session = await runner.start(flow, idp, email, locales);
  return redirect(`/signup/${session.id}`);
}

function render(flow: FlowModel, session: Session): string {
  switch (session.stage) {
    case "attributes":
      return attributePage(flow, session);
    case "blocked":
      return blockedPage(session);
    case "created":
      return createdPage(session);
    case "failed":
      return failedPage(session);
  }
}

/** `ui_locales` is the browser's first preferred language (Entra sends e.g. `en-US`). */
function uiLocales(req: http.IncomingMessage): string {
  const first = (req.headers["accept-language"] ?? "").split(",")[0]?.split(";")[0]?.trim();
  return first && first !== "*" ? first : "en-US";
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function page(status: number, body: string): Reply {
  return { status, body };
}

function redirect(location: string): Reply {
  return { status: 303, body: "", location };
}

function attemptLine(e: TimelineEntry): string {
  const outcome = e.status === null ? (e.error ?? "no response") : `HTTP ${e.status}`;
  return `simulator: ${e.step} attempt ${e.attempt} → ${outcome} in ${e.latencyMs} ms`;
}
