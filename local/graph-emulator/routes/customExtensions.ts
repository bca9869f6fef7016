/**
 * `/identity/customAuthenticationExtensions`: Start/Submit (external tenants only) and TokenIssuanceStart
 * extensions with `azureAdTokenAuthentication`, and `validateAuthenticationConfiguration`, which reports
 * what Entra would fail on at run time from the real application and service principal objects.
 * https://learn.microsoft.com/graph/api/identitycontainer-post-customauthenticationextensions
 * https://learn.microsoft.com/graph/api/customauthenticationextension-update
 * https://learn.microsoft.com/graph/api/customauthenticationextension-validateauthenticationconfiguration
 */
import { parseIdentifierUri } from "../../../contract/identifierUri";
import { randomUUID } from "node:crypto";
import { badRequest, GraphError, notFound } from "../errors";
import { bodyObject, collection, entity, noContent, ok, onlyProperties, requireString } from "../context";
import type { RequestContext, Route } from "../context";
import { applyFilter, applySelect } from "../odata";
import { sameId } from "../store";
import type { EmulatorState, StoredCustomExtension } from "../types";
import { isLoopbackHost } from "../../../contract/url";

const CONTEXT = "identity/customAuthenticationExtensions";
const START = "#microsoft.graph.onAttributeCollectionStartCustomExtension";
const SUBMIT = "#microsoft.graph.onAttributeCollectionSubmitCustomExtension";
const TOKEN = "#microsoft.graph.onTokenIssuanceStartCustomExtension";
const TYPES = [START, SUBMIT, TOKEN];
const ENDPOINT = "#microsoft.graph.httpRequestEndpoint";
const AUTH = "#microsoft.graph.azureAdTokenAuthentication";
/** At most 100 custom authentication extensions per tenant. */
const MAX_EXTENSIONS = 100;

const extensionsOf = (ctx: RequestContext): StoredCustomExtension[] =>
  (ctx.store.state.customAuthenticationExtensions ??= []);

function view(e: StoredCustomExtension): Record<string, unknown> {
  return {
    "@odata.type": e.odataType,
    id: e.id,
    displayName: e.displayName,
    description: e.description,
    endpointConfiguration: { "@odata.type": ENDPOINT, targetUrl: e.targetUrl },
    authenticationConfiguration: { "@odata.type": AUTH, resourceId: e.resourceId },
    clientConfiguration: { timeoutInMilliseconds: e.timeoutInMilliseconds, maximumRetries: e.maximumRetries },
    ...(e.odataType === TOKEN ? { claimsForTokenConfiguration: e.claimsForTokenConfiguration } : {}),
  };
}

function find(ctx: RequestContext): StoredCustomExtension {
  const id = ctx.params.extensionId ?? "";
  const e = extensionsOf(ctx).find((x) => sameId(x.id, id));
  if (!e) throw notFound("customAuthenticationExtension", id);
  return e;
}

/** https only (loopback http is allowed so local hosts can be called); 400 otherwise. */
function targetUrlOf(raw: unknown): string {
  const o = raw as Record<string, unknown> | undefined;
  if (!o || o["@odata.type"] !== ENDPOINT)
    throw badRequest(`endpointConfiguration requires "@odata.type": "${ENDPOINT}".`);
  onlyProperties(o, ["targetUrl"], "an httpRequestEndpoint");
  const url = requireString(o, "targetUrl");
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badRequest(`targetUrl '${url}' is not an absolute URL.`);
  }
  if (u.protocol !== "https:" && !(u.protocol === "http:" && isLoopbackHost(u.hostname)))
    throw badRequest(`targetUrl '${url}' must use https://.`);
  return url;
}

function resourceIdOf(raw: unknown): string {
  const o = raw as Record<string, unknown> | undefined;
  if (!o || o["@odata.type"] !== AUTH)
    throw badRequest(`authenticationConfiguration requires "@odata.type": "${AUTH}".`);
  onlyProperties(o, ["resourceId"], "an azureAdTokenAuthentication");
  return requireString(o, "resourceId");
}

function clientConfigOf(
  raw: unknown,
): Pick<StoredCustomExtension, "timeoutInMilliseconds" | "maximumRetries"> {
  if (raw === undefined || raw === null) return { timeoutInMilliseconds: null, maximumRetries: null };
  const o = raw as Record<string, unknown>;
  onlyProperties(o, ["timeoutInMilliseconds", "maximumRetries"], "a customExtensionClientConfiguration");
  const t = o.timeoutInMilliseconds ?? null;
  const r = o.maximumRetries ?? null;
  if (t !== null && !(Number.isInteger(t) && (t as number) >= 200 && (t as number) <= 2000))
    throw badRequest(`timeoutInMilliseconds must be an integer from 200 to 2000; got ${JSON.stringify(t)}.`);
  if (r !== null && r !== 0 && r !== 1)
    throw badRequest(`maximumRetries must be 0 or 1; got ${JSON.stringify(r)}.`);
  return { timeoutInMilliseconds: t as number | null, maximumRetries: r as number | null };
}

