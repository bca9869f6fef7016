/**
 * `ClaimsMappingPolicy`: a claims mapping policy (`Source: CustomClaimsProvider`) assigned to the service
 * principal of each listed application, so the claims a token issuance start extension returns reach
 * their tokens (https://learn.microsoft.com/graph/api/serviceprincipal-post-claimsmappingpolicies).
 * `isOrganizationDefault` is always false (true would apply it to every app in the tenant). Whether a
 * service principal may hold two policies is not documented: the assignments are listed first and a
 * service principal that already has another policy is refused, naming it, before anything is written.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphConnection } from "../connection";
import {
  changed,
  changedFields,
  checkConnection,
  connectionOf,
  createdNow,
  isUnknown,
  PartialCreateError,
  recentlyCreated,
  requireString,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { convergeRetrying } from "./idempotent";
import { sameAppSet } from "./listener";
import { findOrCreate, servicePrincipalByAppId, spPath, v1Api, type V1Api } from "./api-application-graph";
import {
  claimsMappingDefinition,
  claimsOfDefinition,
  validateClaims,
  type MappedClaim,
} from "./claims-policy-definition";

export const claimsPoliciesPath = "/policies/claimsMappingPolicies";
const policyPath = (id: string) => `${claimsPoliciesPath}/${encodeURIComponent(id)}`;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClaimsMappingPolicyInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly claims: readonly MappedClaim[];
  readonly appIds: readonly string[];
  readonly adoptExisting: boolean;
}

export interface ClaimsMappingPolicyOutputs extends ClaimsMappingPolicyInputs {
  readonly policyId: string;
  /** Service principal of each app, in `appIds` order; "" where the policy is not assigned (drift). */
  readonly servicePrincipalIds: readonly string[];
  /** The definition as Graph has it. */
  readonly definition: readonly string[];
  readonly isOrganizationDefault: boolean;
  readonly createdAt?: string;
}

interface GraphPolicy {
  id: string;
  displayName: string;
  definition?: string[];
  isOrganizationDefault?: boolean;
}

export function normalizeClaimsPolicyInputs(raw: Record<string, unknown>): ClaimsMappingPolicyInputs {
  return {
    connection: raw.connection as GraphConnection,
    displayName: raw.displayName as string,
    claims: (raw.claims ?? []) as MappedClaim[],
    appIds: (raw.appIds ?? []) as string[],
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

export function validateClaimsPolicyInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "displayName", problems);
  problems.push(...validateClaims(raw.claims));
  const apps = raw.appIds;
  if (!isUnknown(apps)) {
    if (!Array.isArray(apps) || apps.length === 0)
      problems.push([
        "appIds",
        "appIds: at least one application (client) id whose service principal gets the policy",
      ]);
    else
      apps.forEach((a, i) => {
        if (isUnknown(a)) return;
        if (typeof a !== "string" || !guid.test(a))
          problems.push([
            "appIds",
            `appIds[${i}]: ${JSON.stringify(a)} is not an application (client) id GUID`,
          ]);
        else if (apps.findIndex((b) => typeof b === "string" && sameCi(a, b)) !== i)
          problems.push(["appIds", `appIds[${i}]: ${a} is listed twice`]);
      });
  }
  return problems;
}

const policyBody = (i: ClaimsMappingPolicyInputs) => ({
  displayName: i.displayName,
  definition: claimsMappingDefinition(i.claims),
  isOrganizationDefault: false,
});

const ledgerOf = (i: Pick<ClaimsMappingPolicyInputs, "connection" | "displayName">) => ({
  connection: i.connection,
  kind: "claimsMappingPolicy",
  key: i.displayName,
});

const policiesOf = (api: V1Api, spId: string) =>
  api.list<GraphPolicy>(`${spPath(spId)}/claimsMappingPolicies`);

interface AppSp {
  readonly appId: string;
  readonly spId: string;
}

