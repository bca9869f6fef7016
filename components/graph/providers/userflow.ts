/**
 * B2X user flows (docs/graph-contract.md §4). The flow itself has no update: its name is its id
 * (`B2X_1_<name>`), so a rename replaces it, deleting first because the id would collide. Its parts converge
 * on create, update and are read back on refresh.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  changedFields,
  connectionOf,
  createdNow,
  isUnknown,
  PartialCreateError,
  recentlyCreated,
  sameCi,
  toCheckResult,
} from "./common";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { providerApi } from "./engine-guard";
import { convergeRetrying } from "./idempotent";
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

const ledgerOf = (i: Pick<B2xUserFlowInputs, "connection" | "name">) => ({
  connection: i.connection,
  kind: "b2xUserFlow",
  key: flowIdOf(i.name),
});

/**
 * The parts converge by reading Graph and writing only differences, so a write whose answer was lost is
 * simply converged again (re-read, nothing written twice).
 */
const convergeParts = (
  api: ReturnType<typeof providerApi>,
  flowId: string,
  parts: FlowParts,
  knownRequired: readonly string[] = [],
) => convergeRetrying(() => convergeFlowParts(api, flowId, parts, knownRequired));

async function createFlow(inputs: B2xUserFlowInputs) {
  const api = providerApi(inputs.connection);
  const flowId = flowIdOf(inputs.name);
  const body = { id: inputs.name, userFlowType: "signUpOrSignIn", userFlowTypeVersion: 1 };
  await createSafely({
    adoptExisting: inputs.adoptExisting,
    describe: `user flow "${flowId}"`,
    ledger: ledgerOf(inputs),
    unique: true,
    findAll: async () => {
      const f = await api.find<GraphFlow>(flowPath(flowId));
      return f ? [f] : [];
    },
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
    const kept = await convergeParts(api, flowId, partsOf(inputs));
    return { id: flowId, outs: { ...outs, serviceRequiredAttributes: kept } };
  } catch (e) {
    // The flow exists: let the engine record it so the next run finishes the parts instead of re-creating.
    throw new PartialCreateError(flowId, { ...outs, converged: false }, e);
  }
}

/** Graph's order of a flow's identity providers is not guaranteed: keep the order the user gave. */
export function inKnownOrder(read: readonly string[], known: readonly string[] | undefined): string[] {
  const same =
    known !== undefined && known.length === read.length && read.every((r) => known.some((k) => sameCi(k, r)));
  return same ? [...known] : [...read];
}

export const b2xUserFlowProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    const inputs = normalizeFlowInputs(news);
    // The id is known by construction (B2X_1_<name>): as an input it is known during preview too, so
    // resources using it (app associations) preview no change when only the flow's parts change.
    const known = typeof inputs.name === "string" && !isUnknown(inputs.name);
    return toCheckResult(
      { ...inputs, ...(known ? { flowId: flowIdOf(inputs.name) } : {}) },
      validateFlowInputs(news),
    );
  },

  async diff(_id, olds: B2xUserFlowOutputs, news: B2xUserFlowInputs) {
    clearLedger(ledgerOf(olds));
    const { fields, replaces } = flowChanges(olds, news);
    // A new name is a new id: create the new flow before deleting the old one, unless the ids collide
    // (Graph compares them case-insensitively).
    const collide = !isUnknown(news.name) && sameCi(flowIdOf(news.name), flowIdOf(olds.name));
    return { changes: fields.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && collide };
  },

  create: (inputs: B2xUserFlowInputs) => createFlow(inputs),

  async read(id, props: B2xUserFlowOutputs) {
    clearLedger(ledgerOf(props));
    const api = providerApi(connectionOf(props));
    const fresh = { afterCreate: recentlyCreated(props) };
    if (!(await api.find<GraphFlow>(flowPath(id), fresh))) return {};
    const graph = await readFlowParts(api, id, fresh);
    const parts = {
      ...graph,
      identityProviders: inKnownOrder(graph.identityProviders, props.identityProviders),
    };
    const outs: B2xUserFlowOutputs = { ...props, ...parts, flowId: id };
    const { converged: _c, serviceRequiredAttributes: _s, createdAt: _t, ...rest } = outs;
    const inputs = {
      ...rest,
      ...withoutServiceRequired(parts, props.serviceRequiredAttributes ?? [], props.attributes ?? []),
    };
    return { id, props: outs, inputs };
  },

  async update(id, olds: B2xUserFlowOutputs, news: B2xUserFlowInputs) {
    clearLedger(ledgerOf(olds));
    const api = providerApi(news.connection);
    const kept = await convergeParts(api, id, partsOf(news), olds.serviceRequiredAttributes ?? []);
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
    await providerApi(connectionOf(props)).delete(flowPath(id));
    clearLedger(ledgerOf(props));
  },
};
