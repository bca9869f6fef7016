/** `/identity/b2xUserFlows/{id}/apiConnectorConfiguration`: which connector runs at which sign-up step. */
import { badRequest, notFound } from "../errors";
import { bodyObject, noContent, ok, type RequestContext, type Route } from "../context";
import { expandSet, parseRef } from "../odata";
import type { ConnectorStep } from "../types";
import { connectorView } from "./connectors";
import { findFlow } from "./findFlow";

const STEPS: readonly ConnectorStep[] = ["postFederationSignup", "postAttributeCollection"];

function step(ctx: RequestContext): ConnectorStep {
  const s = STEPS.find((x) => x.toLowerCase() === (ctx.params.step ?? "").toLowerCase());
  if (!s) throw badRequest(`Resource not found for the segment '${ctx.params.step ?? ""}'.`);
  return s;
}

/**
 * With `$expand=postFederationSignup,postAttributeCollection` the configured connectors come back expanded
 * (secrets masked). The shape without `$expand` is UNCONFIRMED; the emulator answers `{}` (like the flow's
 * own property), so clients must ask with `$expand` as the API page documents.
 */
function get(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const expand = expandSet(ctx.query.get("$expand"));
  const body: Record<string, unknown> = {
    "@odata.context": `${ctx.root}/${ctx.version}/$metadata#identity/b2xUserFlows('${flow.id}')/apiConnectorConfiguration`,
  };
  for (const s of STEPS) {
    if (!expand.has(s.toLowerCase())) continue;
    const id = flow.apiConnectorConfiguration[s];
    const connector = id === undefined ? undefined : ctx.store.connector(id);
    body[s] = connector ? connectorView(connector) : null;
  }
  return ok(body);
}

function getStep(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const id = flow.apiConnectorConfiguration[step(ctx)];
  const connector = id === undefined ? undefined : ctx.store.connector(id);
  if (!connector) throw notFound("identityApiConnector", ctx.params.step ?? "");
  return ok(connectorView(connector));
}

function getRef(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const id = flow.apiConnectorConfiguration[step(ctx)];
  if (id === undefined) throw notFound("identityApiConnector", ctx.params.step ?? "");
  return ok({ "@odata.id": `${ctx.root}/${ctx.version}/identity/apiConnectors/${id}` });
}

/** PUT `{ "@odata.id": … }` sets the step; PUT `{}` clears it (both documented). */
function putRef(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const s = step(ctx);
  const body = bodyObject(ctx);
  if (Object.keys(body).length === 0) {
    delete flow.apiConnectorConfiguration[s];
    return noContent();
  }
  const id = parseRef(body, ctx.roots, ctx.version, "identity/apiConnectors");
  const connector = ctx.store.connector(id);
  if (!connector) throw badRequest(`API connector '${id}' does not exist.`);
  flow.apiConnectorConfiguration[s] = connector.id;
  return noContent();
}

/** Only in SDK metadata (UNCONFIRMED); accepted as another way to clear, answering 204 even if unset. */
function deleteRef(ctx: RequestContext) {
  const flow = findFlow(ctx);
  delete flow.apiConnectorConfiguration[step(ctx)];
  return noContent();
}

const BASE = "/identity/b2xUserFlows/{flowId}/apiConnectorConfiguration";

/** Routes of a flow's connector configuration. */
export const flowConnectorRoutes: Route[] = [
  { pattern: BASE, methods: { GET: get } },
  { pattern: `${BASE}/{step}`, methods: { GET: getStep } },
  { pattern: `${BASE}/{step}/$ref`, methods: { GET: getRef, PUT: putRef, DELETE: deleteRef } },
];