/** The service principal of each app; refuses, naming them all, apps without one. */
async function servicePrincipalsOf(api: V1Api, appIds: readonly string[]): Promise<AppSp[]> {
  const found = await Promise.all(
    appIds.map(async (appId) => ({ appId, sp: await servicePrincipalByAppId(api, appId) })),
  );
  const missing = found.filter((f) => !f.sp).map((f) => f.appId);
  if (missing.length > 0)
    throw new Error(
      `appIds: ${missing.join(", ")} ha${missing.length > 1 ? "ve" : "s"} no service principal in this tenant; ` +
        "a claims mapping policy is assigned to the service principal. Fix: create it (az ad sp create --id <appId>) or drop the app",
    );
  return found.map((f) => ({ appId: f.appId, spId: f.sp!.id }));
}

/** Refuses, naming each, service principals that already hold another policy (nothing written yet). */
async function refuseOtherPolicies(
  api: V1Api,
  sps: readonly AppSp[],
  ours: string | undefined,
): Promise<void> {
  const conflicts: string[] = [];
  for (const s of sps) {
    const other = (await policiesOf(api, s.spId)).find((p) => !sameCi(p.id, ours));
    if (other)
      conflicts.push(
        `app ${s.appId} (service principal ${s.spId}) already has claims mapping policy "${other.displayName}" (${other.id})`,
      );
  }
  if (conflicts.length > 0)
    throw new Error(
      `${conflicts.join("; ")}. A service principal takes one claims mapping policy: remove that assignment, or drop the app from appIds`,
    );
}

/** Reads first; a lost answer or an "already exists" is settled by listing again. */
async function assign(api: V1Api, spId: string, policyId: string): Promise<void> {
  await findOrCreate(
    async () => ((await policiesOf(api, spId)).some((p) => sameCi(p.id, policyId)) ? true : undefined),
    async () => {
      await api.post(
        `${spPath(spId)}/claimsMappingPolicies/$ref`,
        { "@odata.id": api.odataId(policyPath(policyId)) },
        { create: true, afterCreate: true },
      );
      return true;
    },
  );
}

const unassign = (api: V1Api, spId: string, policyId: string) =>
  api.delete(`${spPath(spId)}/claimsMappingPolicies/${encodeURIComponent(policyId)}/$ref`);

/** PATCH only what differs from `i`; then assign to every app's service principal. */
async function converge(
  api: V1Api,
  policy: GraphPolicy,
  i: ClaimsMappingPolicyInputs,
  sps: readonly AppSp[],
): Promise<void> {
  const want = policyBody(i);
  if (
    policy.displayName !== want.displayName ||
    changed(policy.definition, want.definition) ||
    policy.isOrganizationDefault !== false
  )
    await convergeRetrying(() => api.patch(policyPath(policy.id), want, { afterCreate: true }));
  for (const s of sps) await assign(api, s.spId, policy.id);
}

