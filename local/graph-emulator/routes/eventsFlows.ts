/**
 * `/identity/authenticationEventsFlows`: external-tenant self-service sign-up flows
 * (`externalUsersSelfServiceSignUpEventsFlow`), served only when the tenant is external (`tenantType`
 * CIAM). Strict like Graph: `@odata.type` required on create and update, unknown properties refused, at
 * least one identity provider, every page input names one of the flow's attributes, one flow per app.
 * https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow
 * https://learn.microsoft.com/graph/api/identitycontainer-post-authenticationeventsflows
 * https://learn.microsoft.com/graph/api/authenticationeventsflow-update
 */
import { randomUUID } from "node:crypto";
import { alreadyExists, badRequest, notFound } from "../errors";
import { bodyObject, collection, entity, noContent, onlyProperties, requireString } from "../context";
import type { RequestContext, Route } from "../context";
import { applyFilter, applySelect } from "../odata";
import { sameId } from "../store";
import type { StoredEventsFlow } from "../types";
import { readPage } from "./eventsFlowsPage";

export const FLOW_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const START_TYPE = "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp";
const LOAD_TYPE = "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp";
const COLLECT_TYPE = "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp";
const CREATE_TYPE = "#microsoft.graph.onUserCreateStartExternalUsersSelfServiceSignUp";
export const HANDLER_TYPES = {
  onAttributeCollectionStart: "#microsoft.graph.onAttributeCollectionStartCustomExtensionHandler",
  onAttributeCollectionSubmit: "#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler",
} as const;
export const EXTENSION_TYPE_OF_SLOT = {
  onAttributeCollectionStart: "#microsoft.graph.onAttributeCollectionStartCustomExtension",
  onAttributeCollectionSubmit: "#microsoft.graph.onAttributeCollectionSubmitCustomExtension",
} as const;
export type Slot = keyof typeof HANDLER_TYPES;
const CONTEXT = "identity/authenticationEventsFlows";
/** Built-in identity providers of every external tenant. */
export const CIAM_BUILT_IN_IDPS = ["EmailPassword-OAUTH", "EmailOtpSignup-OAUTH"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Flows exist only in external tenants (the workforce answer is undocumented: refuse, strictly). */
export function requireExternalTenant(ctx: RequestContext): void {
  if (ctx.tenant.tenantType !== "CIAM")
    throw badRequest(
      "authenticationEventsFlows of type externalUsersSelfServiceSignUpEventsFlow are only available in external tenants.",
    );
}

export const flowsOf = (ctx: RequestContext): StoredEventsFlow[] =>
  (ctx.store.state.authenticationEventsFlows ??= []);

export function findFlow(ctx: RequestContext): StoredEventsFlow {
  requireExternalTenant(ctx);
  const id = ctx.params.flowId ?? "";
  const f = flowsOf(ctx).find((x) => sameId(x.id, id));
  if (!f) throw notFound("authenticationEventsFlow", id);
  return f;
}

function requireType(obj: unknown, type: string, where: string): Record<string, unknown> {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw badRequest(`${where} must be an object.`);
  const o = obj as Record<string, unknown>;
  if (o["@odata.type"] !== type)
    throw badRequest(`${where} requires "@odata.type": "${type}"; got ${JSON.stringify(o["@odata.type"])}.`);
  return o;
}

/** The id of an identity provider the tenant offers (built-in of external tenants, or a tenant IdP), or 400. */
export function knownIdentityProvider(ctx: RequestContext, id: string): string {
  const builtIn = CIAM_BUILT_IN_IDPS.find((b) => sameId(b, id));
  const tenant = ctx.store.identityProvider(id);
  const found = builtIn ?? tenant?.id;
  if (!found) throw badRequest(`Identity provider '${id}' does not exist in this tenant.`);
  return found;
}

/** A tenant attribute id (canonical casing), or 400. */
export function knownAttribute(ctx: RequestContext, id: string): string {
  const a = ctx.store.attribute(id);
  if (!a) throw badRequest(`User flow attribute '${id}' does not exist.`);
  return a.id;
}

/** The flow that already includes `appId` (an app can be in only one flow), if any. */
export function flowWithApp(ctx: RequestContext, appId: string): StoredEventsFlow | undefined {
  return flowsOf(ctx).find((f) => f.includeApplications.some((a) => sameId(a, appId)));
}

export function refuseAppInOtherFlow(ctx: RequestContext, appId: string, self?: StoredEventsFlow): void {
  if (!GUID.test(appId)) throw badRequest(`appId '${appId}' is not an application (client) id.`);
  const other = flowWithApp(ctx, appId);
  if (other && other !== self)
    throw badRequest(
      `Application '${appId}' is already linked to user flow '${other.displayName}' (${other.id}); an application can be linked to only one user flow.`,
    );
}

function handlerView(ctx: RequestContext, slot: Slot, extId: string | null): unknown {
  if (extId === null) return null;
  const ext = ctx.store.state.customAuthenticationExtensions?.find((e) => sameId(e.id, extId));
  return {
    "@odata.type": HANDLER_TYPES[slot],
    customExtension: ext
      ? { "@odata.type": ext.odataType, id: ext.id, displayName: ext.displayName }
      : { id: extId },
  };
}

export function flowView(ctx: RequestContext, f: StoredEventsFlow): Record<string, unknown> {
  return {
    "@odata.type": FLOW_TYPE,
    id: f.id,
    displayName: f.displayName,
    description: f.description,
    priority: f.priority,
    conditions: { applications: { includeAllApplications: false } },
    onInteractiveAuthFlowStart: { "@odata.type": START_TYPE, isSignUpAllowed: f.isSignUpAllowed },
    onAuthenticationMethodLoadStart: { "@odata.type": LOAD_TYPE },
    onAttributeCollection: {
      "@odata.type": COLLECT_TYPE,
      attributeCollectionPage: {
        views: [{ title: null, description: null, inputs: structuredClone(f.inputs) }],
      },
    },
    onAttributeCollectionStart: handlerView(ctx, "onAttributeCollectionStart", f.onAttributeCollectionStart),
    onAttributeCollectionSubmit: handlerView(
      ctx,
      "onAttributeCollectionSubmit",
      f.onAttributeCollectionSubmit,
    ),
    onUserCreateStart: { "@odata.type": CREATE_TYPE, userTypeToCreate: "member" },
  };
}

const APP_FILTER =
  /^microsoft\.graph\.externalUsersSelfServiceSignUpEventsFlow\/conditions\/applications\/includeApplications\/any\((\w+):\1\/appId eq '([^']*)'\)$/i;

