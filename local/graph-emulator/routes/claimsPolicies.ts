/**
 * `/policies/claimsMappingPolicies`: claims mapping policies (the custom claims of a token issuance
 * start extension reach a token through one, `Source: CustomClaimsProvider`).
 * https://learn.microsoft.com/graph/api/resources/claimsmappingpolicy,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration
 *
 * Strict choices: `definition` must be exactly one string holding the policy JSON (Version 1, a
 * `ClaimsSchema` whose entries each have a non-empty `Source` and `ID`); a policy still assigned to a
 * service principal cannot be deleted (400 naming them).
 */
import { randomUUID } from "node:crypto";
import { badRequest, notFound } from "../errors";
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
import { applyFilter } from "../odata";
import { sameId } from "../store";
import type { StoredClaimsMappingPolicy } from "../types";

const CONTEXT = "policies/claimsMappingPolicies";

/** Why a `definition` is not a usable claims mapping policy, or undefined when it is. */
export function definitionProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== "string")
    return "definition must be an array with one string: the policy JSON.";
  let doc: unknown;
  try {
    doc = JSON.parse(value[0]);
  } catch {
    return "definition[0] is not valid JSON.";
  }
  const policy = (doc as { ClaimsMappingPolicy?: Record<string, unknown> } | null)?.ClaimsMappingPolicy;
  if (!policy || typeof policy !== "object") return 'definition[0] must hold {"ClaimsMappingPolicy": {...}}.';
  if (policy.Version !== 1) return "ClaimsMappingPolicy.Version must be 1.";
  const ibcs = policy.IncludeBasicClaimSet;
  if (ibcs !== undefined && ibcs !== "true" && ibcs !== "false")
    return 'ClaimsMappingPolicy.IncludeBasicClaimSet must be "true" or "false".';
  const schema = policy.ClaimsSchema;
  if (!Array.isArray(schema)) return "ClaimsMappingPolicy.ClaimsSchema must be an array.";
  const jwtNames = new Set<string>();
  for (const [i, entry] of schema.entries()) {
    const e = entry as Record<string, unknown> | null;
    if (!e || typeof e.Source !== "string" || e.Source === "")
      return `ClaimsSchema[${i}].Source must be a non-empty string.`;
    if (typeof e.ID !== "string" || e.ID.trim() === "")
      return `ClaimsSchema[${i}].ID must be a non-empty string.`;
    if (e.JwtClaimType !== undefined) {
      if (typeof e.JwtClaimType !== "string" || e.JwtClaimType === "")
        return `ClaimsSchema[${i}].JwtClaimType must be a non-empty string when present.`;
      if (jwtNames.has(e.JwtClaimType))
        return `ClaimsSchema[${i}].JwtClaimType '${e.JwtClaimType}' is used twice.`;
      jwtNames.add(e.JwtClaimType);
    }
  }
  return undefined;
}

function readDefinition(value: unknown): string[] {
  const problem = definitionProblem(value);
  if (problem) throw badRequest(`Invalid policy definition: ${problem}`);
  return [...(value as string[])];
}

function find(ctx: RequestContext): StoredClaimsMappingPolicy {
  const id = ctx.params.policyId ?? "";
  const p = ctx.store.claimsMappingPolicy(id);
  if (!p) throw notFound("claimsMappingPolicy", id);
  return p;
}

const view = (p: StoredClaimsMappingPolicy) => ({ ...p, definition: [...p.definition] });

function list(ctx: RequestContext) {
  const views = ctx.store.state.claimsMappingPolicies.map(view);
  return collection(ctx, CONTEXT, applyFilter(views, ctx.query.get("$filter"), ["id", "displayName"]));
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, view(find(ctx)));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  onlyProperties(body, ["displayName", "definition", "isOrganizationDefault"], "a claimsMappingPolicy");
  const policy: StoredClaimsMappingPolicy = {
    id: randomUUID(),
    displayName: requireString(body, "displayName"),
    definition: readDefinition(body.definition),
    isOrganizationDefault: optionalBoolean(body, "isOrganizationDefault", false),
  };
  ctx.store.state.claimsMappingPolicies.push(policy);
  const result = entity(ctx, CONTEXT, view(policy), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/${CONTEXT}/${policy.id}` };
  result.createdPath = `/${CONTEXT}/${policy.id}`;
  return result;
}

function patch(ctx: RequestContext) {
  const p = find(ctx);
  const body = bodyObject(ctx);
  onlyProperties(body, ["displayName", "definition", "isOrganizationDefault"], "a claimsMappingPolicy");
  const next = { ...p };
  if (body.displayName !== undefined) next.displayName = requireString(body, "displayName");
  if (body.definition !== undefined) next.definition = readDefinition(body.definition);
  next.isOrganizationDefault = optionalBoolean(body, "isOrganizationDefault", p.isOrganizationDefault);
  Object.assign(p, next);
  return noContent();
}

function remove(ctx: RequestContext) {
  const p = find(ctx);
  const state = ctx.store.state;
  const users = state.servicePrincipals.filter((sp) =>
    sp.claimsMappingPolicyIds.some((id) => sameId(id, p.id)),
  );
  if (users.length > 0)
    throw badRequest(
      `Claims mapping policy '${p.id}' is still assigned to service principal(s) ${users.map((sp) => sp.id).join(", ")}; remove the assignments first.`,
    );
  state.claimsMappingPolicies = state.claimsMappingPolicies.filter((x) => x !== p);
  return noContent();
}

/** Routes of claims mapping policies. */
export const claimsPolicyRoutes: Route[] = [
  { pattern: "/policies/claimsMappingPolicies", methods: { GET: list, POST: create } },
  {
    pattern: "/policies/claimsMappingPolicies/{policyId}",
    methods: { GET: get, PATCH: patch, DELETE: remove },
  },
];
