/** `/identity/identityProviders`: the tenant's built-in and social (Google/Facebook) identity providers. */
import { alreadyExists, badRequest, notFound } from "../errors";
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
import { sameId } from "../store";
import type { StoredIdentityProvider } from "../types";
import { MASK } from "./connectors";

const CONTEXT = "identity/identityProviders";
const SOCIAL_TYPES = ["Google", "Facebook"];

/** Graph view of an identity provider; a social provider's secret is masked. */
export function identityProviderView(p: StoredIdentityProvider): Record<string, unknown> {
  if (p.kind === "builtIn") {
    return {
      "@odata.type": "#microsoft.graph.builtInIdentityProvider",
      id: p.id,
      displayName: p.displayName,
      identityProviderType: p.identityProviderType,
    };
  }
  return {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    id: p.id,
    displayName: p.displayName,
    identityProviderType: p.identityProviderType,
    clientId: p.clientId,
    clientSecret: MASK,
  };
}

function find(ctx: RequestContext): StoredIdentityProvider {
  const id = ctx.params.idpId ?? "";
  const p = ctx.store.identityProvider(id);
  if (!p) throw notFound("identityProviderBase", id);
  return p;
}

function list(ctx: RequestContext) {
  const views = applyFilter(
    ctx.store.state.identityProviders.map(identityProviderView),
    ctx.query.get("$filter"),
    ["id", "displayName", "identityProviderType"],
  );
  return collection(
    ctx,
    CONTEXT,
    views.map((v) => applySelect(v, ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, applySelect(identityProviderView(find(ctx)), ctx.query.get("$select")));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  if (body["@odata.type"] !== "#microsoft.graph.socialIdentityProvider") {
    throw badRequest("Only #microsoft.graph.socialIdentityProvider can be created in a workforce tenant.");
  }
  onlyProperties(
    body,
    ["displayName", "identityProviderType", "clientId", "clientSecret"],
    "a social identity provider",
  );
  const type = SOCIAL_TYPES.find((t) => sameId(t, String(body.identityProviderType)));
  if (!type) throw badRequest(`identityProviderType must be one of ${SOCIAL_TYPES.join(", ")}.`);
  const id = `${type}-OAUTH`;
  if (ctx.store.identityProvider(id)) throw alreadyExists("identity provider", id);
  const idp: StoredIdentityProvider = {
    id,
    kind: "social",
    displayName: typeof body.displayName === "string" && body.displayName ? body.displayName : type,
    identityProviderType: type,
    clientId: requireString(body, "clientId"),
    clientSecret: requireString(body, "clientSecret"),
  };
  ctx.store.state.identityProviders.push(idp);
  const result = entity(ctx, CONTEXT, identityProviderView(idp), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/identity/identityProviders/${id}` };
  result.createdPath = `/identity/identityProviders/${id}`;
  return result;
}

function update(ctx: RequestContext) {
  const idp = find(ctx);
  if (idp.kind === "builtIn") throw badRequest(`Built-in identity provider '${idp.id}' cannot be updated.`);
  const body = bodyObject(ctx);
  onlyProperties(body, ["displayName", "clientId", "clientSecret"], "a social identity provider");
  const next = {
    displayName: body.displayName === undefined ? idp.displayName : requireString(body, "displayName"),
    clientId: body.clientId === undefined ? idp.clientId : requireString(body, "clientId"),
    clientSecret: body.clientSecret === undefined ? idp.clientSecret : requireString(body, "clientSecret"),
  };
  Object.assign(idp, next);
  return noContent();
}

function remove(ctx: RequestContext) {
  const idp = find(ctx);
  if (idp.kind === "builtIn") throw badRequest(`Built-in identity provider '${idp.id}' cannot be deleted.`);
  const state = ctx.store.state;
  // Strict choice (not documented): refuse while a flow still offers this provider.
  const users = state.b2xUserFlows.filter((f) => f.identityProviderIds.some((id) => sameId(id, idp.id)));
  if (users.length > 0) {
    throw badRequest(
      `Identity provider '${idp.id}' is still linked to user flow(s) ${users.map((f) => f.id).join(", ")}; remove the userFlowIdentityProviders $ref first.`,
    );
  }
  state.identityProviders = state.identityProviders.filter((p) => p !== idp);
  return noContent();
}

/** Routes of tenant identity providers. */
export const identityProviderRoutes: Route[] = [
  { pattern: "/identity/identityProviders", methods: { GET: list, POST: create } },
  { pattern: "/identity/identityProviders/{idpId}", methods: { GET: get, PATCH: update, DELETE: remove } },
];
