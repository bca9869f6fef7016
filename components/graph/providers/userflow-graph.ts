/**
 * Reading and converging a B2X flow's parts against Graph (docs/graph-contract.md §4.2–4.4): each part is
 * read, diffed as a set (order too for assignments) and only the differences are written.
 */
import type { GraphApi } from "../client";
import { graphStatus } from "../errors";
import { sameCi } from "./common";
import {
  canonicalInputType,
  connectorSteps,
  planAssignments,
  planConnectors,
  planIdentityProviders,
  planOrder,
  type Assignment,
  type ConnectorRefs,
  type FlowParts,
} from "./userflow-parts";

export const flowsPath = "/identity/b2xUserFlows";
export const flowPath = (flowId: string) => `${flowsPath}/${encodeURIComponent(flowId)}`;

interface GraphAssignment {
  id: string;
  displayName: string;
  isOptional: boolean;
  requiresVerification: boolean;
  userInputType: string;
  userAttributeValues?: Array<{ name: string; value: string; isDefault?: boolean }>;
  userAttribute?: { id: string };
}

function fromGraphAssignment(a: GraphAssignment): Assignment {
  return {
    attributeId: a.userAttribute?.id ?? a.id,
    displayName: a.displayName,
    userInputType: canonicalInputType(a.userInputType),
    isOptional: a.isOptional === true,
    requiresVerification: a.requiresVerification === true,
    userAttributeValues: (a.userAttributeValues ?? []).map((v) => ({
      name: v.name,
      value: v.value,
      isDefault: v.isDefault === true,
    })),
  };
}

function assignmentBody(a: Assignment, withAttribute: boolean): Record<string, unknown> {
  return {
    displayName: a.displayName,
    isOptional: a.isOptional,
    requiresVerification: a.requiresVerification,
    userInputType: a.userInputType,
    userAttributeValues: a.userAttributeValues,
    ...(withAttribute ? { userAttribute: { id: a.attributeId } } : {}),
  };
}

interface ReadOpts {
  /** The flow was created moments ago: retry 404s (replication). */
  readonly afterCreate?: boolean;
}

export async function readIdentityProviders(
  api: GraphApi,
  flowId: string,
  o: ReadOpts = {},
): Promise<string[]> {
  const idps = await api.list<{ id: string }>(`${flowPath(flowId)}/userFlowIdentityProviders`, o);
  return idps.map((i) => i.id);
}

export async function readAssignments(
  api: GraphApi,
  flowId: string,
  o: ReadOpts = {},
): Promise<Assignment[]> {
  const base = `${flowPath(flowId)}/userAttributeAssignments`;
  const list = (await api.list<GraphAssignment>(`${base}?$expand=userAttribute`, o)).map(fromGraphAssignment);
  const { order } = await api.get<{ order?: string[] }>(`${base}/getOrder`, o);
  const rank = (id: string) => {
    const i = (order ?? []).findIndex((x) => x.toLowerCase() === id.toLowerCase());
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...list].sort((a, b) => rank(a.attributeId) - rank(b.attributeId));
}

export async function readConnectors(
  api: GraphApi,
  flowId: string,
  o: ReadOpts = {},
): Promise<ConnectorRefs> {
  const cfg = await api.get<Record<string, { id?: string } | null | undefined>>(
    `${flowPath(flowId)}/apiConnectorConfiguration?$expand=${connectorSteps.join(",")}`,
    o,
  );
  const refs: Record<string, string> = {};
  for (const s of connectorSteps) {
    const id = cfg?.[s]?.id;
    if (id) refs[s] = id;
  }
  return refs;
}

export async function readFlowParts(api: GraphApi, flowId: string, o: ReadOpts = {}): Promise<FlowParts> {
  const [identityProviders, attributes, apiConnectors] = await Promise.all([
    readIdentityProviders(api, flowId, o),
    readAssignments(api, flowId, o),
    readConnectors(api, flowId, o),
  ]);
  return { identityProviders, attributes, apiConnectors };
}

