/**
 * beta `/identity/events/onSignupStart`: `invokeUserFlowListener`s, the only Graph way to associate
 * applications with a B2X flow (docs/graph-contract.md §5.1). On v1.0 the router answers 400 for the `events`
 * segment.
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
import { expandSet } from "../odata";
import { sameId } from "../store";
import type { StoredListener } from "../types";

const CONTEXT = "identity/events/onSignupStart";
const TYPE = "#microsoft.graph.invokeUserFlowListener";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function listenerView(ctx: RequestContext, l: StoredListener): Record<string, unknown> {
  const view: Record<string, unknown> = {
    "@odata.type": TYPE,
    id: l.id,
    priority: l.priority,
    sourceFilter: { includeApplications: [...l.includeApplications] },
  };
  const expand = expandSet(ctx.query.get("$expand"));
  if (expand.has("microsoft.graph.invokeuserflowlistener/userflow") || expand.has("userflow")) {
    const flow = ctx.store.flow(l.userFlowId);
    view.userFlow = flow
      ? { id: flow.id, userFlowType: flow.userFlowType, userFlowTypeVersion: flow.userFlowTypeVersion }
      : null;
  }
  return view;
}

function find(ctx: RequestContext): StoredListener {
  const id = ctx.params.listenerId ?? "";
  const l = ctx.store.listener(id);
  if (!l) throw notFound("authenticationListener", id);
  return l;
}

/** Validates a listener body; with a `base` (PATCH) missing fields keep their current values. */
function readListener(ctx: RequestContext, base: StoredListener | undefined): Omit<StoredListener, "id"> {
  const body = bodyObject(ctx);
  onlyProperties(body, ["priority", "sourceFilter", "userFlow", "id"], "an invokeUserFlowListener");
  if (body["@odata.type"] !== undefined && body["@odata.type"] !== TYPE) {
    throw badRequest(`Only ${TYPE} listeners are supported on onSignupStart.`);
  }
  const priority = body.priority ?? base?.priority;
  if (typeof priority !== "number" || !Number.isInteger(priority))
    throw badRequest("priority must be an Int32.");
  const filter = body.sourceFilter as Record<string, unknown> | undefined;
  const apps = filter === undefined ? base?.includeApplications : filter.includeApplications;
  // includeApplications are client ids (appId); we check their format, not that the app exists.
  if (!Array.isArray(apps) || !apps.every((a) => typeof a === "string" && GUID.test(a))) {
    throw badRequest("sourceFilter.includeApplications must be an array of application (client) ids.");
  }
  const flowRef = body.userFlow as Record<string, unknown> | undefined;
  const flowId = flowRef === undefined ? base?.userFlowId : flowRef.id;
  if (typeof flowId !== "string") throw badRequest('userFlow must be {"id": "B2X_1_<name>"}.');
  const flow = ctx.store.flow(flowId);
  if (!flow) throw badRequest(`User flow '${flowId}' does not exist.`);
  return { priority, includeApplications: [...(apps as string[])], userFlowId: flow.id };
}

function requireToggle(ctx: RequestContext): void {
  // CONFIRMED for the portal (docs/graph-contract.md §1.1): apps can be associated only once the tenant
  // toggle is on.
  if (!ctx.store.state.authenticationFlowsPolicy.selfServiceSignUp.isEnabled) {
    throw badRequest(
      "Self-service sign-up is disabled for this tenant; enable authenticationFlowsPolicy.selfServiceSignUp first.",
    );
  }
}

function list(ctx: RequestContext) {
  return collection(
    ctx,
    CONTEXT,
    ctx.store.state.onSignupStartListeners.map((l) => listenerView(ctx, l)),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, listenerView(ctx, find(ctx)));
}

function create(ctx: RequestContext) {
  requireToggle(ctx);
  const listener: StoredListener = { id: randomUUID(), ...readListener(ctx, undefined) };
  ctx.store.state.onSignupStartListeners.push(listener);
  const result = entity(ctx, CONTEXT, listenerView(ctx, listener), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/identity/events/onSignupStart/${listener.id}` };
  result.createdPath = `/identity/events/onSignupStart/${listener.id}`;
  return result;
}

function patch(ctx: RequestContext) {
  const l = find(ctx);
  Object.assign(l, readListener(ctx, l));
  return noContent();
}

function put(ctx: RequestContext) {
  const l = find(ctx);
  Object.assign(l, readListener(ctx, undefined));
  return noContent();
}

function remove(ctx: RequestContext) {
  const l = find(ctx);
  const state = ctx.store.state;
  state.onSignupStartListeners = state.onSignupStartListeners.filter((x) => !sameId(x.id, l.id));
  return noContent();
}

/** Routes of app↔flow listeners (beta only). */
export const listenerRoutes: Route[] = [
  {
    pattern: "/identity/events/onSignupStart",
    methods: { GET: list, POST: create },
    betaOnlySegment: "events",
  },
  {
    pattern: "/identity/events/onSignupStart/{listenerId}",
    methods: { GET: get, PATCH: patch, PUT: put, DELETE: remove },
    betaOnlySegment: "events",
  },
];
