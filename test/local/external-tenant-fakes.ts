/**
 * In-test stand-ins for the external-tenant parts the simulator talks to, each a real HTTP server on a free
 * port: a Graph tenant serving the events-flow and custom-extension reads exactly as Microsoft Graph
 * returns them (stand-in for the Graph emulator's events-flow routes, which are built separately), and a
 * scripted custom authentication extension (stand-in for the Function App's Start/Submit routes). Tokens
 * are minted by the emulator's real identity platform, so the extension side can verify them.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { IdentityPlatform } from "../../local/graph-emulator/identityPlatform";
import type { Json } from "./helpers";

export const TENANT_ID = "5b2c1f0e-3a4d-4e6f-8a9b-0c1d2e3f4a5b";
export const APP_ID = "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
export const API_APP_ID = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
export const EXT_APP = "d09380e2b4c642b9a203fb816a04a7ad";
export const ext = (name: string) => `extension_${EXT_APP}_${name}`;

/** One HTTP request the fake received. */
export interface Seen {
  method: string;
  path: string;
  authorization?: string;
  body: Json;
}

interface Server {
  url: string;
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<Server & { server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function body(req: http.IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

/** What the fake tenant holds; tests change it between steps. */
export interface TenantState {
  tenantType: string;
  flows: Json[];
  /** Lists read through their own paths (§ identityProviders / attributes), by flow id. */
  identityProviders: Record<string, Json[]>;
  attributes: Record<string, Json[]>;
  /** Extensions served by v1.0 and beta. */
  extensions: Record<string, Json>;
  /** Extensions served by beta only. */
  betaExtensions: Record<string, Json>;
  users: Json[];
}

/** A Graph tenant answering the reads of an external tenant's sign-up, and `POST /users`. */
export async function fakeExternalGraph() {
  const platform = new IdentityPlatform(() => TENANT_ID);
  const seen: Seen[] = [];
  const state: TenantState = {
    tenantType: "CIAM",
    flows: [],
    identityProviders: {},
    attributes: {},
    extensions: {},
    betaExtensions: {},
    users: [],
  };
  const answer = (res: http.ServerResponse, status: number, payload?: unknown) =>
    res
      .writeHead(status, { "Content-Type": "application/json" })
      .end(payload === undefined ? "" : JSON.stringify(payload));
  const notFound = (res: http.ServerResponse, what: string) =>
    answer(res, 404, { error: { code: "Request_ResourceNotFound", message: `${what} not found` } });
  const cast = "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
  const srv = await listen((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://graph");
      const method = req.method ?? "GET";
      const payload = await body(req);
      const path = decodeURIComponent(url.pathname);
      seen.push({
        method,
        path: `${path}${url.search}`,
        authorization: req.headers.authorization,
        body: payload,
      });
      if (method === "POST" && path === "/_emulator/tokens/authentication-events")
        return answer(res, 200, {
          token_type: "Bearer",
          access_token: await platform.mint({ audience: payload.audience }),
        });
      if (path === "/v1.0/organization")
        return answer(res, 200, {
          value: [
            {
              id: TENANT_ID,
              tenantType: state.tenantType,
              verifiedDomains: [{ name: "contoso.onmicrosoft.com", isInitial: true, isDefault: true }],
            },
          ],
        });
      if (path === "/v1.0/identity/b2xUserFlows")
        return state.tenantType === "CIAM"
          ? answer(res, 403, {
              error: {
                code: "AADB2C",
                message: "Access to this Api can only be made for an Azure AD directory (non b2c).",
              },
            })
          : answer(res, 200, { value: [{ id: "B2X_1_partners" }] });
      if (path === "/v1.0/identity/authenticationEventsFlows")
        return answer(res, 200, { value: state.flows });
      const flowPath = /^\/v1\.0\/identity\/authenticationEventsFlows\/([^/]+)(?:\/(.*))?$/.exec(path);
      if (flowPath) {
        const flow = state.flows.find((f) => f.id === flowPath[1]);
        if (!flow) return notFound(res, `flow ${flowPath[1]}`);
        const rest = flowPath[2] ?? "";
        if (rest === "") return answer(res, 200, flow);
        if (
          rest.startsWith(`${cast}/onAuthenticationMethodLoadStart/`) &&
          rest.endsWith("/identityProviders")
        )
          return answer(res, 200, { value: state.identityProviders[flow.id] ?? [] });
        if (rest.startsWith(`${cast}/onAttributeCollection/`) && rest.endsWith("/attributes"))
          return answer(res, 200, { value: state.attributes[flow.id] ?? [] });
        if (rest === "conditions/applications/includeApplications")
          return answer(res, 200, { value: [{ appId: APP_ID }] });
        return notFound(res, path);
      }
      const extPath = /^\/(v1\.0|beta)\/identity\/customAuthenticationExtensions\/([^/]+)$/.exec(path);
      if (extPath) {
        const id = extPath[2] ?? "";
        const found = state.extensions[id] ?? (extPath[1] === "beta" ? state.betaExtensions[id] : undefined);
        return found ? answer(res, 200, found) : notFound(res, `extension ${id}`);
      }
      if (path === "/v1.0/servicePrincipals")
        return answer(res, 200, {
          value: [
            { id: "sp-object-id", appId: APP_ID, appDisplayName: "Contoso web", displayName: "Contoso web" },
          ],
        });
      if (method === "POST" && path === "/v1.0/users") {
        const user = { id: randomUUID(), ...payload };
        state.users.push(user);
        return answer(res, 201, user);
      }
      return notFound(res, path);
    })();
  });
  return { ...srv, state, seen, platform };
}

/** A scripted answer of the fake extension. */
export interface Answer {
  status?: number;
  /** JSON body, or raw text when `raw` is set. */
  body?: unknown;
  raw?: string;
  contentType?: string;
  /** Holds the answer back (for timeouts). */
  delayMs?: number;
}

/** A custom authentication extension answering each path from its queue (default: continue). */
export async function fakeExtension() {
  const queues = new Map<string, Answer[]>();
  const received: Seen[] = [];
  const srv = await listen((req, res) => {
    void (async () => {
      const path = req.url ?? "/";
      received.push({
        method: req.method ?? "POST",
        path,
        authorization: req.headers.authorization,
        body: await body(req),
      });
      const event = path.endsWith("Start") ? "attributeCollectionStart" : "attributeCollectionSubmit";
      const next: Answer = queues.get(path)?.shift() ?? {
        body: respond(event, "continueWithDefaultBehavior"),
      };
      const send = () => {
        if (res.destroyed) return;
        res
          .writeHead(next.status ?? 200, { "Content-Type": next.contentType ?? "application/json" })
          .end(next.raw ?? JSON.stringify(next.body));
      };
      if (next.delayMs) setTimeout(send, next.delayMs).unref();
      else send();
    })();
  });
  return {
    ...srv,
    received,
    script(path: string, ...answers: Answer[]) {
      queues.set(path, [...(queues.get(path) ?? []), ...answers]);
    },
    reset() {
      queues.clear();
      received.splice(0);
    },
  };
}

/** An extension answer body with one action of `event`. */
export function respond(
  event: "attributeCollectionStart" | "attributeCollectionSubmit",
  action: string,
  fields: Record<string, unknown> = {},
): Json {
  const callout = event === "attributeCollectionStart" ? "Start" : "Submit";
  return {
    data: {
      "@odata.type": `microsoft.graph.onAttributeCollection${callout}ResponseData`,
      actions: [{ "@odata.type": `microsoft.graph.${event}.${action}`, ...fields }],
    },
  };
}

/** A custom authentication extension as Graph returns it. */
export function extensionBody(
  id: string,
  event: "Start" | "Submit",
  targetUrl: string,
  client: { timeoutInMilliseconds?: number | null; maximumRetries?: number | null } = {},
): Json {
  return {
    "@odata.type": `#microsoft.graph.onAttributeCollection${event}CustomExtension`,
    id,
    displayName: `contoso ${event}`,
    endpointConfiguration: { "@odata.type": "#microsoft.graph.httpRequestEndpoint", targetUrl },
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
      resourceId: `api://${new URL(targetUrl).host}/${API_APP_ID}`,
    },
    clientConfiguration: { timeoutInMilliseconds: 1000, maximumRetries: 1, ...client },
  };
}