function list(ctx: RequestContext) {
  requireExternalTenant(ctx);
  const filter = ctx.query.get("$filter");
  const app = filter ? APP_FILTER.exec(filter.trim()) : null;
  let flows = flowsOf(ctx);
  if (app) flows = flows.filter((f) => f.includeApplications.some((a) => sameId(a, app[2] ?? "")));
  const views = flows.map((f) => flowView(ctx, f));
  const filtered = app ? views : applyFilter(views, filter, ["id", "displayName"]);
  return collection(
    ctx,
    CONTEXT,
    filtered.map((v) => applySelect(v, ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, applySelect(flowView(ctx, findFlow(ctx)), ctx.query.get("$select")));
}

const CREATE_PROPS = [
  "displayName",
  "description",
  "priority",
  "conditions",
  "onInteractiveAuthFlowStart",
  "onAuthenticationMethodLoadStart",
  "onAttributeCollection",
  "onUserCreateStart",
];

/** `onAttributeCollectionStart/Submit` in a body: only when the tenant accepts the v1.0 PATCH variant. */
function readHandlers(ctx: RequestContext, body: Record<string, unknown>, f: StoredEventsFlow): void {
  for (const slot of Object.keys(HANDLER_TYPES) as Slot[]) {
    if (!(slot in body)) continue;
    if (!ctx.tenant.attachVariants.includes("v1Patch"))
      throw badRequest(`Property '${slot}' cannot be set on an externalUsersSelfServiceSignUpEventsFlow.`);
    const h = body[slot];
    if (h === null) {
      f[slot] = null;
      continue;
    }
    const o = requireType(h, HANDLER_TYPES[slot], slot);
    onlyProperties(o, ["customExtension"], `a ${slot} handler`);
    const id = (o.customExtension as Record<string, unknown> | undefined)?.id;
    if (typeof id !== "string") throw badRequest(`${slot}.customExtension must be {"id": "<extension id>"}.`);
    f[slot] = extensionForSlot(ctx, slot, id);
  }
}

/** The extension id when it exists and its event matches the slot (Start ↔ Start, Submit ↔ Submit), or 400. */
export function extensionForSlot(ctx: RequestContext, slot: Slot, id: string): string {
  const ext = (ctx.store.state.customAuthenticationExtensions ?? []).find((e) => sameId(e.id, id));
  if (!ext) throw badRequest(`Custom authentication extension '${id}' does not exist.`);
  if (ext.odataType !== EXTENSION_TYPE_OF_SLOT[slot])
    throw badRequest(
      `Custom extension '${id}' is a ${ext.odataType}; ${slot} needs a ${EXTENSION_TYPE_OF_SLOT[slot]}.`,
    );
  return ext.id;
}

function readCollection(ctx: RequestContext, raw: unknown, f: StoredEventsFlow, creating: boolean): void {
  const o = requireType(raw, COLLECT_TYPE, "onAttributeCollection");
  onlyProperties(o, ["attributes", "attributeCollectionPage"], "onAttributeCollection");
  if (o.attributes !== undefined) {
    if (!Array.isArray(o.attributes)) throw badRequest("onAttributeCollection.attributes must be an array.");
    const ids = o.attributes.map((a) =>
      knownAttribute(ctx, String((a as Record<string, unknown>)?.id ?? "")),
    );
    const same =
      ids.length === f.attributeIds.length && ids.every((id) => f.attributeIds.some((x) => sameId(x, id)));
    if (!creating && !same)
      throw badRequest("onAttributeCollection.attributes cannot be changed by PATCH; use attributes/$ref.");
    f.attributeIds = ids;
    // A custom attribute's first use in a flow materialises its directory extension property, as the
    // attributes/$ref add does (users can then hold a value for it).
    const known = ctx.store.state.extensionProperties;
    for (const id of ids)
      if (ctx.store.attribute(id)?.userFlowAttributeType === "custom" && !known.some((x) => sameId(x, id)))
        known.push(id);
  }
  if (o.attributeCollectionPage !== undefined) f.inputs = readPage(o.attributeCollectionPage, f.attributeIds);
}

function create(ctx: RequestContext) {
  requireExternalTenant(ctx);
  const body = bodyObject(ctx);
  if (body["@odata.type"] !== FLOW_TYPE) throw badRequest(`"@odata.type": "${FLOW_TYPE}" is required.`);
  onlyProperties(
    body,
    [...CREATE_PROPS, ...Object.keys(HANDLER_TYPES)],
    "an externalUsersSelfServiceSignUpEventsFlow",
  );
  const displayName = requireString(body, "displayName");
  // Duplicate names: Graph's status is undocumented; strictly refused here.
  const clash = flowsOf(ctx).find((x) => sameId(x.displayName, displayName));
  if (clash) throw alreadyExists("authenticationEventsFlow named " + displayName, clash.id);
  if (body.onInteractiveAuthFlowStart === undefined)
    throw badRequest("onInteractiveAuthFlowStart is required.");
  const start = requireType(body.onInteractiveAuthFlowStart, START_TYPE, "onInteractiveAuthFlowStart");
  const load = requireType(
    body.onAuthenticationMethodLoadStart,
    LOAD_TYPE,
    "onAuthenticationMethodLoadStart",
  );
  const idps = load.identityProviders;
  if (!Array.isArray(idps) || idps.length === 0)
    throw badRequest(
      "onAuthenticationMethodLoadStart.identityProviders must list at least one identity provider.",
    );
  const f: StoredEventsFlow = {
    id: randomUUID(),
    displayName,
    description: typeof body.description === "string" ? body.description : null,
    priority: typeof body.priority === "number" ? body.priority : 500,
    isSignUpAllowed: start.isSignUpAllowed !== false,
    identityProviderIds: idps.map((i) =>
      knownIdentityProvider(ctx, String((i as Record<string, unknown>)?.id ?? "")),
    ),
    attributeIds: [],
    inputs: [],
    includeApplications: [],
    onAttributeCollectionStart: null,
    onAttributeCollectionSubmit: null,
  };
  if (body.onAttributeCollection !== undefined) readCollection(ctx, body.onAttributeCollection, f, true);
  const apps = (body.conditions as { applications?: { includeApplications?: unknown } } | undefined)
    ?.applications?.includeApplications;
  if (apps !== undefined) {
    if (!Array.isArray(apps))
      throw badRequest("conditions.applications.includeApplications must be an array.");
    for (const a of apps) {
      const appId = String((a as Record<string, unknown>)?.appId ?? "");
      refuseAppInOtherFlow(ctx, appId);
      f.includeApplications.push(appId);
    }
  }
  readHandlers(ctx, body, f);
  flowsOf(ctx).push(f);
  // The 201 body omits the IdP list and the applications (read them through their own lists).
  const result = entity(ctx, CONTEXT, flowView(ctx, f), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/identity/authenticationEventsFlows/${f.id}` };
  result.createdPath = `/identity/authenticationEventsFlows/${f.id}`;
  return result;
}

function patch(ctx: RequestContext) {
  const f = findFlow(ctx);
  const body = bodyObject(ctx);
  if (body["@odata.type"] !== FLOW_TYPE) throw badRequest(`"@odata.type": "${FLOW_TYPE}" is required.`);
  if ("id" in body) throw badRequest("Property 'id' is read-only.");
  onlyProperties(
    body,
    [...CREATE_PROPS, ...Object.keys(HANDLER_TYPES)],
    "an externalUsersSelfServiceSignUpEventsFlow",
  );
  const next = structuredClone(f);
  if (body.displayName !== undefined) {
    const name = requireString(body, "displayName");
    const clash = flowsOf(ctx).find((x) => x.id !== f.id && sameId(x.displayName, name));
    if (clash) throw alreadyExists("authenticationEventsFlow named " + name, clash.id);
    next.displayName = name;
  }
  if (body.description !== undefined)
    next.description = typeof body.description === "string" ? body.description : null;
  if (body.onInteractiveAuthFlowStart !== undefined) {
    const s = requireType(body.onInteractiveAuthFlowStart, START_TYPE, "onInteractiveAuthFlowStart");
    next.isSignUpAllowed = s.isSignUpAllowed !== false;
  }
  if (body.onAuthenticationMethodLoadStart !== undefined) {
    const l = requireType(body.onAuthenticationMethodLoadStart, LOAD_TYPE, "onAuthenticationMethodLoadStart");
    if (l.identityProviders !== undefined)
      throw badRequest("identityProviders are changed through identityProviders/$ref.");
  }
  if (body.onAttributeCollection !== undefined) readCollection(ctx, body.onAttributeCollection, next, false);
  readHandlers(ctx, body, next);
  Object.assign(f, next);
  return noContent();
}

function remove(ctx: RequestContext) {
  const f = findFlow(ctx);
  // Strict: the apps must be detached first (the documented teardown order).
  if (f.includeApplications.length > 0)
    throw badRequest(
      `User flow '${f.displayName}' still includes applications ${f.includeApplications.join(", ")}; remove them first.`,
    );
  ctx.store.state.authenticationEventsFlows = flowsOf(ctx).filter((x) => x !== f);
  return noContent();
}

/** Routes of the events flows themselves (their parts: eventsFlowsParts.ts). */
export const eventsFlowRoutes: Route[] = [
  { pattern: "/identity/authenticationEventsFlows", methods: { GET: list, POST: create } },
  {
    pattern: "/identity/authenticationEventsFlows/{flowId}",
    methods: { GET: get, PATCH: patch, DELETE: remove },
  },
];
