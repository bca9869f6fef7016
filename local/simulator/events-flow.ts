/**
 * Reads an external tenant's sign-up flows the way Entra sees them at sign-up time: the events flow
 * (`externalUsersSelfServiceSignUpEventsFlow`) with its identity providers, attributes and page inputs in
 * order, the applications it runs for, and the custom authentication extensions wired to
 * OnAttributeCollectionStart / OnAttributeCollectionSubmit. Lists that the flow body does not inline are
 * read through their own paths; a handler may inline its extension or carry only its id.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow,
 * https://learn.microsoft.com/graph/api/resources/authenticationattributecollectioninputconfiguration,
 * https://learn.microsoft.com/graph/api/resources/customauthenticationextension
 */
import { parseIdentifierUri } from "../../contract/identifierUri";
import { endpointUrlProblem, isLoopbackUrl } from "../../contract/url";
import { GraphCallError, type GraphReader } from "./graph";
import type { ExtensionEvent, FlowIdentityProvider } from "./types";

/** The only events-flow subtype that signs people up. */
export const EXTERNAL_FLOW_TYPE = "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const FLOW_PATH = "/identity/authenticationEventsFlows";
const CAST = "microsoft.graph.externalUsersSelfServiceSignUpEventsFlow";
const IDP_LIST =
  "onAuthenticationMethodLoadStart/microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp/identityProviders";
const ATTRIBUTE_LIST =
  "onAttributeCollection/microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp/attributes";

/** Page input types of an external tenant's attribute page, as Graph spells them. */
export const EXTERNAL_INPUT_TYPES = [
  "text",
  "radioSingleSelect",
  "checkboxMultiSelect",
  "boolean",
  "checkboxSingleSelect",
] as const;
export type ExternalInputType = (typeof EXTERNAL_INPUT_TYPES)[number];

/** One input of `attributeCollectionPage.views[].inputs`, joined with its attribute. */
export interface ExternalInput {
  /** The attribute id and the key in `userSignUpInfo.attributes` (`givenName`, `extension_<appId>_Name`). */
  readonly attribute: string;
  readonly label: string;
  readonly inputType: ExternalInputType;
  readonly required: boolean;
  readonly hidden: boolean;
  readonly editable: boolean;
  /** `undefined` when the input has none. */
  readonly validationRegEx?: string;
  readonly defaultValue?: string;
  readonly options: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  readonly dataType: "string" | "boolean" | "int64";
  readonly custom: boolean;
}

/** A custom authentication extension as Entra calls it. */
export interface ExternalExtension {
  readonly id: string;
  readonly displayName: string;
  /** The event its `@odata.type` is for, or `undefined` when it is for another event. */
  readonly event?: ExtensionEvent;
  readonly odataType: string;
  readonly targetUrl: string;
  /** `authenticationConfiguration.resourceId`, expected `api://<host of targetUrl>/<appId>`. */
  readonly resourceId: string;
  /** @default 1000 when Graph has null */
  readonly timeoutInMilliseconds: number;
  /** @default 1 when Graph has null */
  readonly maximumRetries: number;
}

/** What a handler slot of the flow holds: nothing, an extension, or an id whose extension is gone. */
export type ExtensionSlot =
  | { readonly state: "wired"; readonly extension: ExternalExtension }
  | { readonly state: "missing"; readonly id: string };

export interface ExternalFlowModel {
  readonly kind: "external";
  readonly id: string;
  readonly displayName: string;
  readonly isSignUpAllowed: boolean;
  readonly identityProviders: readonly FlowIdentityProvider[];
  /** Every attribute of the flow (what Entra collects and sends), keyed by id. */
  readonly attributes: ReadonlyMap<string, { dataType: ExternalInput["dataType"]; custom: boolean }>;
  /** In page order (views in order, inputs in order). */
  readonly inputs: readonly ExternalInput[];
  /** Client appIds of `conditions.applications.includeApplications`. */
  readonly includeApplications: readonly string[];
  readonly extensions: Partial<Record<ExtensionEvent, ExtensionSlot>>;
}

