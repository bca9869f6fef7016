/**
 * The parts of an external-tenant sign-up flow that have their own lists: identity providers and
 * attributes (`$ref`), included applications, and the beta `customExtension/$ref` of the Start/Submit
 * slots.
 * https://learn.microsoft.com/graph/api/onauthenticationmethodloadstartexternalusersselfservicesignup-post-identityproviders
 * https://learn.microsoft.com/graph/api/onattributecollectionexternalusersselfservicesignup-post-attributes
 * https://learn.microsoft.com/graph/api/authenticationconditionsapplications-post-includeapplications
 */
import { badRequest, notFound } from "../errors";
import { bodyObject, collection, entity, noContent, onlyProperties, requireString } from "../context";
import type { RequestContext, Route } from "../context";
import { parseRef } from "../odata";
import { sameId } from "../store";
import { attributeView } from "./attributes";
import {
  extensionForSlot,
  findFlow,
  HANDLER_TYPES,
  knownAttribute,
  knownIdentityProvider,
  refuseAppInOtherFlow,
  type Slot,
} from "./eventsFlows";

const FLOW =
  "/identity/authenticationEventsFlows/{flowId}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const IDPS = `${FLOW}/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`;
const ATTRS = `${FLOW}/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`;
const APPS = "/identity/authenticationEventsFlows/{flowId}/conditions/applications/includeApplications";

function listIdps(ctx: RequestContext) {
  const f = findFlow(ctx);
  const value = f.identityProviderIds.map((id) => {
    const p = ctx.store.identityProvider(id);
    return {
      "@odata.type":
        p?.kind === "social"
          ? "#microsoft.graph.socialIdentityProvider"
          : "#microsoft.graph.builtInIdentityProvider",
      id,
      displayName: p?.displayName ?? id.replace(/-OAUTH$/, ""),
      identityProviderType: p?.identityProviderType ?? id.replace(/-OAUTH$/, ""),
    };
  });
  return collection(ctx, "identityProviders", value);
}

function addIdp(ctx: RequestContext) {
  const f = findFlow(ctx);
  const id = knownIdentityProvider(
    ctx,
    parseRef(ctx.body, ctx.roots, ctx.version, "identity/identityProviders"),
  );
  if (f.identityProviderIds.some((x) => sameId(x, id)))
    throw badRequest(`Identity provider '${id}' is already in the flow.`);
  f.identityProviderIds.push(id);
  return noContent();
}

function removeIdp(ctx: RequestContext) {
  const f = findFlow(ctx);
  const id = ctx.params.idpId ?? "";
  if (!f.identityProviderIds.some((x) => sameId(x, id))) throw notFound("identityProvider", id);
  if (f.identityProviderIds.length === 1)
    throw badRequest(`'${id}' is the flow's last identity provider; add another one first.`);
  f.identityProviderIds = f.identityProviderIds.filter((x) => !sameId(x, id));
  return noContent();
}

function listAttrs(ctx: RequestContext) {
  const f = findFlow(ctx);
  const value = f.attributeIds.flatMap((id) => {
    const a = ctx.store.attribute(id);
    return a ? [attributeView(a)] : [];
  });
  return collection(ctx, "identityUserFlowAttributes", value);
}

/** Adds the attribute and appends a default input for it to the page (update the page to customise it). */
function addAttr(ctx: RequestContext) {
  const f = findFlow(ctx);
  const id = knownAttribute(ctx, parseRef(ctx.body, ctx.roots, ctx.version, "identity/userFlowAttributes"));
  if (f.attributeIds.some((x) => sameId(x, id)))
    throw badRequest(`Attribute '${id}' is already in the flow.`);
  const a = ctx.store.attribute(id)!;
  f.attributeIds.push(id);
  f.inputs.push({
    attribute: id,
    label: a.displayName,
    inputType: a.dataType === "boolean" ? "boolean" : "text",
    defaultValue: null,
    hidden: false,
    editable: true,
    writeToDirectory: true,
    required: false,
    validationRegEx: a.dataType === "int64" ? "^[0-9]+$" : "^.*",
    options: [],
  });
  if (!ctx.store.state.extensionProperties.some((x) => sameId(x, id)) && a.userFlowAttributeType === "custom")
    ctx.store.state.extensionProperties.push(id);
  return noContent();
}

