/**
 * The simulator's routes for external-tenant flows, next to the B2X ones in server.ts: the start page
 * when the chosen flow is an events flow (or the tenant is external), `POST /start` for such a flow, and
 * the sign-up pages of an external session. Each answers `undefined` when the request is not theirs.
 */
import type * as http from "node:http";
import { isIP } from "node:net";
import { readExternalFlow, readTenant, type FlowListing, type TenantView } from "./events-flow";
import {
  cannotSignUp,
  externalAttributePage,
  externalBlockedPage,
  externalCreatedPage,
  externalFailedPage,
  externalStartPage,
} from "./external-page";
import { ExternalRunner, type ExternalSession } from "./external-runner";
import type { GraphReader } from "./graph";
import { markup } from "./html";
import { layout } from "./page";
import { signInButtons, tokenClaimsPage } from "./token-claims-page";
import { signInApps, signInToApp } from "./token-sign-in";
import type { TimelineEntry } from "./types";

export interface Reply {
  status: number;
  body: string;
  type?: string;
  location?: string;
}

export interface ExternalRoutes {
  readonly runner: ExternalRunner;
  /**
   * `GET /`: the page when the chosen flow is external or the tenant is external; otherwise no reply and
   * the ids of the external flows (for the B2X page's flow switcher).
   */
  home(wanted: string | null, req: http.IncomingMessage): Promise<{ reply?: Reply; externalIds: string[] }>;
  /** `POST /start` for an external flow. */
  start(form: URLSearchParams, req: http.IncomingMessage): Promise<Reply | undefined>;
  /**
   * `/signup/{id}/sign-in` of a created account: POST `app` signs the new user in to that app (one of the
   * flow's applications), GET shows the last sign-in's token claims.
   */
  signIn(id: string, method: string, form: () => Promise<URLSearchParams>): Promise<Reply | undefined>;
  /** `/signup/{id}[.json]` of an external session. */
  signup(
    id: string,
    json: boolean,
    method: string,
    form: () => Promise<URLSearchParams>,
  ): Promise<Reply | undefined>;
}

export function externalRoutes(
  graph: GraphReader,
  onAttempt?: (entry: TimelineEntry) => void,
): ExternalRoutes {
  const runner = new ExternalRunner({ graph, onAttempt });
  const tenant = () => readTenant(graph);
  return {
    runner,
    async home(wanted, req) {
      let view: TenantView;
      try {
        view = await tenant();
      } catch {
        // Graph unreachable or refusing: the B2X start page shows why.
        return { externalIds: [] };
      }
      const externalIds = view.flows.filter((f) => f.kind === "external").map((f) => f.id);
      const chosen = pick(view, wanted);
      if (chosen?.kind === "external") {
        const flow = await readExternalFlow(graph, chosen.id);
        return { externalIds, reply: html(200, externalStartPage(view.flows, flow, clientIp(req))) };
      }
      if (!chosen && view.tenantType === "CIAM")
        return {
          externalIds,
          reply: html(
            200,
            layout(
              "No user flow",
              markup`<h1>No user flow yet</h1>
              <p class="message" role="alert" data-testid="no-flow">The external tenant has no sign-up flow (authenticationEventsFlows). Run npm run local to deploy one.</p>`,
            ),
          ),
        };
      return { externalIds };
    },
    async start(form, req) {
      const view = await tenant().catch(() => undefined);
      const listed = view?.flows.find((f) => f.id === form.get("flow"));
      if (listed?.kind !== "external") return undefined;
      const flow = await readExternalFlow(graph, listed.id);
      const idp = flow.identityProviders.find((p) => p.id === form.get("idp"));
      const email = (form.get("email") ?? "").trim();
      const appId = form.get("app") ?? flow.includeApplications[0] ?? "";
      const ip = (form.get("clientIp") ?? "").trim() || clientIp(req);
      const problem =
        cannotSignUp(flow) ??
        (!idp
          ? "Choose how to sign in."
          : !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)
            ? "Enter a valid email address."
            : !flow.includeApplications.includes(appId)
              ? `The application ${appId} is not included in this flow.`
              : isIP(ip) === 0
                ? `Client IP address ${JSON.stringify(ip)} is not an IPv4 or IPv6 address.`
                : undefined);
      if (problem || !idp) return html(400, externalStartPage(view?.flows ?? [], flow, ip, problem));
      const session = await runner.start(flow, { idp, email, appId, clientIp: ip, locale: locale(req) });
      return redirect(`/signup/${session.id}`);
    },
    async signup(id, json, method, form) {
      const session = runner.session(id);
      if (!session) return undefined;
      if (json) return { status: 200, body: JSON.stringify(session, null, 2), type: "application/json" };
      const flow = await readExternalFlow(graph, session.flowId);
      if (method === "POST") {
        await runner.submit(flow, session, await form());
        return redirect(`/signup/${session.id}`);
      }
      if (method !== "GET") return undefined;
      if (session.stage !== "created") return html(200, render(flow, session));
      const apps = await signInApps(graph, flow.includeApplications);
      return html(200, externalCreatedPage(session, signInButtons(session.id, apps)));
    },
    async signIn(id, method, form) {
      const session = runner.session(id);
      if (!session || session.stage !== "created") return undefined;
      const flow = await readExternalFlow(graph, session.flowId);
      const apps = await signInApps(graph, flow.includeApplications);
      if (method === "POST") {
        const wanted = (await form()).get("app");
        const app = apps.find((a) => a.appId === wanted);
        if (!app) return html(400, externalCreatedPage(session, signInButtons(session.id, apps)));
        session.tokenSignIn = await signInToApp(graph, app, String(session.user?.id ?? ""));
        return redirect(`/signup/${session.id}/sign-in`);
      }
      if (method !== "GET") return undefined;
      if (!session.tokenSignIn) return redirect(`/signup/${session.id}`);
      return html(200, tokenClaimsPage(session.id, session.tokenSignIn, apps));
    },
  };
}

function render(flow: Parameters<typeof externalAttributePage>[0], session: ExternalSession): string {
  switch (session.stage) {
    case "attributes":
      return externalAttributePage(flow, session);
    case "blocked":
      return externalBlockedPage(session);
    case "created":
      return externalCreatedPage(session);
    case "failed":
      return externalFailedPage(session);
  }
}

function pick(view: TenantView, wanted: string | null): FlowListing | undefined {
  return view.flows.find((f) => f.id.toLowerCase() === (wanted ?? "").toLowerCase()) ?? view.flows[0];
}

/** The browser's address as Entra would see it (IPv4-mapped IPv6 written as IPv4). */
function clientIp(req: http.IncomingMessage): string {
  return (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
}

/** Entra sends the browser's first preferred language, lower-cased (`en-us`). */
function locale(req: http.IncomingMessage): string {
  const first = (req.headers["accept-language"] ?? "").split(",")[0]?.split(";")[0]?.trim();
  return (first && first !== "*" ? first : "en-US").toLowerCase();
}

function html(status: number, body: string): Reply {
  return { status, body };
}

function redirect(location: string): Reply {
  return { status: 303, body: "", location };
}
