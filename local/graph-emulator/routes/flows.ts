/** `/identity/b2xUserFlows` and the flow's identity provider links (`userFlowIdentityProviders`). */
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
import { applySelect, expandSet, parseRef } from "../odata";
import { sameId } from "../store";
import type { StoredAssignment, StoredFlow } from "../types";
import { assignmentView } from "./assignments";
import { findFlow } from "./findFlow";
import { identityProviderView } from "./identityProviders";

const CONTEXT = "identity/b2xUserFlows";
const PREFIX = "B2X_1_";

/**
 * Defaults of a Graph-created flow are UNCONFIRMED (docs/graph-contract.md §4.1). Our choice mirrors the
 * portal: the Microsoft Entra ID sign-up provider is linked, and the email attribute is collected (required).
 */
const DEFAULT_IDPS = ["AADSignup-OAUTH"];
const EMAIL_ASSIGNMENT: StoredAssignment = {
  id: "email",
  displayName: "Email Address",
  isOptional: false,
  requiresVerification: false,
  userInputType: "emailBox",
  userAttributeValues: [],
};

function flowView(ctx: RequestContext, f: StoredFlow): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: f.id,
    userFlowType: f.userFlowType,
    userFlowTypeVersion: f.userFlowTypeVersion,
    // Graph always shows {} here; the configuration is read through its own endpoint
    // (docs/graph-contract.md §4.1).
    apiConnectorConfiguration: {},
  };
  const expand = expandSet(ctx.query.get("$expand"));
  if (expand.has("userflowidentityproviders") || expand.has("identityproviders")) {
    const idps = f.identityProviderIds.map((id) => ctx.store.identityProvider(id)).filter((p) => !!p);
    view[expand.has("identityproviders") ? "identityProviders" : "userFlowIdentityProviders"] =
      idps.map(identityProviderView);
  }
  if (expand.has("userattributeassignments")) {
    view.userAttributeAssignments = f.assignments.map((a) => assignmentView(ctx, a, false));
  }
  return applySelect(view, ctx.query.get("$select"));
}