async function convergeIdentityProviders(
  api: GraphApi,
  flowId: string,
  desired: readonly string[],
): Promise<void> {
  const base = `${flowPath(flowId)}/userFlowIdentityProviders`;
  const { add, remove } = planIdentityProviders(
    await readIdentityProviders(api, flowId, { afterCreate: true }),
    desired,
  );
  for (const idp of add) {
    const body = { "@odata.id": api.odataId(`/identity/identityProviders/${encodeURIComponent(idp)}`) };
    try {
      await api.post(`${base}/$ref`, body, { afterCreate: true });
    } catch (e) {
      // DOC-CONFLICT (docs/graph-contract.md Appendix B #1): the beta page documents PATCH; SDKs use POST.
      // Fall back on 405.
      if (graphStatus(e) !== 405) throw e;
      await api.patch(`${base}/$ref`, body, { afterCreate: true });
    }
  }
  for (const idp of remove) await api.delete(`${base}/${encodeURIComponent(idp)}/$ref`);
}

/**
 * Deletes an assignment; returns false when Graph refuses with 400 because the flow requires it (which
 * attributes a flow requires is UNCONFIRMED, docs/graph-contract.md §4.1 — e.g. email), so it is kept and
 * remembered instead.
 */
async function removeAssignment(api: GraphApi, base: string, attributeId: string): Promise<boolean> {
  try {
    await api.delete(`${base}/${encodeURIComponent(attributeId)}`);
    return true;
  } catch (e) {
    if (graphStatus(e) !== 400) throw e;
    return false;
  }
}

async function convergeAssignments(
  api: GraphApi,
  flowId: string,
  desired: readonly Assignment[],
  knownRequired: readonly string[],
): Promise<string[]> {
  const base = `${flowPath(flowId)}/userAttributeAssignments`;
  const current = await readAssignments(api, flowId, { afterCreate: true });
  const plan = planAssignments(current, desired);
  const kept = plan.remove.map((a) => a.attributeId).filter((id) => knownRequired.some((r) => sameCi(r, id)));
  for (const a of plan.remove.filter((r) => !kept.includes(r.attributeId)))
    if (!(await removeAssignment(api, base, a.attributeId))) kept.push(a.attributeId);
  // afterCreate: the attribute itself may have been created moments ago by another resource.
  for (const a of plan.create) await api.post(base, assignmentBody(a, true), { afterCreate: true });
  for (const a of plan.update)
    await api.patch(`${base}/${encodeURIComponent(a.attributeId)}`, assignmentBody(a, false));
  const touched = plan.create.length + plan.remove.length - kept.length > 0;
  const currentOrder = touched
    ? ((await api.get<{ order?: string[] }>(`${base}/getOrder`)).order ?? [])
    : current.map((a) => a.attributeId);
  const order = planOrder(
    currentOrder,
    desired.map((a) => a.attributeId),
  );
  if (order) await api.post(`${base}/setOrder`, { newAssignmentOrder: { order } });
  return kept;
}

async function convergeConnectors(api: GraphApi, flowId: string, desired: ConnectorRefs): Promise<void> {
  const plan = planConnectors(await readConnectors(api, flowId, { afterCreate: true }), desired);
  for (const { step, connectorId } of plan) {
    const body = connectorId
      ? { "@odata.id": api.odataId(`/identity/apiConnectors/${encodeURIComponent(connectorId)}`) }
      : {};
    // afterCreate: the connector may be brand new; PUT {} is the documented way to clear a step.
    await api.put(`${flowPath(flowId)}/apiConnectorConfiguration/${step}/$ref`, body, { afterCreate: true });
  }
}

/**
 * Makes Graph match `desired`, writing only differences. Returns the ids of assignments Graph would not
 * delete (service-required), which diffs then ignore unless they are listed.
 */
export async function convergeFlowParts(
  api: GraphApi,
  flowId: string,
  desired: FlowParts,
  knownRequired: readonly string[] = [],
): Promise<string[]> {
  await convergeIdentityProviders(api, flowId, desired.identityProviders);
  const kept = await convergeAssignments(api, flowId, desired.attributes, knownRequired);
  await convergeConnectors(api, flowId, desired.apiConnectors);
  return kept;
}
