/** `/identity/apiConnectors`: API connectors with Basic or client-certificate authentication. */
import { randomUUID } from "node:crypto";
import { badRequest, notFound } from "../errors";
import {
  bodyObject,
  collection,
  entity,
  noContent,
  onlyProperties,
  requireString,
  type RequestContext,
  type Route,
} from "../context";
import { applyFilter, applySelect } from "../odata";
import { readPkcs12 } from "../pkcs12";
import { sameId } from "../store";
import type { StoredConnector, StoredConnectorAuth } from "../types";

const CONTEXT = "identity/apiConnectors";
/** What Graph shows instead of any secret. */
export const MASK = "******";

/** Graph view of a connector's authentication: secrets masked, certificates as public facts only. */
function authView(auth: StoredConnectorAuth, nowSeconds: number): Record<string, unknown> {
  if (auth.type === "basic") {
    return { "@odata.type": "#microsoft.graph.basicAuthentication", username: auth.username, password: MASK };
  }
  // Active = the most recently uploaded certificate that is currently valid (docs/graph-contract.md §3.2).
  let active = -1;
  auth.certificates.forEach((c, i) => {
    if (c.notBefore <= nowSeconds && nowSeconds <= c.notAfter) active = i;
  });
  return {
    "@odata.type": "#microsoft.graph.clientCertificateAuthentication",
    certificateList: auth.certificates.map((c, i) => ({ ...c, isActive: i === active })),
  };
}

/** Graph view of a connector (what GET/list/create return). */
export function connectorView(c: StoredConnector): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.identityApiConnector",
    id: c.id,
    displayName: c.displayName,
    targetUrl: c.targetUrl,
    authenticationConfiguration: authView(c.auth, Math.floor(Date.now() / 1000)),
  };
}

/**
 * The real service requires HTTPS that meets Entra's TLS requirements. The emulator also accepts plain
 * http:// on loopback, because the local connector host runs without TLS.
 */
function checkTargetUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`targetUrl '${value}' is not an absolute URL.`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw badRequest(
      `targetUrl '${value}' must use https:// (the emulator also allows http:// on loopback).`,
    );
  }
  return value;
}

function readAuth(input: unknown): StoredConnectorAuth {
  if (!input || typeof input !== "object") throw badRequest("authenticationConfiguration must be an object.");
  const cfg = input as Record<string, unknown>;
  switch (cfg["@odata.type"]) {
    case "#microsoft.graph.basicAuthentication":
      return {
        type: "basic",
        username: requireString(cfg, "username"),
        password: requireString(cfg, "password"),
      };
    case "#microsoft.graph.pkcs12Certificate":
      // A new pkcs12Certificate replaces the whole configuration, including earlier certificates
      // (docs/graph-contract.md §3.2).
      return { type: "certificate", certificates: [readPkcs12(cfg.pkcs12Value, cfg.password)] };
    case "#microsoft.graph.clientCertificateAuthentication":
      throw badRequest(
        "clientCertificateAuthentication is read-only; send #microsoft.graph.pkcs12Certificate to set a certificate.",
      );
    default:
      throw badRequest(
        "authenticationConfiguration @odata.type must be #microsoft.graph.basicAuthentication or #microsoft.graph.pkcs12Certificate.",
      );
  }
}

function find(ctx: RequestContext): StoredConnector {
  const id = ctx.params.connectorId ?? "";
  const c = ctx.store.connector(id);
  if (!c) throw notFound("identityApiConnector", id);
  return c;
}

function list(ctx: RequestContext) {
  const views = applyFilter(ctx.store.state.apiConnectors.map(connectorView), ctx.query.get("$filter"), [
    "id",
    "displayName",
    "targetUrl",
  ]);
  return collection(
    ctx,
    CONTEXT,
    views.map((v) => applySelect(v, ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, applySelect(connectorView(find(ctx)), ctx.query.get("$select")));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  onlyProperties(body, ["displayName", "targetUrl", "authenticationConfiguration"], "an API connector");
  // displayName uniqueness is not enforced: Graph documents none and ids are GUIDs
  // (docs/graph-contract.md §3.1).
  const connector: StoredConnector = {
    id: randomUUID(),
    displayName: requireString(body, "displayName"),
    targetUrl: checkTargetUrl(requireString(body, "targetUrl")),
    auth: readAuth(body.authenticationConfiguration),
  };
  ctx.store.state.apiConnectors.push(connector);
  const result = entity(ctx, CONTEXT, connectorView(connector), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/identity/apiConnectors/${connector.id}` };
  result.createdPath = `/identity/apiConnectors/${connector.id}`;
  return result;
}

function update(ctx: RequestContext) {
  const c = find(ctx);
  const body = bodyObject(ctx);
  onlyProperties(body, ["displayName", "targetUrl", "authenticationConfiguration"], "an API connector");
  // Validate everything before changing anything, so a bad PATCH leaves the connector untouched.
  const displayName = body.displayName === undefined ? c.displayName : requireString(body, "displayName");
  const targetUrl =
    body.targetUrl === undefined ? c.targetUrl : checkTargetUrl(requireString(body, "targetUrl"));
  const auth =
    body.authenticationConfiguration === undefined ? c.auth : readAuth(body.authenticationConfiguration);
  Object.assign(c, { displayName, targetUrl, auth });
  return noContent();
}

function uploadCertificate(ctx: RequestContext) {
  const c = find(ctx);
  const body = bodyObject(ctx);
  onlyProperties(body, ["pkcs12Value", "password"], "uploadClientCertificate");
  const cert = readPkcs12(body.pkcs12Value, body.password);
  // Uploads accumulate so certificates can be rolled; an upload onto a Basic connector switches it to certs.
  c.auth =
    c.auth.type === "certificate"
      ? { type: "certificate", certificates: [...c.auth.certificates, cert] }
      : { type: "certificate", certificates: [cert] };
  return entity(ctx, CONTEXT, connectorView(c));
}

function remove(ctx: RequestContext) {
  const c = find(ctx);
  const state = ctx.store.state;
  // UNCONFIRMED in Graph (docs/graph-contract.md §3.3); strict choice: refuse while a flow step still points
  // here.
  const users = state.b2xUserFlows.filter((f) =>
    Object.values(f.apiConnectorConfiguration).some((id) => id !== undefined && sameId(id, c.id)),
  );
  if (users.length > 0) {
    throw badRequest(
      `API connector '${c.id}' is still used by user flow(s) ${users.map((f) => f.id).join(", ")}; clear apiConnectorConfiguration first.`,
    );
  }
  state.apiConnectors = state.apiConnectors.filter((x) => x !== c);
  return noContent();
}

/** Routes of API connectors. */
export const connectorRoutes: Route[] = [
  { pattern: "/identity/apiConnectors", methods: { GET: list, POST: create } },
  {
    pattern: "/identity/apiConnectors/{connectorId}/uploadClientCertificate",
    methods: { POST: uploadCertificate },
  },
  { pattern: "/identity/apiConnectors/{connectorId}", methods: { GET: get, PATCH: update, DELETE: remove } },
];
