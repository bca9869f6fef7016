/**
 * beta `/identity/authenticationEventListeners` of the attribute-collection types
 * (`onAttributeCollectionStartListener` / `onAttributeCollectionSubmitListener`): one of the undocumented
 * ways to attach a Start/Submit extension, accepted only when the tenant setting `attachVariants` lists
 * `betaListener`. https://learn.microsoft.com/graph/api/resources/authenticationeventlistener
 */
import { randomUUID } from "node:crypto";
import { badRequest, notFound } from "../errors";
import { bodyObject, collection, entity, noContent, onlyProperties } from "../context";
import type { RequestContext, Route } from "../context";
import { sameId } from "../store";
import type { StoredAttributeCollectionListener } from "../types";
import { extensionForSlot, HANDLER_TYPES, requireExternalTenant, type Slot } from "./eventsFlows";

const CONTEXT = "identity/authenticationEventListeners";
const LISTENER_SLOT: Record<string, Slot> = {
  "#microsoft.graph.onAttributeCollectionStartListener": "onAttributeCollectionStart",
  "#microsoft.graph.onAttributeCollectionSubmitListener": "onAttributeCollectionSubmit",
};
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const listenersOf = (ctx: RequestContext): StoredAttributeCollectionListener[] =>
  (ctx.store.state.attributeCollectionListeners ??= []);

function view(l: StoredAttributeCollectionListener): Record<string, unknown> {
  const slot = LISTENER_SLOT[l.odataType]!;
  return {
    "@odata.type": l.odataType,
    id: l.id,
    priority: l.priority,
    conditions: {
      applications: {
        includeAllApplications: false,
        includeApplications: l.includeApplications.map((appId) => ({ appId })),
      },
    },
    handler: { "@odata.type": HANDLER_TYPES[slot], customExtension: { id: l.customExtensionId } },
  };
}

function accepted(ctx: RequestContext): void {
  requireExternalTenant(ctx);
  if (ctx.version !== "beta" || !ctx.tenant.attachVariants.includes("betaListener"))
    throw badRequest("Invalid @odata.type: attribute collection listeners are not supported here.");
}

function find(ctx: RequestContext): StoredAttributeCollectionListener {
  accepted(ctx);
  const id = ctx.params.listenerId ?? "";
  const l = listenersOf(ctx).find((x) => sameId(x.id, id));
  if (!l) throw notFound("authenticationEventListener", id);
  return l;
}

function read(
  ctx: RequestContext,
  base?: StoredAttributeCollectionListener,
): Omit<StoredAttributeCollectionListener, "id"> {
  const body = bodyObject(ctx);
  const type = (body["@odata.type"] as string | undefined) ?? base?.odataType;
  const slot = type ? LISTENER_SLOT[type] : undefined;
  if (!type || !slot || (base && type !== base.odataType))
    throw badRequest(`"@odata.type" must be one of ${Object.keys(LISTENER_SLOT).join(", ")}.`);
  onlyProperties(body, ["priority", "conditions", "handler"], "an attribute collection listener");
  const priority = body.priority ?? base?.priority ?? 500;
  if (!Number.isInteger(priority)) throw badRequest("priority must be an Int32.");
  const apps = (body.conditions as { applications?: { includeApplications?: unknown } } | undefined)
    ?.applications?.includeApplications;
  const appIds =
    apps === undefined
      ? (base?.includeApplications ?? [])
      : Array.isArray(apps)
        ? apps.map((a) => String((a as Record<string, unknown>)?.appId ?? ""))
        : [];
  if (appIds.some((a) => !GUID.test(a)))
    throw badRequest("conditions.applications.includeApplications must hold {appId} GUIDs.");
  const handler = body.handler as Record<string, unknown> | undefined;
  let extId = base?.customExtensionId;
  if (handler !== undefined) {
    if (handler["@odata.type"] !== HANDLER_TYPES[slot])
      throw badRequest(`handler requires "@odata.type": "${HANDLER_TYPES[slot]}".`);
    const id = (handler.customExtension as Record<string, unknown> | undefined)?.id;
    if (typeof id !== "string") throw badRequest('handler.customExtension must be {"id": "<extension id>"}.');
    extId = extensionForSlot(ctx, slot, id);
  }
  if (!extId) throw badRequest("handler is required.");
  return {
    odataType: type,
    priority: priority as number,
    includeApplications: appIds,
    customExtensionId: extId,
  };
}

function list(ctx: RequestContext) {
  accepted(ctx);
  return collection(ctx, CONTEXT, listenersOf(ctx).map(view));
}

function create(ctx: RequestContext) {
  accepted(ctx);
  const l: StoredAttributeCollectionListener = { id: randomUUID(), ...read(ctx) };
  listenersOf(ctx).push(l);
  const result = entity(ctx, CONTEXT, view(l), 201);
  result.createdPath = `/identity/authenticationEventListeners/${l.id}`;
  return result;
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, view(find(ctx)));
}

function patch(ctx: RequestContext) {
  const l = find(ctx);
  Object.assign(l, read(ctx, l));
  return noContent();
}

function remove(ctx: RequestContext) {
  const l = find(ctx);
  ctx.store.state.attributeCollectionListeners = listenersOf(ctx).filter((x) => x !== l);
  return noContent();
}

/** Routes of attribute-collection listeners. */
export const attributeCollectionListenerRoutes: Route[] = [
  { pattern: "/identity/authenticationEventListeners", methods: { GET: list, POST: create } },
  {
    pattern: "/identity/authenticationEventListeners/{listenerId}",
    methods: { GET: get, PATCH: patch, DELETE: remove },
  },
];
