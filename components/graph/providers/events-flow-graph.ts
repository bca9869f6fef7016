/**
 * Reading and converging an external-tenant sign-up flow against Graph: identity providers and
 * attributes through their `$ref` lists (a new provider is added before an old one is removed; a new
 * attribute before the page names it, an old one removed after the page dropped it), the page replaced
 * whole (Graph has no partial page update), the top-level properties, and the included applications.
 * Each step reads first and writes only differences, so a repeat after a lost answer writes nothing twice.
 * https://learn.microsoft.com/graph/api/authenticationeventsflow-update
 * https://learn.microsoft.com/graph/api/onauthenticationmethodloadstartexternalusersselfservicesignup-post-identityproviders
 * https://learn.microsoft.com/graph/api/onattributecollectionexternalusersselfservicesignup-post-attributes
 * https://learn.microsoft.com/graph/api/authenticationconditionsapplications-post-includeapplications
 */
import type { GraphApi } from "../client";
import { graphStatus } from "../errors";
import { odataString, sameCi } from "./common";
import {
  pageAsDesired,
  samePage,
  type AuthenticationEventsFlowInputs,
  type FlowAttribute,
  type PageInput,
} from "./events-flow-inputs";

export const flowsPath = "/identity/authenticationEventsFlows";
export const flowType = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
export const flowPath = (id: string) => `${flowsPath}/${encodeURIComponent(id)}`;
const typed = (id: string) => `${flowPath(id)}/microsoft.graph.externalUsersSelfServiceSignUpEventsFlow`;
const idpsPath = (id: string) =>
  `${typed(id)}/onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders`;
const attrsPath = (id: string) =>
  `${typed(id)}/onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes`;
export const appsPath = (id: string) => `${flowPath(id)}/conditions/applications/includeApplications`;
export const slotRefPath = (id: string, slot: string) =>
  `${typed(id)}/${slot}/microsoft.graph.${slot}CustomExtensionHandler/customExtension/$ref`;

const startType = "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp";
const loadType = "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp";
const collectType = "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp";
/** Sign-up identity providers every external tenant has (they are not in `identity/identityProviders`). */
const builtInIdps = ["EmailPassword-OAUTH", "EmailOtpSignup-OAUTH"];

export interface GraphEventsFlow {
  id: string;
  displayName?: string;
  description?: string | null;
  onInteractiveAuthFlowStart?: { isSignUpAllowed?: boolean } | null;
  onAttributeCollection?: {
    attributeCollectionPage?: { views?: { inputs?: Record<string, unknown>[] }[] };
  } | null;
  onAttributeCollectionStart?: { customExtension?: { id?: string } | null } | null;
  onAttributeCollectionSubmit?: { customExtension?: { id?: string } | null } | null;
}

interface ReadOpts {
  readonly afterCreate?: boolean;
}

/** The flows named `displayName` (display names are unique per tenant). */
export async function findFlowsByName(api: GraphApi, displayName: string): Promise<GraphEventsFlow[]> {
  const all = await api.list<GraphEventsFlow>(
    `${flowsPath}?$filter=displayName eq ${odataString(displayName)}`,
  );
  return all.filter((f) => sameCi(f.displayName, displayName));
}

/** The flows that include `appId` (an application can be in only one flow). */
export async function flowsWithApp(api: GraphApi, appId: string): Promise<GraphEventsFlow[]> {
  const filter =
    "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow/conditions/applications/includeApplications" +
    `/any(appId:appId/appId eq ${odataString(appId)})`;
  return api.list<GraphEventsFlow>(`${flowsPath}?$filter=${encodeURIComponent(filter)}`);
}

export function createBody(
  i: AuthenticationEventsFlowInputs,
  idps: readonly string[],
): Record<string, unknown> {
  return {
    "@odata.type": flowType,
    displayName: i.displayName,
    ...(i.description === undefined ? {} : { description: i.description }),
    onInteractiveAuthFlowStart: { "@odata.type": startType, isSignUpAllowed: i.isSignUpAllowed },
    onAuthenticationMethodLoadStart: {
      "@odata.type": loadType,
      identityProviders: idps.map((id) => ({ id })),
    },
    // The page can be PATCHed later only if onAttributeCollection existed at creation.
    onAttributeCollection: {
      "@odata.type": collectType,
      attributes: i.attributes.map((a) => ({ ...a })),
      attributeCollectionPage: { views: [{ inputs: i.inputs.map((x) => ({ ...x })) }] },
    },
  };
}

export const pageOf = (f: GraphEventsFlow): Record<string, unknown>[] =>
  f.onAttributeCollection?.attributeCollectionPage?.views?.[0]?.inputs ?? [];

interface GraphIdp {
  id: string;
  identityProviderType?: string;
}

/**
 * Graph's ids for the identity providers asked for: built-ins as they are; a social `Google-OAUTH` may be
 * a tenant-scoped id in some tenants, so it is looked up by id and then by `identityProviderType`.
 */
export async function resolveIdentityProviders(api: GraphApi, ids: readonly string[]): Promise<string[]> {
  if (ids.every((id) => builtInIdps.some((b) => sameCi(b, id)))) return [...ids];
  const tenant = await api.list<GraphIdp>("/identity/identityProviders");
  return ids.map((id) => {
    if (builtInIdps.some((b) => sameCi(b, id))) return id;
    const byId = tenant.find((t) => sameCi(t.id, id));
    if (byId) return byId.id;
    const type = id.replace(/-OAUTH$/i, "");
    return tenant.find((t) => sameCi(t.identityProviderType, type))?.id ?? id;
  });
}

