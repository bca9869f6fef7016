/**
 * `/identity/authenticationEventListeners` serves every listener type from one path, as Graph does: the
 * token-issuance listeners (eventListeners.ts, v1.0) and the attribute-collection listeners of an external
 * tenant's `betaListener` attachment (eventsFlowsListeners.ts, beta, when the tenant accepts it). A create
 * goes by its `@odata.type`, an id to the store that holds it, and a list shows both.
 * https://learn.microsoft.com/graph/api/resources/authenticationeventlistener
 */
import type { Handler, RequestContext, Route } from "../context";
import { sameId } from "../store";
import { eventListenerRoutes } from "./eventListeners";
import { attributeCollectionListenerRoutes } from "./eventsFlowsListeners";

const ATTRIBUTE_COLLECTION_TYPES = new Set([
  "#microsoft.graph.onattributecollectionstartlistener",
  "#microsoft.graph.onattributecollectionsubmitlistener",
]);

const handlerOf = (routes: Route[], collection: boolean, method: "GET" | "POST" | "PATCH" | "DELETE") =>
  routes.find((r) => r.pattern.endsWith("{listenerId}") !== collection)!.methods[method]!;

const isAttributeCollectionCreate = (ctx: RequestContext) => {
  const type = (ctx.body as Record<string, unknown> | undefined)?.["@odata.type"];
  return typeof type === "string" && ATTRIBUTE_COLLECTION_TYPES.has(type.toLowerCase());
};

const holdsAttributeCollectionListener = (ctx: RequestContext) =>
  (ctx.store.state.attributeCollectionListeners ?? []).some((l) => sameId(l.id, ctx.params.listenerId ?? ""));

function byId(method: "GET" | "PATCH" | "DELETE"): Handler {
  return (ctx) =>
    holdsAttributeCollectionListener(ctx)
      ? handlerOf(attributeCollectionListenerRoutes, false, method)(ctx)
      : handlerOf(eventListenerRoutes, false, method)(ctx);
}

const list: Handler = (ctx) => {
  const tokenListeners = handlerOf(eventListenerRoutes, true, "GET")(ctx);
  if ((ctx.store.state.attributeCollectionListeners ?? []).length === 0) return tokenListeners;
  const attributeListeners = handlerOf(attributeCollectionListenerRoutes, true, "GET")(ctx);
  const body = tokenListeners.body as { value: unknown[] };
  return {
    ...tokenListeners,
    body: { ...body, value: [...body.value, ...(attributeListeners.body as { value: unknown[] }).value] },
  };
};

const create: Handler = (ctx) =>
  isAttributeCollectionCreate(ctx)
    ? handlerOf(attributeCollectionListenerRoutes, true, "POST")(ctx)
    : handlerOf(eventListenerRoutes, true, "POST")(ctx);

export const authenticationEventListenerRoutes: Route[] = [
  { pattern: "/identity/authenticationEventListeners", methods: { GET: list, POST: create } },
  {
    pattern: "/identity/authenticationEventListeners/{listenerId}",
    methods: { GET: byId("GET"), PATCH: byId("PATCH"), DELETE: byId("DELETE") },
  },
];