/** A flow as listed on the start page. */
export interface FlowListing {
  readonly id: string;
  readonly label: string;
  readonly kind: "b2x" | "external";
}

/** The organization as a sign-up needs it. */
export interface OrganizationView {
  readonly tenantId: string;
  /** `organization.tenantType`: `AAD`, `AAD B2C` or `CIAM`. */
  readonly tenantType: string;
  /** The initial `*.onmicrosoft.com` domain, the issuer of local accounts' identities. */
  readonly initialDomain: string;
}

/** The tenant as the start page sees it. */
export interface TenantView extends OrganizationView {
  readonly flows: readonly FlowListing[];
}

type Json = Record<string, unknown>;

/** `GET /organization`: tenant id, kind and initial domain. */
export async function readOrganization(graph: GraphReader): Promise<OrganizationView> {
  const org = values(await graph.call("GET", "/organization?$select=id,tenantType,verifiedDomains"))[0] ?? {};
  const domains = Array.isArray(org.verifiedDomains) ? (org.verifiedDomains as Json[]) : [];
  const initial = domains.find((d) => d.isInitial === true) ?? domains[0];
  return {
    tenantId: String(org.id ?? ""),
    tenantType: String(org.tenantType ?? "AAD"),
    initialDomain: String(initial?.name ?? "contoso.onmicrosoft.com"),
  };
}

/**
 * The organization and its sign-up flows: B2X user flows (never listed in an external tenant, which has
 * none) and external events flows (listed in any tenant kind that answers the list).
 */
export async function readTenant(graph: GraphReader): Promise<TenantView> {
  const org = await readOrganization(graph);
  const b2x = org.tenantType === "CIAM" ? [] : await optionalList(graph, "/identity/b2xUserFlows");
  const external = await optionalList(graph, FLOW_PATH);
  return {
    ...org,
    flows: [
      ...b2x.map((f): FlowListing => ({ id: String(f.id), label: String(f.id), kind: "b2x" })),
      ...external
        .filter((f) => isExternalFlow(f))
        .map((f): FlowListing => ({
          id: String(f.id),
          label: `${String(f.displayName ?? f.id)} (external)`,
          kind: "external",
        })),
    ],
  };
}