function claimsOf(raw: unknown, type: string): StoredCustomExtension["claimsForTokenConfiguration"] {
  if (raw === undefined) return [];
  if (type !== TOKEN)
    throw badRequest("claimsForTokenConfiguration is only valid on an onTokenIssuanceStartCustomExtension.");
  if (
    !Array.isArray(raw) ||
    !raw.every((c) => typeof (c as Record<string, unknown>)?.claimIdInApiResponse === "string")
  )
    throw badRequest("claimsForTokenConfiguration must be a list of {claimIdInApiResponse}.");
  return raw.map((c) => ({
    claimIdInApiResponse: (c as { claimIdInApiResponse: string }).claimIdInApiResponse,
  }));
}

const PROPS = [
  "displayName",
  "description",
  "endpointConfiguration",
  "authenticationConfiguration",
  "clientConfiguration",
  "claimsForTokenConfiguration",
];

function list(ctx: RequestContext) {
  const views = applyFilter(extensionsOf(ctx).map(view), ctx.query.get("$filter"), ["id", "displayName"]);
  return collection(
    ctx,
    CONTEXT,
    views.map((v) => applySelect(v, ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, applySelect(view(find(ctx)), ctx.query.get("$select")));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  const type = body["@odata.type"];
  if (typeof type !== "string" || !TYPES.includes(type))
    throw badRequest(`"@odata.type" must be one of ${TYPES.join(", ")}; got ${JSON.stringify(type)}.`);
  // Attribute collection events exist only in external tenants (the workforce answer is undocumented).
  if (type !== TOKEN && ctx.tenant.tenantType !== "CIAM")
    throw badRequest(`${type} is only available in external tenants.`);
  onlyProperties(body, PROPS, "a customAuthenticationExtension");
  if (extensionsOf(ctx).length >= MAX_EXTENSIONS)
    throw badRequest(`A tenant can have at most ${MAX_EXTENSIONS} custom authentication extensions.`);
  const e: StoredCustomExtension = {
    id: randomUUID(),
    odataType: type,
    displayName: requireString(body, "displayName"),
    description: typeof body.description === "string" ? body.description : null,
    targetUrl: targetUrlOf(body.endpointConfiguration),
    resourceId: resourceIdOf(body.authenticationConfiguration),
    ...clientConfigOf(body.clientConfiguration),
    claimsForTokenConfiguration: claimsOf(body.claimsForTokenConfiguration, type),
  };
  extensionsOf(ctx).push(e);
  const result = entity(ctx, CONTEXT, view(e), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/identity/customAuthenticationExtensions/${e.id}` };
  result.createdPath = `/identity/customAuthenticationExtensions/${e.id}`;
  return result;
}

function patch(ctx: RequestContext) {
  const e = find(ctx);
  const body = bodyObject(ctx);
  // @odata.type is required on update, and the event of an extension cannot change.
  if (body["@odata.type"] !== e.odataType)
    throw badRequest(
      `"@odata.type": "${e.odataType}" is required (the event type of an extension cannot change).`,
    );
  onlyProperties(body, PROPS, "a customAuthenticationExtension");
  const next = { ...e };
  if (body.displayName !== undefined) next.displayName = requireString(body, "displayName");
  if (body.description !== undefined)
    next.description = typeof body.description === "string" ? body.description : null;
  if (body.endpointConfiguration !== undefined) next.targetUrl = targetUrlOf(body.endpointConfiguration);
  if (body.authenticationConfiguration !== undefined)
    next.resourceId = resourceIdOf(body.authenticationConfiguration);
  if (body.claimsForTokenConfiguration !== undefined)
    next.claimsForTokenConfiguration = claimsOf(body.claimsForTokenConfiguration, e.odataType);
  if (body.clientConfiguration !== undefined) {
    const mode = ctx.tenant.extensionClientConfigurationPatch;
    if (mode === "refuse") throw badRequest("Property 'clientConfiguration' cannot be updated.");
    const c = clientConfigOf(body.clientConfiguration);
    if (mode === "apply") Object.assign(next, c);
  }
  Object.assign(e, next);
  return noContent();
}

function remove(ctx: RequestContext) {
  const e = find(ctx);
  const state = ctx.store.state;
  // A wired extension would dangle (runtime 1003011, CustomExtensionNotFound): strictly refused.
  const flows = (state.authenticationEventsFlows ?? []).filter(
    (f) =>
      sameId(f.onAttributeCollectionStart ?? "", e.id) || sameId(f.onAttributeCollectionSubmit ?? "", e.id),
  );
  const listeners = (state.attributeCollectionListeners ?? []).filter((l) =>
    sameId(l.customExtensionId, e.id),
  );
  if (flows.length + listeners.length > 0)
    throw badRequest(
      `Custom extension '${e.id}' is still used by ${[...flows.map((f) => `flow ${f.id}`), ...listeners.map((l) => `listener ${l.id}`)].join(", ")}; unwire it first.`,
    );
  state.customAuthenticationExtensions = extensionsOf(ctx).filter((x) => x !== e);
  return noContent();
}

/** What the store knows about the API identity of `appId` (apps and service principals may be absent). */
export function apiIdentityOf(
  state: EmulatorState,
  appId: string,
): { app: boolean; servicePrincipalId?: string; enabled: boolean; consented: boolean } {
  const loose = state as unknown as Record<string, unknown>;
  const app = (state.applications ?? []).some((a) => sameId(a.appId, appId));
  const sps = Array.isArray(loose.servicePrincipals)
    ? (loose.servicePrincipals as Record<string, unknown>[])
    : [];
  const sp = sps.find((s) => typeof s.appId === "string" && sameId(s.appId, appId));
  const spId = typeof sp?.id === "string" ? sp.id : undefined;
  const assignments = [loose.appRoleAssignments, loose.appRoleAssignedTo, sp?.appRoleAssignments]
    .filter(Array.isArray)
    .flat() as Record<string, unknown>[];
  const consented =
    spId !== undefined &&
    assignments.some((a) => typeof a.principalId === "string" && sameId(a.principalId, spId));
  return { app, servicePrincipalId: spId, enabled: sp?.accountEnabled !== false, consented };
}

/** Errors and warnings Entra would hit calling this extension (`api://{host of targetUrl}/{appId}`). */
function validate(ctx: RequestContext) {
  const e = find(ctx);
  const errors: { code: string; message: string }[] = [];
  const warnings: { code: string; message: string }[] = [];
  const m = parseIdentifierUri(e.resourceId);
  if (!m) {
    errors.push({
      code: "IncorrectResourceIdFormat",
      message: `The resourceId '${e.resourceId}' is not api://{fqdn}/{appId}.`,
    });
  } else {
    const host = new URL(e.targetUrl).hostname;
    if (!sameId(m.host, host))
      errors.push({
        code: "DomainNameDoesNotMatch",
        message: `The resourceId host '${m.host}' does not match the targetUrl host '${host}'.`,
      });
    const who = apiIdentityOf(ctx.store.state, m.appId);
    if (!who.servicePrincipalId)
      errors.push({
        code: "ServicePrincipalNotFound",
        message: `No service principal for application '${m.appId}' in this tenant.`,
      });
    else if (!who.enabled)
      errors.push({
        code: "ServicePrincipalDisabled",
        message: `The service principal of '${m.appId}' is disabled.`,
      });
    else if (!who.consented)
      warnings.push({
        code: "PermissionNotGrantedToServicePrincipal",
        message:
          "CustomAuthenticationExtensions.Receive.Payload has not been granted to the service principal.",
      });
  }
  return ok({
    "@odata.context": `${ctx.root}/${ctx.version}/$metadata#microsoft.graph.authenticationConfigurationValidation`,
    errors,
    warnings,
  });
}

function validateBeforeCreate(): never {
  throw new GraphError(
    405,
    "BadRequest",
    "Validate an existing extension (POST …/{id}/validateAuthenticationConfiguration).",
  );
}

/** Routes of custom authentication extensions. */
export const customExtensionRoutes: Route[] = [
  { pattern: "/identity/customAuthenticationExtensions", methods: { GET: list, POST: create } },
  {
    pattern: "/identity/customAuthenticationExtensions/validateAuthenticationConfiguration",
    methods: { POST: validateBeforeCreate },
  },
  {
    pattern: "/identity/customAuthenticationExtensions/{extensionId}",
    methods: { GET: get, PATCH: patch, DELETE: remove },
  },
  {
    pattern: "/identity/customAuthenticationExtensions/{extensionId}/validateAuthenticationConfiguration",
    methods: { POST: validate },
  },
];
