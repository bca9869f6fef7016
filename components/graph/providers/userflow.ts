/**
 * B2X user flows (docs/graph-contract.md §4). The flow itself has no update: its name is its id
 * (`B2X_1_<name>`), so a rename replaces it, deleting first because the id would collide. Its parts converge
 * on create, update and are read back on refresh.
 */
import type * as pulumi from "@pulumi/pulumi";
import { graphApi } from "../client";
import {
  changedFields,
  connectionOf,
  createdNow,
  createOrAdopt,
  isUnknown,
  PartialCreateError,
  recentlyCreated,
  toCheckResult,
} from "./common";
import { convergeFlowParts, flowPath, flowsPath, readFlowParts } from "./userflow-graph";
import {
  flowIdOf,
  normalizeFlowInputs,
  partsKey,
  withoutServiceRequired,
  validateFlowInputs,
  type B2xUserFlowInputs,
  type B2xUserFlowOutputs,
  type FlowParts,
} from "./userflow-parts";

interface GraphFlow {
  id: string;
}

const partsOf = (i: FlowParts): FlowParts => ({
  identityProviders: i.identityProviders,
  attributes: i.attributes,
  apiConnectors: i.apiConnectors,
});

/** Which fields changed: `name` replaces; parts compare case-insensitively; a half-made flow always updates. */
export function flowChanges(
  olds: B2xUserFlowOutputs,
  news: B2xUserFlowInputs,
): { fields: string[]; replaces: string[] } {
  const fields = changedFields({ ...olds }, { ...news }, ["connection", "adoptExisting"]);
  const replaces = isUnknown(news.name) || flowIdOf(news.name) !== flowIdOf(olds.name) ? ["name"] : [];
  const unknownParts =
    isUnknown(news.identityProviders) || isUnknown(news.attributes) || isUnknown(news.apiConnectors);
  const visible = unknownParts
    ? olds
    : withoutServiceRequired(olds, olds.serviceRequiredAttributes ?? [], news.attributes);
  if (unknownParts || partsKey(visible) !== partsKey(news)) fields.push("parts");
  if (olds.converged === false) fields.push("converged");
  return { fields: [...replaces, ...fields], replaces };
}

async function createFlow(inputs: B2xUserFlowInputs) {
  const api = graphApi(inputs.connection);
  const flowId = flowIdOf(inputs.name);
  const body = { id: inputs.name, userFlowType: "signUpOrSignIn", userFlowTypeVersion: 1 };
  await createOrAdopt({
    adoptExisting: inputs.adoptExisting,
    describe: `user flow "${flowId}"`,
    find: () => api.find<GraphFlow>(flowPath(flowId)),
    create: () => api.post<GraphFlow>(flowsPath, body, { create: true }),
  });
  const outs: B2xUserFlowOutputs = {
    ...inputs,
    flowId,
    converged: true,
    serviceRequiredAttributes: [],
    createdAt: createdNow(),
  };
  try {
    const kept = await convergeFlowParts(api, flowId, partsOf(inputs));
    return { id: flowId, outs: { ...outs, serviceRequiredAttributes: kept } };
  } catch (e) {
    // The flow exists: let the engine record it so the next run finishes the parts instead of re-creating.
    throw new PartialCreateError(flowId, { ...outs, converged: false }, e);
  }
}

export const b2xUserFlowProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizeFlowInputs(news), validateFlowInputs(news));
  },

  async diff(_id, olds: B2xUserFlowOutputs, news: B2xUserFlowInputs) {
    const { fields, replaces } = flowChanges(olds, news);
    return { changes: fields.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  create: (inputs: B2xUserFlowInputs) => createFlow(inputs),

  async read(id, props: B2xUserFlowOutputs) {
    const api = graphApi(connectionOf(props));
    const fresh = { afterCreate: recentlyCreated(props) };
    if (!(await api.find<GraphFlow>(flowPath(id), fresh))) return {};
    const parts = await readFlowParts(api, id, fresh);
    const outs: B2xUserFlowOutputs = { ...props, ...parts, flowId: id };
    const { flowId: _f, converged: _c, serviceRequiredAttributes: _s, createdAt: _t, ...rest } = outs;
    const inputs = {
      ...rest,
      ...withoutServiceRequired(parts, props.serviceRequiredAttributes ?? [], props.attributes ?? []),
    };
    return { id, props: outs, inputs };
  },

  async update(id, olds: B2xUserFlowOutputs, news: B2xUserFlowInputs) {
    const api = graphApi(news.connection);
    const kept = await convergeFlowParts(api, id, partsOf(news), olds.serviceRequiredAttributes ?? []);
    const required = [...new Set([...(olds.serviceRequiredAttributes ?? []), ...kept])];
    const outs: B2xUserFlowOutputs = {
      ...news,
      flowId: id,
      converged: true,
      serviceRequiredAttributes: required,
      ...(olds.createdAt === undefined ? {} : { createdAt: olds.createdAt }),
    };
    return { outs };
  },

  async delete(id, props: B2xUserFlowOutputs) {
    await graphApi(connectionOf(props)).delete(flowPath(id));
  },
};