/** The flow's attributes (§ onAttributeCollection.attributes). */
export const ATTRIBUTES: Json[] = [
  { id: "email", displayName: "Email Address", userFlowAttributeType: "builtIn", dataType: "string" },
  { id: "givenName", displayName: "Given Name", userFlowAttributeType: "builtIn", dataType: "string" },
  { id: "city", displayName: "City", userFlowAttributeType: "builtIn", dataType: "string" },
  {
    id: ext("CompanyName"),
    displayName: "Company name",
    userFlowAttributeType: "custom",
    dataType: "string",
  },
  {
    id: ext("LoyaltyNumber"),
    displayName: "Loyalty number",
    userFlowAttributeType: "custom",
    dataType: "int64",
  },
  { id: ext("Interests"), displayName: "Interests", userFlowAttributeType: "custom", dataType: "string" },
  { id: ext("Tier"), displayName: "Tier", userFlowAttributeType: "custom", dataType: "string" },
  { id: ext("Newsletter"), displayName: "Newsletter", userFlowAttributeType: "custom", dataType: "boolean" },
  { id: ext("Terms"), displayName: "Terms", userFlowAttributeType: "custom", dataType: "boolean" },
];

const input = (attribute: string, label: string, extra: Record<string, unknown> = {}) => ({
  attribute,
  label,
  inputType: "text",
  defaultValue: null,
  hidden: false,
  editable: true,
  writeToDirectory: true,
  required: false,
  validationRegEx: "^.*",
  options: [],
  ...extra,
});