/** True when a listed events flow is a self-service sign-up flow of an external tenant. */
export function isExternalFlow(flow: Json): boolean {
  const type = String(flow["@odata.type"] ?? "");
  return type.replace(/^#/, "").toLowerCase() === EXTERNAL_FLOW_TYPE.slice(1).toLowerCase();
}

/** Everything a sign-up needs about one events flow, read fresh. */
export async function readExternalFlow(graph: GraphReader, flowId: string): Promise<ExternalFlowModel> {
  const base = `${FLOW_PATH}/${encodeURIComponent(flowId)}`;
  const flow = await graph.call("GET", base);
  const methodLoad = obj(flow.onAuthenticationMethodLoadStart);
  const collection = obj(flow.onAttributeCollection);
  const [idps, attributes, apps] = await Promise.all([
    Array.isArray(methodLoad.identityProviders) && methodLoad.identityProviders.length > 0
      ? (methodLoad.identityProviders as Json[])
      : values(await graph.call("GET", `${base}/${CAST}/${IDP_LIST}`)),
    Array.isArray(collection.attributes) && collection.attributes.length > 0
      ? (collection.attributes as Json[])
      : values(await graph.call("GET", `${base}/${CAST}/${ATTRIBUTE_LIST}`)),
    includedApplications(graph, base, flow),
  ]);
  const attributeMap = new Map(
    attributes.map((a) => [
      String(a.id),
      {
        dataType: dataTypeOf(a.dataType),
        custom: a.userFlowAttributeType === "custom" || /^extension_/i.test(String(a.id)),
      },
    ]),
  );
  const extensions: Partial<Record<ExtensionEvent, ExtensionSlot>> = {};
  for (const [event, property] of [
    ["attributeCollectionStart", "onAttributeCollectionStart"],
    ["attributeCollectionSubmit", "onAttributeCollectionSubmit"],
  ] as const) {
    const slot = await readSlot(graph, flow[property]);
    if (slot) extensions[event] = slot;
  }
  return {
    kind: "external",
    id: String(flow.id ?? flowId),
    displayName: String(flow.displayName ?? flowId),
    isSignUpAllowed: obj(flow.onInteractiveAuthFlowStart).isSignUpAllowed !== false,
    identityProviders: idps.map(toIdentityProvider),
    attributes: attributeMap,
    inputs: pageInputs(collection.attributeCollectionPage, attributeMap),
    includeApplications: apps,
    extensions,
  };
}

/** The page's inputs in order, each joined with its attribute's data type. */
export function pageInputs(page: unknown, attributes: ExternalFlowModel["attributes"]): ExternalInput[] {
  const views = Array.isArray(obj(page).views) ? (obj(page).views as Json[]) : [];
  return views.flatMap((view) =>
    (Array.isArray(view.inputs) ? (view.inputs as Json[]) : []).map((input): ExternalInput => {
      const attribute = String(input.attribute ?? "");
      const known = attributes.get(attribute);
      const rawType = String(input.inputType ?? "text");
      return {
        attribute,
        label: String(input.label ?? attribute),
        // Microsoft's examples also send `Text`: compare case-insensitively.
        inputType: EXTERNAL_INPUT_TYPES.find((t) => t.toLowerCase() === rawType.toLowerCase()) ?? "text",
        required: input.required === true,
        hidden: input.hidden === true,
        editable: input.editable !== false,
        validationRegEx:
          typeof input.validationRegEx === "string" && input.validationRegEx !== ""
            ? input.validationRegEx
            : undefined,
        defaultValue: typeof input.defaultValue === "string" ? input.defaultValue : undefined,
        options: (Array.isArray(input.options) ? (input.options as Json[]) : []).map((o) => ({
          label: String(o.label ?? o.value),
          value: String(o.value ?? o.label),
        })),
        dataType: known?.dataType ?? "string",
        custom: known?.custom ?? /^extension_/i.test(attribute),
      };
    }),
  );
}

/**
 * The extension of a handler slot: `null` when unwired; the handler may inline the whole extension or
 * only `{id}`, in which case it is read from v1.0 and then beta. An id that neither version knows is a
 * dangling reference (Entra fails the sign-up with 1003011).
 */
async function readSlot(graph: GraphReader, handler: unknown): Promise<ExtensionSlot | undefined> {
  const ref = obj(obj(handler).customExtension);
  const id = typeof ref.id === "string" ? ref.id : undefined;
  if (!id) return undefined;
  if (obj(ref.endpointConfiguration).targetUrl) return { state: "wired", extension: toExtension(ref) };
  for (const version of ["", "/beta"]) {
    try {
      const path = `${version}/identity/customAuthenticationExtensions/${encodeURIComponent(id)}`;
      return { state: "wired", extension: toExtension(await graph.call("GET", path)) };
    } catch (err) {
      if (!(err instanceof GraphCallError && err.status === 404)) throw err;
    }
  }
  return { state: "missing", id };
}

/** Parses a `customAuthenticationExtension` read from Graph. */
export function toExtension(body: Json): ExternalExtension {
  const odataType = String(body["@odata.type"] ?? "");
  const lower = odataType.toLowerCase();
  const event: ExtensionEvent | undefined = lower.endsWith("onattributecollectionstartcustomextension")
    ? "attributeCollectionStart"
    : lower.endsWith("onattributecollectionsubmitcustomextension")
      ? "attributeCollectionSubmit"
      : undefined;
  const client = obj(body.clientConfiguration);
  return {
    id: String(body.id),
    displayName: String(body.displayName ?? body.id),
    event,
    odataType,
    targetUrl: String(obj(body.endpointConfiguration).targetUrl ?? ""),
    resourceId: String(obj(body.authenticationConfiguration).resourceId ?? ""),
    timeoutInMilliseconds:
      typeof client.timeoutInMilliseconds === "number" ? client.timeoutInMilliseconds : 1000,
    maximumRetries: typeof client.maximumRetries === "number" ? client.maximumRetries : 1,
  };
}

/** A configuration problem Entra reports before calling the extension. */
export interface ExtensionConfigProblem {
  readonly code: string;
  readonly message: string;
}

/**
 * What Entra would refuse about an extension before calling it (Learn:
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot#error-codes-reference),
 * or the API's appId (the token audience) when it is fine. Plain http is accepted for a loopback target
 * only, because the local system never leaves the machine.
 */
export function checkExtension(
  extension: ExternalExtension,
  event: ExtensionEvent,
): { readonly appId: string } | ExtensionConfigProblem {
  if (extension.event !== event)
    return {
      code: "1003001 CustomExtensionUnexpectedError",
      message: `the extension ${extension.id} is a ${extension.odataType || "(no @odata.type)"}, not an ${event} extension: wire an extension of the slot's own type`,
    };
  const urlProblem = endpointUrlProblem(extension.targetUrl, isLoopbackUrl(extension.targetUrl));
  if (urlProblem)
    return {
      code: "1003020 IncorrectTargetUrlFormat",
      message: `targetUrl ${JSON.stringify(extension.targetUrl)}: ${urlProblem}`,
    };
  const match = parseIdentifierUri(extension.resourceId);
  if (!match)
    return {
      code: "1003014 IncorrectResourceIdFormat",
      message: `resourceId ${JSON.stringify(extension.resourceId)} is not api://<host of the targetUrl>/<appId of the extension API>`,
    };
  const resourceHost = match.host.toLowerCase().replace(/:\d+$/, "");
  const targetHost = new URL(extension.targetUrl).hostname.toLowerCase();
  if (resourceHost !== targetHost)
    return {
      code: "1003015 DomainNameDoesNotMatch",
      message: `resourceId host ${resourceHost} differs from the targetUrl host ${targetHost}: make the identifier URI api://${targetHost}/<appId>`,
    };
  return { appId: match.appId.toLowerCase() };
}

async function includedApplications(graph: GraphReader, base: string, flow: Json): Promise<string[]> {
  const inline = obj(obj(flow.conditions).applications).includeApplications;
  const list = Array.isArray(inline)
    ? (inline as Json[])
    : values(await graph.call("GET", `${base}/conditions/applications/includeApplications`));
  return list.map((a) => String(a.appId));
}

/** A list that may not exist in this tenant kind (Graph refuses the other product's surface). */
async function optionalList(graph: GraphReader, path: string): Promise<Json[]> {
  try {
    return values(await graph.call("GET", path));
  } catch (err) {
    if (err instanceof GraphCallError && err.status >= 400 && err.status < 500) return [];
    throw err;
  }
}

function toIdentityProvider(p: Json): FlowIdentityProvider {
  const id = String(p.id);
  return {
    id,
    displayName: String(p.displayName ?? id),
    // Built-in providers carry no type in the flow's list: their id names it (`EmailPassword-OAUTH`).
    type: String(p.identityProviderType ?? p.type ?? id.replace(/-OAUTH$/i, "")),
  };
}

function dataTypeOf(value: unknown): ExternalInput["dataType"] {
  return value === "boolean" || value === "int64" ? value : "string";
}

function values(body: Json): Json[] {
  return Array.isArray(body.value) ? (body.value as Json[]) : [];
}

function obj(value: unknown): Json {
  return value && typeof value === "object" ? (value as Json) : {};
}