function outputsFor(
  i: ClaimsMappingPolicyInputs,
  id: string,
  sps: readonly AppSp[],
  createdAt?: string,
): ClaimsMappingPolicyOutputs {
  return {
    ...i,
    policyId: id,
    servicePrincipalIds: i.appIds.map((a) => sps.find((s) => sameCi(s.appId, a))?.spId ?? ""),
    definition: claimsMappingDefinition(i.claims),
    isOrganizationDefault: false,
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

async function createPolicy(i: ClaimsMappingPolicyInputs): Promise<ClaimsMappingPolicyOutputs> {
  const api = v1Api(i.connection);
  const sps = await servicePrincipalsOf(api, i.appIds);
  await refuseOtherPolicies(api, sps, undefined);
  const { object, extras } = await createSafely<GraphPolicy>({
    adoptExisting: i.adoptExisting,
    describe: `claims mapping policy ${JSON.stringify(i.displayName)}`,
    ledger: ledgerOf(i),
    unique: false,
    findAll: async () =>
      (await api.list<GraphPolicy>(claimsPoliciesPath)).filter((p) => p.displayName === i.displayName),
    create: () => api.post<GraphPolicy>(claimsPoliciesPath, policyBody(i), { create: true }),
  });
  for (const extra of extras) await api.delete(policyPath(extra.id));
  const createdAt = createdNow();
  try {
    await converge(api, object, i, sps);
  } catch (e) {
    throw new PartialCreateError(object.id, { ...outputsFor(i, object.id, [], createdAt) }, e);
  }
  return outputsFor(i, object.id, sps, createdAt);
}

export const claimsMappingPolicyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizeClaimsPolicyInputs(news), validateClaimsPolicyInputs(news));
  },

  async diff(_id, olds: ClaimsMappingPolicyOutputs, news: ClaimsMappingPolicyInputs) {
    clearLedger(ledgerOf(olds));
    const fields = changedFields({ ...olds }, { ...news }, [
      "displayName",
      "claims",
      "connection",
      "adoptExisting",
    ]);
    if (isUnknown(news.appIds) || !sameAppSet(olds.appIds, news.appIds)) fields.push("appIds");
    const drifted =
      olds.isOrganizationDefault !== false ||
      olds.servicePrincipalIds.some((s) => s === "") ||
      (!isUnknown(news.claims) && changed(olds.definition, claimsMappingDefinition(news.claims)));
    return { changes: fields.length > 0 || drifted, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs: ClaimsMappingPolicyInputs) {
    const outs = await createPolicy(inputs);
    return { id: outs.policyId, outs };
  },

  async read(id, props: ClaimsMappingPolicyOutputs) {
    clearLedger(ledgerOf(props));
    const api = v1Api(connectionOf(props));
    const p = await api.find<GraphPolicy>(policyPath(id), { afterCreate: recentlyCreated(props) });
    if (!p) return {};
    const servicePrincipalIds = await Promise.all(
      props.appIds.map(async (appId) => {
        const sp = await servicePrincipalByAppId(api, appId);
        return sp && (await policiesOf(api, sp.id)).some((x) => sameCi(x.id, id)) ? sp.id : "";
      }),
    );
    const outs: ClaimsMappingPolicyOutputs = {
      ...props,
      displayName: p.displayName,
      claims: claimsOfDefinition(p.definition) ?? props.claims,
      definition: p.definition ?? [],
      isOrganizationDefault: p.isOrganizationDefault === true,
      servicePrincipalIds,
    };
    return {
      id,
      props: outs,
      inputs: { ...normalizeClaimsPolicyInputs(outs as unknown as Record<string, unknown>) },
    };
  },

  async update(id, olds: ClaimsMappingPolicyOutputs, news: ClaimsMappingPolicyInputs) {
    clearLedger(ledgerOf(olds));
    const api = v1Api(news.connection);
    const p = await api.find<GraphPolicy>(policyPath(id), { afterCreate: recentlyCreated(olds) });
    if (!p) return { outs: await createPolicy({ ...news, adoptExisting: false }) };
    const sps = await servicePrincipalsOf(api, news.appIds);
    await refuseOtherPolicies(api, sps, id);
    for (const gone of olds.appIds.filter((a) => !news.appIds.some((b) => sameCi(a, b)))) {
      const sp = await servicePrincipalByAppId(api, gone);
      if (sp) await unassign(api, sp.id, id);
    }
    await converge(api, p, news, sps);
    return { outs: outputsFor(news, id, sps, olds.createdAt) };
  },

  /** Unassign from every service principal first (Graph may refuse to delete a policy in use). */
  async delete(id, props: ClaimsMappingPolicyOutputs) {
    const api = v1Api(connectionOf(props));
    for (const appId of props.appIds) {
      const sp = await servicePrincipalByAppId(api, appId);
      if (sp) await unassign(api, sp.id, id);
    }
    await api.delete(policyPath(id));
    clearLedger(ledgerOf(props));
  },
};
