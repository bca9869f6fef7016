/**
 * v1.0 `/identity/authenticationEventListeners`: listeners that call a custom authentication extension
 * for the listed applications. Served here: `onTokenIssuanceStartListener` (workforce and external
 * tenants). https://learn.microsoft.com/graph/api/identitycontainer-post-authenticationeventlisteners
 *
 * Strict choices: the handler's extension must exist and be an `onTokenIssuanceStartCustomExtension`;
 * PATCH needs `@odata.type` (documented); a listener that belongs to an events flow
 * (`authenticationEventsFlowId` set) cannot be deleted on its own; at most 250 listeners per tenant.
 */
import { randomUUID } from "node:crypto";
import { badRequest, notFound } from "../errors";
import {
  bodyObject,
  collection,
  entity,
  noContent,
  onlyProperties,
  type RequestContext,
  type Route,
} from "../context";
import { sameId } from "../store";
import type { EmulatorState, StoredEventListener } from "../types";

const CONTEXT = "identity/authenticationEventListeners";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_LISTENERS = 250;

/** Listener type → the handler type it takes and the extension type that handler calls. */
export const LISTENER_TYPES: Readonly<Record<string, { handler: string; extension: string }>> = {
  "microsoft.graph.onTokenIssuanceStartListener": {
    handler: "microsoft.graph.onTokenIssuanceStartCustomExtensionHandler",
    extension: "microsoft.graph.onTokenIssuanceStartCustomExtension",
  },
};

const bare = (t: unknown) => (typeof t === "string" ? t.replace(/^#/, "") : "");
const typeKey = (t: unknown) =>
  Object.keys(LISTENER_TYPES).find((k) => k.toLowerCase() === bare(t).toLowerCase());

/**
 * The `@odata.type` (without `#`) of the custom authentication extension `id`, if the tenant has it. The
 * extensions live in `state.customAuthenticationExtensions` (their own routes); read by duck typing so
 * this route does not depend on how that module stores the rest of an extension.
 */
export function customExtensionType(state: EmulatorState, id: string): string | undefined {
  const all = (state as unknown as { customAuthenticationExtensions?: unknown })
    .customAuthenticationExtensions;
  if (!Array.isArray(all)) return undefined;
  const ext = all.find(
    (e) => e && typeof e === "object" && sameId(String((e as { id?: unknown }).id ?? ""), id),
  ) as Record<string, unknown> | undefined;
  if (!ext) return undefined;
  return bare(ext["@odata.type"] ?? ext.odataType ?? ext.type);
}

function view(l: StoredEventListener): Record<string, unknown> {
  const types = LISTENER_TYPES[l.type];
  return {
    "@odata.type": `#${l.type}`,
    id: l.id,
    priority: l.priority,
    authenticationEventsFlowId: l.authenticationEventsFlowId ?? null,
    conditions: { applications: { includeApplications: l.includeApplications.map((appId) => ({ appId })) } },
    handler: {
      "@odata.type": `#${types?.handler ?? ""}`,
      customExtension: { id: l.customExtensionId },
    },
  };
}

function find(ctx: RequestContext): StoredEventListener {
  const id = ctx.params.listenerId ?? "";
  const l = ctx.store.eventListener(id);
  if (!l) throw notFound("authenticationEventListener", id);
  return l;
}

function readApps(value: unknown): string[] {
  const fail = () =>
    badRequest(
      'conditions.applications.includeApplications must be [{"appId": "<application (client) id>"}].',
    );
  if (!Array.isArray(value)) throw fail();
  return value.map((x) => {
    const appId = (x as { appId?: unknown } | null)?.appId;
    if (typeof appId !== "string" || !GUID.test(appId)) throw fail();
    return appId;
  });
}

/** Validates a listener body; with a `base` (PATCH) missing parts keep their current values. */
function read(ctx: RequestContext, base?: StoredEventListener): Omit<StoredEventListener, "id"> {
  const body = bodyObject(ctx);
  onlyProperties(body, ["priority", "conditions", "handler"], "an authenticationEventListener");
  const type = typeKey(body["@odata.type"]);
  if (!type)
    throw badRequest(
      `@odata.type is required: one of ${Object.keys(LISTENER_TYPES)
        .map((t) => `#${t}`)
        .join(", ")}.`,
    );
  if (base && type !== base.type) throw badRequest("The @odata.type of a listener cannot be changed.");
  const types = LISTENER_TYPES[type]!;
  const priority = body.priority ?? base?.priority ?? 500;
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < 0)
    throw badRequest("priority must be a non-negative Int32.");
  const conditions = body.conditions as { applications?: { includeApplications?: unknown } } | undefined;
  const apps =
    conditions === undefined && base
      ? base.includeApplications
      : readApps(conditions?.applications?.includeApplications);
  let extensionId = base?.customExtensionId;
  if (body.handler !== undefined || !base) {
    const h = body.handler as { "@odata.type"?: unknown; customExtension?: { id?: unknown } } | undefined;
    if (!h || bare(h["@odata.type"]).toLowerCase() !== types.handler.toLowerCase())
      throw badRequest(
        `handler must be {"@odata.type": "#${types.handler}", "customExtension": {"id": "<id>"}}.`,
      );
    const id = h.customExtension?.id;
    if (typeof id !== "string" || id === "") throw badRequest("handler.customExtension.id is required.");
    const extType = customExtensionType(ctx.store.state, id);
    if (!extType) throw badRequest(`Custom authentication extension '${id}' does not exist.`);
    if (extType.toLowerCase() !== types.extension.toLowerCase())
      throw badRequest(
        `Custom authentication extension '${id}' is a ${extType}; a ${type} needs a ${types.extension}.`,
      );
    extensionId = id;
  }
  return {
    type,
    priority,
    includeApplications: apps,
    customExtensionId: extensionId ?? "",
    ...(base?.authenticationEventsFlowId
      ? { authenticationEventsFlowId: base.authenticationEventsFlowId }
      : {}),
  };
}

function list(ctx: RequestContext) {
  return collection(ctx, CONTEXT, ctx.store.state.authenticationEventListeners.map(view));
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, view(find(ctx)));
}

function create(ctx: RequestContext) {
  const state = ctx.store.state;
  if (state.authenticationEventListeners.length >= MAX_LISTENERS)
    throw badRequest(`A tenant can have at most ${MAX_LISTENERS} authentication event listeners.`);
  const listener: StoredEventListener = { id: randomUUID(), ...read(ctx) };
  state.authenticationEventListeners.push(listener);
  const result = entity(ctx, CONTEXT, view(listener), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/${CONTEXT}/${listener.id}` };
  result.createdPath = `/${CONTEXT}/${listener.id}`;
  return result;
}

function patch(ctx: RequestContext) {
  const l = find(ctx);
  Object.assign(l, read(ctx, l));
  return noContent();
}

function remove(ctx: RequestContext) {
  const l = find(ctx);
  if (l.authenticationEventsFlowId)
    throw badRequest(
      `Listener '${l.id}' belongs to authentication events flow '${l.authenticationEventsFlowId}'; change it through the flow.`,
    );
  const state = ctx.store.state;
  state.authenticationEventListeners = state.authenticationEventListeners.filter((x) => x !== l);
  return noContent();
}

/** Routes of v1.0 authentication event listeners. */
export const eventListenerRoutes: Route[] = [
  { pattern: "/identity/authenticationEventListeners", methods: { GET: list, POST: create } },
  {
    pattern: "/identity/authenticationEventListeners/{listenerId}",
    methods: { GET: get, PATCH: patch, DELETE: remove },
  },
];
