/**
 * `/applications`: app registrations — discovery of the extensions app, and the app registration of a
 * custom authentication extension's API (identifier URI, v2 tokens, required permissions) and
 * `api.acceptMappedClaims` of apps that receive custom claims.
 * https://learn.microsoft.com/graph/api/resources/application
 *
 * Strict choices where Microsoft documents nothing: `api` is replaced whole by a PATCH that sends it (a
 * client that sends only the fields it changes loses the others, so clients must send it back whole);
 * `Application.ReadWrite.OwnedBy` covers only applications the caller created.
 */
import { randomUUID } from "node:crypto";
import { GraphError, badRequest } from "../errors";
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
import { defaultApi } from "../directorySeed";
import { applyFilter, applySelect } from "../odata";
import { sameId } from "../store";
import type { StoredApiApplication, StoredApplication, StoredRequiredResourceAccess } from "../types";

const DIRECTORY_BAD_REQUEST = "Request_BadRequest";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SIGN_IN_AUDIENCES = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
] as const;
const WRITABLE = ["displayName", "signInAudience", "identifierUris", "api", "requiredResourceAccess"];
const API_KEYS = [
  "acceptMappedClaims",
  "requestedAccessTokenVersion",
  "knownClientApplications",
  "oauth2PermissionScopes",
  "preAuthorizedApplications",
];

/** The application as Graph returns it (without emulator bookkeeping). */
export function applicationView(a: StoredApplication): Record<string, unknown> {
  const { ownedByCaller: _owned, ...view } = structuredClone(a);
  return view;
}

function notFoundApp(id: string): GraphError {
  return new GraphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function find(ctx: RequestContext): StoredApplication {
  const appId = ctx.params.appId;
  if (appId !== undefined) {
    const byAppId = ctx.store.state.applications.find((a) => sameId(a.appId, appId));
    if (!byAppId) throw notFoundApp(appId);
    return byAppId;
  }
  const id = ctx.params.applicationId ?? "";
  const app = ctx.store.application(id);
  if (!app) throw notFoundApp(id);
  return app;
}

/** `Application.ReadWrite.OwnedBy` covers only applications the caller owns. */
export function requireOwnerOrAll(ctx: RequestContext, app: StoredApplication): void {
  if (app.ownedByCaller || ctx.tenant.grantedRoles.includes("Application.ReadWrite.All")) return;
  throw new GraphError(
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
  );
}

/**
 * Graph's identifier URI rules for single-tenant apps: `api://{appId}`, `api://{tenantId}/…`,
 * `api://{anything}/{appId}` (the form custom authentication extensions need), or an https URI on a
 * verified domain. https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions
 */
function checkIdentifierUri(ctx: RequestContext, uri: string, appId: string): void {
  const refuse = () =>
    new GraphError(
      400,
      "HostNameNotOnVerifiedDomain",
      `Values of identifierUris property must use a verified domain of the organization or its subdomain: '${uri}'`,
    );
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw badRequest(
      `Invalid value specified for property 'identifierUris' of resource 'Application': '${uri}'.`,
      DIRECTORY_BAD_REQUEST,
    );
  }
  if (url.protocol === "api:") {
    const rest = uri.slice("api://".length).replace(/\/+$/, "");
    const parts = rest.split("/");
    const ok =
      (parts.length === 1 && sameId(parts[0] ?? "", appId)) ||
      (parts.length >= 2 && sameId(parts[0] ?? "", ctx.store.state.tenantId)) ||
      (parts.length === 2 && (parts[0] ?? "") !== "" && sameId(parts[1] ?? "", appId));
    if (!ok) throw refuse();
    return;
  }
  if (url.protocol !== "https:" || !url.hostname.endsWith(".onmicrosoft.com")) throw refuse();
}

function readIdentifierUris(
  ctx: RequestContext,
  value: unknown,
  app: { id?: string; appId: string },
): string[] {
  if (!Array.isArray(value) || !value.every((u) => typeof u === "string"))
    throw badRequest("identifierUris must be an array of strings.", DIRECTORY_BAD_REQUEST);
  const uris = value as string[];
  for (const uri of uris) checkIdentifierUri(ctx, uri, app.appId);
  const taken = ctx.store.state.applications.find(
    (other) =>
      !(app.id !== undefined && sameId(other.id, app.id)) &&
      other.identifierUris.some((u) => uris.some((x) => x.toLowerCase() === u.toLowerCase())),
  );
  if (taken)
    throw badRequest(
      "Another object with the same value for property identifierUris already exists.",
      DIRECTORY_BAD_REQUEST,
    );
  return [...uris];
}