function list(ctx: RequestContext) {
  return collection(
    ctx,
    CONTEXT,
    ctx.store.state.b2xUserFlows.map((f) => flowView(ctx, f)),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, flowView(ctx, findFlow(ctx)));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  onlyProperties(
    body,
    ["id", "userFlowType", "userFlowTypeVersion", "apiConnectorConfiguration"],
    "a b2xIdentityUserFlow",
  );
  const name = requireString(body, "id");
  // Sending an already-prefixed id is UNCONFIRMED; strict choice: reject, since it is always a client bug.
  if (name.toUpperCase().startsWith(PREFIX)) {
    throw badRequest(
      `Send the flow name without the '${PREFIX}' prefix (got '${name}'); the service adds it.`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) {
    throw badRequest(`Flow name '${name}' may contain only letters, digits, '_' and '-' (1-64 characters).`);
  }
  if (body.userFlowType !== "signUpOrSignIn") throw badRequest("userFlowType must be 'signUpOrSignIn'.");
  if (body.userFlowTypeVersion !== 1) throw badRequest("userFlowTypeVersion must be 1.");
  const id = `${PREFIX}${name}`;
  if (ctx.store.flow(id)) throw alreadyExists("user flow", id);
  const flow: StoredFlow = {
    id,
    userFlowType: "signUpOrSignIn",
    userFlowTypeVersion: 1,
    identityProviderIds: [...DEFAULT_IDPS],
    assignments: [{ ...EMAIL_ASSIGNMENT, userAttributeValues: [] }],
    apiConnectorConfiguration: inlineConnectors(ctx, body.apiConnectorConfiguration),
  };
  ctx.store.state.b2xUserFlows.push(flow);
  const result = entity(ctx, CONTEXT, flowView(ctx, flow), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/identity/b2xUserFlows/${id}` };
  result.createdPath = `/identity/b2xUserFlows/${id}`;
  return result;
}

/** The documented inline form `{ "<step>": { "@odata.id": "…/identity/apiConnectors/<id>" } }`. */
function inlineConnectors(ctx: RequestContext, input: unknown): StoredFlow["apiConnectorConfiguration"] {
  if (input === undefined) return {};
  if (!input || typeof input !== "object") throw badRequest("apiConnectorConfiguration must be an object.");
  const out: StoredFlow["apiConnectorConfiguration"] = {};
  for (const [step, ref] of Object.entries(input as Record<string, unknown>)) {
    if (step !== "postFederationSignup" && step !== "postAttributeCollection") {
      throw badRequest(`Unknown apiConnectorConfiguration step '${step}'.`);
    }
    const id = parseRef(ref, ctx.roots, ctx.version, "identity/apiConnectors");
    const connector = ctx.store.connector(id);
    if (!connector) throw badRequest(`API connector '${id}' does not exist.`);
    out[step] = connector.id;
  }
  return out;
}

function remove(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const state = ctx.store.state;
  // Strict choice (not documented): a flow still associated with apps through a listener cannot go.
  const listeners = state.onSignupStartListeners.filter((l) => sameId(l.userFlowId, flow.id));
  if (listeners.length > 0) {
    throw badRequest(
      `User flow '${flow.id}' is still used by onSignupStart listener(s) ${listeners.map((l) => l.id).join(", ")}; delete them first.`,
    );
  }
  state.b2xUserFlows = state.b2xUserFlows.filter((f) => f !== flow);
  return noContent();
}

function listIdps(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const idps = flow.identityProviderIds.map((id) => ctx.store.identityProvider(id)).filter((p) => !!p);
  return collection(
    ctx,
    `${CONTEXT}('${flow.id}')/userFlowIdentityProviders`,
    idps.map(identityProviderView),
  );
}

function listIdpRefs(ctx: RequestContext) {
  const flow = findFlow(ctx);
  return collection(
    ctx,
    "Collection($ref)",
    flow.identityProviderIds.map((id) => ({
      "@odata.id": `${ctx.root}/${ctx.version}/identity/identityProviders/${id}`,
    })),
  );
}

/**
 * POST is what the SDKs use; the beta page says PATCH (docs/graph-contract.md Appendix B #1), so both are
 * accepted.
 */
function addIdp(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const id = parseRef(ctx.body, ctx.roots, ctx.version, "identity/identityProviders");
  const idp = ctx.store.identityProvider(id);
  if (!idp) {
    const social = /^(google|facebook)-oauth$/i.test(id);
    throw badRequest(
      social
        ? `Identity provider '${id}' is not configured in this tenant; create it with POST /identity/identityProviders first.`
        : `Identity provider '${id}' does not exist.`,
    );
  }
  // Linking an already-linked IdP is UNCONFIRMED; we treat it as idempotent success.
  if (!flow.identityProviderIds.some((x) => sameId(x, idp.id))) flow.identityProviderIds.push(idp.id);
  return noContent();
}

function removeIdp(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const id = ctx.params.idpId ?? "";
  if (!flow.identityProviderIds.some((x) => sameId(x, id))) {
    throw notFound("identityProviderBase", id);
  }
  flow.identityProviderIds = flow.identityProviderIds.filter((x) => !sameId(x, id));
  return noContent();
}

/** Routes of user flows and their identity provider links. */
export const flowRoutes: Route[] = [
  { pattern: "/identity/b2xUserFlows", methods: { GET: list, POST: create } },
  { pattern: "/identity/b2xUserFlows/{flowId}", methods: { GET: get, DELETE: remove } },
  { pattern: "/identity/b2xUserFlows/{flowId}/userFlowIdentityProviders", methods: { GET: listIdps } },
  {
    pattern: "/identity/b2xUserFlows/{flowId}/userFlowIdentityProviders/$ref",
    methods: { GET: listIdpRefs, POST: addIdp, PATCH: addIdp },
  },
  {
    pattern: "/identity/b2xUserFlows/{flowId}/userFlowIdentityProviders/{idpId}/$ref",
    methods: { DELETE: removeIdp },
  },
];