export async function readIdentityProviders(
  api: GraphApi,
  flowId: string,
  o: ReadOpts = {},
): Promise<string[]> {
  return (await api.list<{ id: string }>(idpsPath(flowId), o)).map((i) => i.id);
}

export async function readAttributes(
  api: GraphApi,
  flowId: string,
  o: ReadOpts = {},
): Promise<FlowAttribute[]> {
  const list = await api.list<Record<string, unknown>>(attrsPath(flowId), o);
  return list.map((a) => ({
    id: String(a.id),
    displayName: String(a.displayName ?? a.id),
    dataType: (a.dataType ?? "string") as FlowAttribute["dataType"],
    userFlowAttributeType: (a.userFlowAttributeType === "custom"
      ? "custom"
      : "builtIn") as FlowAttribute["userFlowAttributeType"],
  }));
}

export async function readApplications(api: GraphApi, flowId: string, o: ReadOpts = {}): Promise<string[]> {
  return (await api.list<{ appId: string }>(appsPath(flowId), o)).map((a) => a.appId);
}

async function convergeIdentityProviders(
  api: GraphApi,
  flowId: string,
  desired: readonly string[],
): Promise<void> {
  const current = await readIdentityProviders(api, flowId, { afterCreate: true });
  // Add first: a flow must keep at least one identity provider.
  for (const id of desired.filter((d) => !current.some((c) => sameCi(c, d)))) {
    const body = { "@odata.id": api.odataId(`/identity/identityProviders/${encodeURIComponent(id)}`) };
    try {
      await api.post(`${idpsPath(flowId)}/$ref`, body, { afterCreate: true });
    } catch (e) {
      // The documented example uses the legacy root `…/beta/identityProviders/{id}`; try it only on a 400.
      if (graphStatus(e) !== 400) throw e;
      await api.post(`${idpsPath(flowId)}/$ref`, {
        "@odata.id": api.odataId(`/identityProviders/${encodeURIComponent(id)}`, "beta"),
      });
    }
  }
  for (const id of current.filter((c) => !desired.some((d) => sameCi(c, d))))
    await api.delete(`${idpsPath(flowId)}/${encodeURIComponent(id)}/$ref`);
}

/** PATCH body that replaces the whole page (every input to keep, in order). */
export const pageBody = (inputs: readonly PageInput[]) => ({
  "@odata.type": flowType,
  onAttributeCollection: {
    "@odata.type": collectType,
    attributeCollectionPage: { views: [{ inputs: inputs.map((x) => ({ ...x })) }] },
  },
});

async function convergeAttributesAndPage(
  api: GraphApi,
  flowId: string,
  desired: AuthenticationEventsFlowInputs,
): Promise<void> {
  const current = await readAttributes(api, flowId, { afterCreate: true });
  const want = desired.attributes;
  // afterCreate: a custom attribute may have been created moments ago by another resource.
  for (const a of want.filter((w) => !current.some((c) => sameCi(c.id, w.id))))
    await api.post(
      `${attrsPath(flowId)}/$ref`,
      { "@odata.id": api.odataId(`/identity/userFlowAttributes/${encodeURIComponent(a.id)}`) },
      { afterCreate: true },
    );
  const flow = await api.get<GraphEventsFlow>(flowPath(flowId), { afterCreate: true });
  if (!samePage(pageAsDesired(pageOf(flow), desired.inputs), desired.inputs))
    await api.patch(flowPath(flowId), pageBody(desired.inputs));
  for (const a of current.filter((c) => !want.some((w) => sameCi(c.id, w.id))))
    await api.delete(`${attrsPath(flowId)}/${encodeURIComponent(a.id)}/$ref`);
}

async function convergeProperties(
  api: GraphApi,
  flowId: string,
  desired: AuthenticationEventsFlowInputs,
): Promise<void> {
  const f = await api.get<GraphEventsFlow>(flowPath(flowId), { afterCreate: true });
  const body: Record<string, unknown> = {};
  if (f.displayName !== desired.displayName) body.displayName = desired.displayName;
  if (desired.description !== undefined && (f.description ?? "") !== desired.description)
    body.description = desired.description;
  if ((f.onInteractiveAuthFlowStart?.isSignUpAllowed ?? true) !== desired.isSignUpAllowed)
    body.onInteractiveAuthFlowStart = { "@odata.type": startType, isSignUpAllowed: desired.isSignUpAllowed };
  if (Object.keys(body).length > 0) await api.patch(flowPath(flowId), { "@odata.type": flowType, ...body });
}

export async function convergeApplications(
  api: GraphApi,
  flowId: string,
  desired: readonly string[],
): Promise<void> {
  const current = await readApplications(api, flowId, { afterCreate: true });
  for (const appId of current.filter((c) => !desired.some((d) => sameCi(c, d))))
    await api.delete(`${appsPath(flowId)}/${encodeURIComponent(appId)}`);
  for (const appId of desired.filter((d) => !current.some((c) => sameCi(c, d))))
    await api.post(appsPath(flowId), {
      "@odata.type": "#microsoft.graph.authenticationConditionApplication",
      appId,
    });
}

/** Identity providers, attributes, page and properties (applications and extensions: separately). */
export async function convergeFlowParts(
  api: GraphApi,
  flowId: string,
  desired: AuthenticationEventsFlowInputs,
): Promise<void> {
  await convergeIdentityProviders(
    api,
    flowId,
    await resolveIdentityProviders(api, desired.identityProviderIds),
  );
  await convergeAttributesAndPage(api, flowId, desired);
  await convergeProperties(api, flowId, desired);
}