/** The page's inputs in page order (not the attributes' order). */
export const INPUTS: Json[] = [
  input("email", "Email Address", { hidden: true, editable: false, required: true }),
  input(ext("CompanyName"), "Company name", { required: true, validationRegEx: "^[A-Za-z0-9 .,&-]{2,}$" }),
  input("givenName", "Given name", { inputType: "Text", required: true }),
  input(ext("LoyaltyNumber"), "Loyalty number", { validationRegEx: "^[0-9]+$" }),
  input(ext("Tier"), "Tier", {
    inputType: "radioSingleSelect",
    defaultValue: "silver",
    options: [
      { label: "Gold", value: "gold" },
      { label: "Silver", value: "silver" },
    ],
  }),
  input(ext("Interests"), "Interests", {
    inputType: "checkboxMultiSelect",
    options: [
      { label: "Hiking", value: "hiking" },
      { label: "Sailing", value: "sailing" },
      { label: "Chess", value: "chess" },
    ],
  }),
  input(ext("Newsletter"), "Send me news", { inputType: "boolean", validationRegEx: null }),
  input(ext("Terms"), "I accept the terms", { inputType: "checkboxSingleSelect", required: true }),
  input("city", "City"),
];

/** An events flow as `GET /identity/authenticationEventsFlows/{id}` returns it, wired to `handlers`. */
export function eventsFlow(
  id: string,
  handlers: { start?: Json | null; submit?: Json | null } = {},
  opts: { inline?: boolean } = {},
): Json {
  const inline = opts.inline ?? true;
  const handler = (event: "Start" | "Submit", ref: Json | null | undefined) =>
    ref
      ? {
          "@odata.type": `#microsoft.graph.onAttributeCollection${event}CustomExtensionHandler`,
          customExtension: ref,
        }
      : null;
  return {
    "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
    id,
    displayName: "Contoso customers",
    priority: 500,
    conditions: inline ? { applications: { includeApplications: [{ appId: APP_ID }] } } : null,
    onInteractiveAuthFlowStart: {
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
      isSignUpAllowed: true,
    },
    onAuthenticationMethodLoadStart: {
      "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
      ...(inline
        ? {
            identityProviders: [
              { id: "EmailPassword-OAUTH", displayName: "Email with password" },
              { id: "Google-OAUTH", displayName: "Google", identityProviderType: "Google" },
            ],
          }
        : {}),
    },
    onAttributeCollection: {
      "@odata.type": "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp",
      ...(inline ? { attributes: ATTRIBUTES } : {}),
      attributeCollectionPage: {
        views: [
          { title: null, description: null, inputs: INPUTS.slice(0, 4) },
          { title: null, description: null, inputs: INPUTS.slice(4) },
        ],
      },
    },
    onAttributeCollectionStart: handler("Start", handlers.start),
    onAttributeCollectionSubmit: handler("Submit", handlers.submit),
    onUserCreateStart: {
      "@odata.type": "#microsoft.graph.onUserCreateStartExternalUsersSelfServiceSignUp",
      userTypeToCreate: "member",
    },
  };
}