function readApi(value: unknown): StoredApiApplication {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw badRequest("api must be an apiApplication object.", DIRECTORY_BAD_REQUEST);
  const api = value as Record<string, unknown>;
  onlyProperties(api, API_KEYS, "apiApplication");
  const next = defaultApi();
  const amc = api.acceptMappedClaims;
  if (amc !== undefined && amc !== null && typeof amc !== "boolean")
    throw badRequest("api.acceptMappedClaims must be a boolean.", DIRECTORY_BAD_REQUEST);
  next.acceptMappedClaims = (amc as boolean | null | undefined) ?? null;
  const v = api.requestedAccessTokenVersion;
  if (v !== undefined && v !== null && v !== 1 && v !== 2)
    throw badRequest(
      "Property api.requestedAccessTokenVersion is invalid: use 1, 2 or null.",
      DIRECTORY_BAD_REQUEST,
    );
  next.requestedAccessTokenVersion = (v as number | null | undefined) ?? null;
  for (const key of [
    "knownClientApplications",
    "oauth2PermissionScopes",
    "preAuthorizedApplications",
  ] as const) {
    const list = api[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw badRequest(`api.${key} must be an array.`, DIRECTORY_BAD_REQUEST);
    (next[key] as unknown[]) = structuredClone(list);
  }
  return next;
}

function readRequiredResourceAccess(value: unknown): StoredRequiredResourceAccess[] {
  const fail = () =>
    badRequest(
      'requiredResourceAccess must be [{"resourceAppId": "<guid>", "resourceAccess": [{"id": "<guid>", "type": "Role"|"Scope"}]}].',
      DIRECTORY_BAD_REQUEST,
    );
  if (!Array.isArray(value)) throw fail();
  return value.map((entry) => {
    const e = entry as Record<string, unknown> | null;
    if (
      !e ||
      typeof e.resourceAppId !== "string" ||
      !GUID.test(e.resourceAppId) ||
      !Array.isArray(e.resourceAccess)
    )
      throw fail();
    const access = (e.resourceAccess as unknown[]).map((a) => {
      const x = a as Record<string, unknown> | null;
      if (!x || typeof x.id !== "string" || !GUID.test(x.id) || (x.type !== "Role" && x.type !== "Scope"))
        throw fail();
      return { id: x.id, type: x.type as "Role" | "Scope" };
    });
    return { resourceAppId: e.resourceAppId, resourceAccess: access };
  });
}

function readSignInAudience(value: unknown): string {
  if (!SIGN_IN_AUDIENCES.includes(value as never))
    throw badRequest(
      `Invalid value specified for property 'signInAudience': ${JSON.stringify(value)}; one of ${SIGN_IN_AUDIENCES.join(", ")}.`,
      DIRECTORY_BAD_REQUEST,
    );
  return value as string;
}

/** Applies the writable properties of `body` to `app` (a POST body or a PATCH). */
function apply(ctx: RequestContext, app: StoredApplication, body: Record<string, unknown>): void {
  onlyProperties(body, WRITABLE, "an application");
  if (body.displayName !== undefined) app.displayName = requireString(body, "displayName");
  if (body.signInAudience !== undefined) app.signInAudience = readSignInAudience(body.signInAudience);
  if (body.identifierUris !== undefined)
    app.identifierUris = readIdentifierUris(ctx, body.identifierUris, app);
  if (body.api !== undefined) app.api = readApi(body.api);
  if (body.requiredResourceAccess !== undefined)
    app.requiredResourceAccess = readRequiredResourceAccess(body.requiredResourceAccess);
}

function list(ctx: RequestContext) {
  const views = ctx.store.state.applications.map(applicationView);
  const filtered = applyFilter(views, ctx.query.get("$filter"), ["id", "appId", "displayName"]);
  return collection(
    ctx,
    "applications",
    filtered.map((v) => applySelect(v, ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, "applications", applySelect(applicationView(find(ctx)), ctx.query.get("$select")));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  requireString(body, "displayName");
  const app: StoredApplication = {
    id: randomUUID(),
    appId: randomUUID(),
    displayName: "",
    // Graph's default for a new registration; this project always sends signInAudience.
    signInAudience: "AzureADandPersonalMicrosoftAccount",
    identifierUris: [],
    api: defaultApi(),
    requiredResourceAccess: [],
    ownedByCaller: true,
  };
  apply(ctx, app, body);
  ctx.store.state.applications.push(app);
  const result = entity(ctx, "applications", applicationView(app), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/applications/${app.id}` };
  result.createdPath = `/applications/${app.id}`;
  return result;
}

function patch(ctx: RequestContext) {
  const app = find(ctx);
  requireOwnerOrAll(ctx, app);
  const next = structuredClone(app);
  apply(ctx, next, bodyObject(ctx));
  Object.assign(app, next);
  return noContent();
}

/** Deleting a registration deletes its service principal in this tenant and that principal's grants. */
function remove(ctx: RequestContext) {
  const app = find(ctx);
  requireOwnerOrAll(ctx, app);
  const state = ctx.store.state;
  const sps = state.servicePrincipals.filter((sp) => sameId(sp.appId, app.appId)).map((sp) => sp.id);
  state.appRoleAssignments = state.appRoleAssignments.filter(
    (a) => !sps.some((id) => sameId(id, a.principalId) || sameId(id, a.resourceId)),
  );
  state.servicePrincipals = state.servicePrincipals.filter((sp) => !sps.includes(sp.id));
  state.applications = state.applications.filter((a) => a !== app);
  return noContent();
}

/** Routes of app registrations (by object id, and by `applications(appId='…')`). */
export const applicationRoutes: Route[] = [
  { pattern: "/applications", methods: { GET: list, POST: create } },
  { pattern: "/applications/{applicationId}", methods: { GET: get, PATCH: patch, DELETE: remove } },
  { pattern: "/applications(appId)/{appId}", methods: { GET: get, PATCH: patch, DELETE: remove } },
];