function removeAttr(ctx: RequestContext) {
  const f = findFlow(ctx);
  const id = ctx.params.attributeId ?? "";
  if (!f.attributeIds.some((x) => sameId(x, id))) throw notFound("identityUserFlowAttribute", id);
  f.attributeIds = f.attributeIds.filter((x) => !sameId(x, id));
  f.inputs = f.inputs.filter((i) => !sameId(i.attribute, id));
  return noContent();
}

function listApps(ctx: RequestContext) {
  const f = findFlow(ctx);
  return collection(
    ctx,
    "authenticationConditionApplications",
    f.includeApplications.map((appId) => ({
      "@odata.type": "#microsoft.graph.authenticationConditionApplication",
      appId,
    })),
  );
}

function addApp(ctx: RequestContext) {
  const f = findFlow(ctx);
  const body = bodyObject(ctx);
  onlyProperties(body, ["appId"], "an authenticationConditionApplication");
  const appId = requireString(body, "appId");
  if (f.includeApplications.some((a) => sameId(a, appId)))
    throw badRequest(`Application '${appId}' is already included in this flow.`);
  refuseAppInOtherFlow(ctx, appId, f);
  f.includeApplications.push(appId);
  return entity(
    ctx,
    "authenticationConditionApplications",
    { "@odata.type": "#microsoft.graph.authenticationConditionApplication", appId },
    201,
  );
}

function removeApp(ctx: RequestContext) {
  const f = findFlow(ctx);
  const appId = ctx.params.appId ?? "";
  if (!f.includeApplications.some((a) => sameId(a, appId)))
    throw notFound("authenticationConditionApplication", appId);
  f.includeApplications = f.includeApplications.filter((a) => !sameId(a, appId));
  return noContent();
}

/** The slot and handler segments of a beta `customExtension/$ref` path, checked against each other. */
function slotOf(ctx: RequestContext): Slot {
  if (!ctx.tenant.attachVariants.includes("betaRef"))
    throw badRequest("Resource not found for the segment 'customExtension'.");
  const slot = (Object.keys(HANDLER_TYPES) as Slot[]).find((s) => sameId(s, ctx.params.slot ?? ""));
  if (!slot) throw badRequest(`Resource not found for the segment '${ctx.params.slot}'.`);
  if (!sameId(`#${ctx.params.handler}`, HANDLER_TYPES[slot]))
    throw badRequest(`Segment '${ctx.params.handler}' is not the handler type of ${slot}.`);
  return slot;
}

function putExtensionRef(ctx: RequestContext) {
  const f = findFlow(ctx);
  const slot = slotOf(ctx);
  const id = parseRef(ctx.body, ctx.roots, ctx.version, "identity/customAuthenticationExtensions");
  f[slot] = extensionForSlot(ctx, slot, id);
  return noContent();
}

function deleteExtensionRef(ctx: RequestContext) {
  const f = findFlow(ctx);
  const slot = slotOf(ctx);
  f[slot] = null;
  return noContent();
}

/** Routes of a flow's parts. */
export const eventsFlowPartRoutes: Route[] = [
  { pattern: IDPS, methods: { GET: listIdps } },
  { pattern: `${IDPS}/$ref`, methods: { POST: addIdp } },
  { pattern: `${IDPS}/{idpId}/$ref`, methods: { DELETE: removeIdp } },
  { pattern: ATTRS, methods: { GET: listAttrs } },
  { pattern: `${ATTRS}/$ref`, methods: { POST: addAttr } },
  { pattern: `${ATTRS}/{attributeId}/$ref`, methods: { DELETE: removeAttr } },
  { pattern: APPS, methods: { GET: listApps, POST: addApp } },
  { pattern: `${APPS}/{appId}`, methods: { DELETE: removeApp } },
  {
    pattern: `${FLOW}/{slot}/{handler}/customExtension/$ref`,
    methods: { PUT: putExtensionRef, DELETE: deleteExtensionRef },
    betaOnlySegment: "customExtension",
  },
];
