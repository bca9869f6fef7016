/**
 * `/servicePrincipals`: service principals, their app role grants (`appRoleAssignedTo` on the resource,
 * `appRoleAssignments` on the client) and the claims mapping policy assigned to them (`$ref`).
 * https://learn.microsoft.com/graph/api/resources/serviceprincipal,
 * https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto,
 * https://learn.microsoft.com/graph/api/serviceprincipal-post-claimsmappingpolicies
 *
 * Strict choices where Microsoft documents nothing: a second claims mapping policy on one service
 * principal is refused (400); a duplicate app role grant is a 400 with Graph's "already exists" message.
 */
import { randomUUID } from "node:crypto";
import { GraphError, badRequest } from "../errors";
import {
  bodyObject,
  collection,
  entity,
  noContent,
  onlyProperties,
  optionalBoolean,
  requireString,
  type RequestContext,
  type Route,
} from "../context";
import { applyFilter, applySelect, parseRef } from "../odata";
import { sameId } from "../store";
import type { StoredAppRoleAssignment, StoredServicePrincipal } from "../types";
import { requireOwnerOrAll } from "./applications";

const DIRECTORY_BAD_REQUEST = "Request_BadRequest";

function notFoundSp(id: string): GraphError {
  return new GraphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

function spView(sp: StoredServicePrincipal): Record<string, unknown> {
  const { claimsMappingPolicyIds: _p, ...view } = structuredClone(sp);
  return { ...view, servicePrincipalNames: [sp.appId] };
}

function find(ctx: RequestContext): StoredServicePrincipal {
  const appId = ctx.params.appId;
  const sp =
    appId !== undefined
      ? ctx.store.state.servicePrincipals.find((x) => sameId(x.appId, appId))
      : ctx.store.servicePrincipal(ctx.params.spId ?? "");
  if (!sp) throw notFoundSp(appId ?? ctx.params.spId ?? "");
  return sp;
}

/** The app registration behind a service principal must be the caller's unless it holds ReadWrite.All. */
function requireSpWritable(ctx: RequestContext, sp: StoredServicePrincipal): void {
  const app = ctx.store.state.applications.find((a) => sameId(a.appId, sp.appId));
  if (app) return requireOwnerOrAll(ctx, app);
  if (!ctx.tenant.grantedRoles.includes("Application.ReadWrite.All"))
    throw new GraphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
}

function list(ctx: RequestContext) {
  const views = ctx.store.state.servicePrincipals.map(spView);
  const filtered = applyFilter(views, ctx.query.get("$filter"), ["id", "appId", "displayName"]);
  return collection(
    ctx,
    "servicePrincipals",
    filtered.map((v) => applySelect(v, ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, "servicePrincipals", applySelect(spView(find(ctx)), ctx.query.get("$select")));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  onlyProperties(body, ["appId", "accountEnabled"], "a servicePrincipal");
  const appId = requireString(body, "appId");
  const app = ctx.store.state.applications.find((a) => sameId(a.appId, appId));
  if (!app)
    throw badRequest(
      `The appId '${appId}' of the service principal does not reference a valid application object.`,
      DIRECTORY_BAD_REQUEST,
    );
  requireOwnerOrAll(ctx, app);
  if (ctx.store.state.servicePrincipals.some((sp) => sameId(sp.appId, appId)))
    throw badRequest(
      "Another object with the same value for property servicePrincipalNames already exists.",
      DIRECTORY_BAD_REQUEST,
    );
  const sp: StoredServicePrincipal = {
    id: randomUUID(),
    appId: app.appId,
    displayName: app.displayName,
    accountEnabled: optionalBoolean(body, "accountEnabled", true),
    servicePrincipalType: "Application",
    appRoles: [],
    claimsMappingPolicyIds: [],
  };
  ctx.store.state.servicePrincipals.push(sp);
  const result = entity(ctx, "servicePrincipals", spView(sp), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/servicePrincipals/${sp.id}` };
  result.createdPath = `/servicePrincipals/${sp.id}`;
  return result;
}

function patch(ctx: RequestContext) {
  const sp = find(ctx);
  requireSpWritable(ctx, sp);
  const body = bodyObject(ctx);
  onlyProperties(body, ["accountEnabled", "displayName"], "a servicePrincipal");
  sp.accountEnabled = optionalBoolean(body, "accountEnabled", sp.accountEnabled);
  if (body.displayName !== undefined) sp.displayName = requireString(body, "displayName");
  return noContent();
}

function remove(ctx: RequestContext) {
  const sp = find(ctx);
  requireSpWritable(ctx, sp);
  const state = ctx.store.state;
  state.appRoleAssignments = state.appRoleAssignments.filter(
    (a) => !sameId(a.principalId, sp.id) && !sameId(a.resourceId, sp.id),
  );
  state.servicePrincipals = state.servicePrincipals.filter((x) => x !== sp);
  return noContent();
}

const assignmentView = (a: StoredAppRoleAssignment) => ({ ...a });

function listAssignedTo(ctx: RequestContext) {
  const sp = find(ctx);
  const items = ctx.store.state.appRoleAssignments.filter((a) => sameId(a.resourceId, sp.id));
  return collection(ctx, `servicePrincipals('${sp.id}')/appRoleAssignedTo`, items.map(assignmentView));
}

function listAssignments(ctx: RequestContext) {
  const sp = find(ctx);
  const items = ctx.store.state.appRoleAssignments.filter((a) => sameId(a.principalId, sp.id));
  return collection(ctx, `servicePrincipals('${sp.id}')/appRoleAssignments`, items.map(assignmentView));
}

/** Grants `appRoleId` of this (resource) service principal to `principalId`: admin consent of an app permission. */
function grant(ctx: RequestContext) {
  const resource = find(ctx);
  const body = bodyObject(ctx);
  onlyProperties(body, ["principalId", "resourceId", "appRoleId"], "an appRoleAssignment");
  const principalId = requireString(body, "principalId");
  const resourceId = requireString(body, "resourceId");
  const appRoleId = requireString(body, "appRoleId");
  if (!sameId(resourceId, resource.id))
    throw badRequest(
      `resourceId '${resourceId}' must be the service principal in the request URL ('${resource.id}').`,
      DIRECTORY_BAD_REQUEST,
    );
  const principal = ctx.store.servicePrincipal(principalId);
  if (!principal)
    throw badRequest(`Invalid principal '${principalId}': no such service principal.`, DIRECTORY_BAD_REQUEST);
  const role = resource.appRoles.find((r) => sameId(r.id, appRoleId));
  if (!role || !role.isEnabled || !role.allowedMemberTypes.includes("Application"))
    throw badRequest("Permission being assigned was not found on application", DIRECTORY_BAD_REQUEST);
  const state = ctx.store.state;
  if (
    state.appRoleAssignments.some(
      (a) =>
        sameId(a.principalId, principal.id) &&
        sameId(a.resourceId, resource.id) &&
        sameId(a.appRoleId, role.id),
    )
  )
    throw badRequest("Permission being assigned already exists on the object", DIRECTORY_BAD_REQUEST);
  const assignment: StoredAppRoleAssignment = {
    id: randomUUID().replace(/-/g, "").slice(0, 22) + "Aa",
    principalId: principal.id,
    principalDisplayName: principal.displayName,
    principalType: "ServicePrincipal",
    resourceId: resource.id,
    resourceDisplayName: resource.displayName,
    appRoleId: role.id,
    createdDateTime: new Date().toISOString(),
  };
  state.appRoleAssignments.push(assignment);
  const path = `/servicePrincipals/${resource.id}/appRoleAssignedTo/${assignment.id}`;
  const result = entity(
    ctx,
    `servicePrincipals('${resource.id}')/appRoleAssignedTo`,
    assignmentView(assignment),
    201,
  );
  result.headers = { Location: `${ctx.root}/${ctx.version}${path}` };
  result.createdPath = path;
  return result;
}

function revoke(ctx: RequestContext, side: "resourceId" | "principalId") {
  const sp = find(ctx);
  const id = ctx.params.assignmentId ?? "";
  const state = ctx.store.state;
  const a = state.appRoleAssignments.find((x) => sameId(x.id, id) && sameId(x[side], sp.id));
  if (!a) throw notFoundSp(id);
  state.appRoleAssignments = state.appRoleAssignments.filter((x) => x !== a);
  return noContent();
}

function listPolicies(ctx: RequestContext) {
  const sp = find(ctx);
  const policies = sp.claimsMappingPolicyIds.flatMap((id) => {
    const p = ctx.store.claimsMappingPolicy(id);
    return p ? [{ ...p, definition: [...p.definition] }] : [];
  });
  return collection(ctx, "policies/claimsMappingPolicies", policies);
}

function assignPolicy(ctx: RequestContext) {
  const sp = find(ctx);
  requireSpWritable(ctx, sp);
  const policyId = parseRef(ctx.body, ctx.roots, ctx.version, "policies/claimsMappingPolicies");
  const policy = ctx.store.claimsMappingPolicy(policyId);
  if (!policy) throw badRequest(`Claims mapping policy '${policyId}' does not exist.`, DIRECTORY_BAD_REQUEST);
  if (sp.claimsMappingPolicyIds.some((id) => sameId(id, policy.id)))
    throw badRequest(
      "One or more added object references already exist for the following modified properties: 'claimsMappingPolicies'.",
      DIRECTORY_BAD_REQUEST,
    );
  if (sp.claimsMappingPolicyIds.length > 0)
    throw badRequest(
      `Service principal '${sp.id}' already has claims mapping policy '${sp.claimsMappingPolicyIds[0] ?? ""}'; only one can be assigned.`,
      DIRECTORY_BAD_REQUEST,
    );
  sp.claimsMappingPolicyIds.push(policy.id);
  return noContent();
}

function unassignPolicy(ctx: RequestContext) {
  const sp = find(ctx);
  requireSpWritable(ctx, sp);
  const policyId = ctx.params.policyId ?? "";
  if (!sp.claimsMappingPolicyIds.some((id) => sameId(id, policyId))) throw notFoundSp(policyId);
  sp.claimsMappingPolicyIds = sp.claimsMappingPolicyIds.filter((id) => !sameId(id, policyId));
  return noContent();
}

const base = "/servicePrincipals/{spId}";

/** Routes of service principals, their grants and their claims mapping policy. */
export const servicePrincipalRoutes: Route[] = [
  { pattern: "/servicePrincipals", methods: { GET: list, POST: create } },
  { pattern: base, methods: { GET: get, PATCH: patch, DELETE: remove } },
  { pattern: "/servicePrincipals(appId)/{appId}", methods: { GET: get } },
  { pattern: `${base}/appRoleAssignedTo`, methods: { GET: listAssignedTo, POST: grant } },
  {
    pattern: `${base}/appRoleAssignedTo/{assignmentId}`,
    methods: { DELETE: (c) => revoke(c, "resourceId") },
  },
  { pattern: `${base}/appRoleAssignments`, methods: { GET: listAssignments } },
  {
    pattern: `${base}/appRoleAssignments/{assignmentId}`,
    methods: { DELETE: (c) => revoke(c, "principalId") },
  },
  { pattern: `${base}/claimsMappingPolicies`, methods: { GET: listPolicies } },
  { pattern: `${base}/claimsMappingPolicies/$ref`, methods: { POST: assignPolicy } },
  { pattern: `${base}/claimsMappingPolicies/{policyId}/$ref`, methods: { DELETE: unassignPolicy } },
];
