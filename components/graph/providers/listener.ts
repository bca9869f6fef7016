/**
 * App ↔ B2X flow association via the beta `identity/events/onSignupStart` invokeUserFlowListener
 * (docs/graph-contract.md §5.1). The listener id is server-generated and there is no natural key, so it is
 * matched by (flow id, set of appIds) when the stored id is gone or when adopting.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi } from "../client";
import { graphStatus } from "../errors";
import type { GraphConnection } from "../connection";
import {
  changedFields,
  checkConnection,
  connectionOf,
  createdNow,
  isUnknown,
  recentlyCreated,
  requireString,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { providerApi } from "./engine-guard";
import { convergeRetrying } from "./idempotent";

export const listenersPath = "/identity/events/onSignupStart";
const expandFlow = "$expand=microsoft.graph.invokeUserFlowListener/userFlow";
const listenerPath = (id: string) => `${listenersPath}/${encodeURIComponent(id)}`;

export interface UserFlowAppAssociationInputs {
  readonly connection: GraphConnection;
  readonly userFlowId: string;
  readonly appIds: readonly string[];
  readonly priority: number;
  readonly adoptExisting: boolean;
}

export interface UserFlowAppAssociationOutputs extends UserFlowAppAssociationInputs {
  readonly listenerId: string;
  /** When this stack created (or adopted) it; a refresh soon after retries 404s (replication). */
  readonly createdAt?: string;
}

export interface GraphListener {
  id: string;
  "@odata.type"?: string;
  priority?: number;
  sourceFilter?: { includeApplications?: string[] };
  userFlow?: { id?: string } | null;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function normalizeListenerInputs(raw: Record<string, unknown>): UserFlowAppAssociationInputs {
  return {
    connection: raw.connection as GraphConnection,
    userFlowId: raw.userFlowId as string,
    appIds: (raw.appIds ?? []) as string[],
    priority: (raw.priority ?? 100) as number,
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

export function validateListenerInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "userFlowId", problems);
  const flow = raw.userFlowId;
  // The listener needs the flow id, not its name (docs/graph-contract.md §5.1:
  // `userFlow: { id: "B2X_1_…" }`).
  if (typeof flow === "string" && flow !== "" && !isUnknown(flow) && !/^B2X_1_/i.test(flow)) {
    problems.push([
      "userFlowId",
      `userFlowId: ${JSON.stringify(flow)} is a flow name, not a flow id; use "B2X_1_${flow}" (the B2xUserFlow's flowId output)`,
    ]);
  }
  const apps = raw.appIds;
  if (!isUnknown(apps)) {
    if (!Array.isArray(apps) || apps.length === 0)
      problems.push(["appIds", "appIds: at least one application client id (appId) is required"]);
    else
      apps.forEach((a, i) => {
        if (!isUnknown(a) && (typeof a !== "string" || !guid.test(a))) {
          problems.push([
            "appIds",
            `appIds[${i}]: ${JSON.stringify(a)} is not an application (client) id GUID`,
          ]);
        }
      });
  }
  const p = raw.priority;
  if (
    p !== undefined &&
    !isUnknown(p) &&
    !(Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 2 ** 31 - 1)
  ) {
    problems.push(["priority", `priority: ${JSON.stringify(p)} must be a non-negative 32-bit integer`]);
  }
  return problems;
}

export const sameAppSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length &&
  a.every((x) => b.some((y) => sameCi(x, y))) &&
  b.every((y) => a.some((x) => sameCi(x, y)));

export function matchesListener(l: GraphListener, userFlowId: string, appIds: readonly string[]): boolean {
  return sameCi(l.userFlow?.id, userFlowId) && sameAppSet(l.sourceFilter?.includeApplications ?? [], appIds);
}

export function listenerBody(i: UserFlowAppAssociationInputs): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.invokeUserFlowListener",
    priority: i.priority,
    sourceFilter: { includeApplications: [...i.appIds] },
    userFlow: { id: i.userFlowId },
  };
}

async function findListeners(
  api: GraphApi,
  userFlowId: string,
  appIds: readonly string[],
): Promise<GraphListener[]> {
  const all = await api.list<GraphListener>(`${listenersPath}?${expandFlow}`);
  return all.filter((l) => matchesListener(l, userFlowId, appIds));
}

/** A listener has no name: its natural key is the flow and the set of apps. */
const ledgerOf = (i: Pick<UserFlowAppAssociationInputs, "connection" | "userFlowId" | "appIds">) => ({
  connection: i.connection,
  kind: "onSignupStartListener",
  key: `${i.userFlowId}|${[...i.appIds]
    .map((a) => a.toLowerCase())
    .sort()
    .join(",")}`,
});

async function createListener(i: UserFlowAppAssociationInputs): Promise<GraphListener> {
  const api = providerApi(i.connection, "listener");
  const { object, adopted, extras } = await createSafely({
    adoptExisting: i.adoptExisting,
    describe: `an onSignupStart listener for ${i.userFlowId} and apps ${i.appIds.join(", ")}`,
    ledger: ledgerOf(i),
    unique: false,
    findAll: () => findListeners(api, i.userFlowId, i.appIds),
    // afterCreate: the flow may have been created moments ago.
    create: () =>
      api.post<GraphListener>(listenersPath, listenerBody(i), { create: true, afterCreate: true }),
  });
  // Copies an interrupted earlier attempt made (ours by the create ledger): one listener stays.
  for (const extra of extras) await api.delete(listenerPath(extra.id));
  if (adopted && object.priority !== i.priority) {
    await convergeRetrying(() => api.patch(listenerPath(object.id), listenerBody(i), { afterCreate: true }));
  }
  return object;
}

const outputsFor = (
  i: UserFlowAppAssociationInputs,
  id: string,
  createdAt: string | undefined,
): UserFlowAppAssociationOutputs => ({
  ...i,
  listenerId: id,
  ...(createdAt === undefined ? {} : { createdAt }),
});

export const userFlowAppAssociationProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizeListenerInputs(news), validateListenerInputs(news));
  },

  async diff(_id, olds: UserFlowAppAssociationOutputs, news: UserFlowAppAssociationInputs) {
    const fields = changedFields({ ...olds }, { ...news }, [
      "userFlowId",
      "priority",
      "connection",
      "adoptExisting",
    ]);
    clearLedger(ledgerOf(olds));
    if (isUnknown(news.appIds) || !sameAppSet(olds.appIds, news.appIds)) fields.push("appIds");
    // A new flow means a new listener. The flow id is known by construction (the flow passes it through
    // as an input), so it is unknown only while the engine plans a delete-before-replace of the flow,
    // and there declaring a replacement is what makes the engine delete this listener first (Graph
    // refuses to delete a flow still in use).
    const replaces =
      isUnknown(news.userFlowId) || !sameCi(olds.userFlowId, news.userFlowId) ? ["userFlowId"] : [];
    return { changes: fields.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: UserFlowAppAssociationInputs) {
    const l = await createListener(inputs);
    return { id: l.id, outs: outputsFor(inputs, l.id, createdNow()) };
  },

  async read(id, props: UserFlowAppAssociationOutputs) {
    clearLedger(ledgerOf(props));
    const api = providerApi(connectionOf(props), "listener");
    const l =
      (await api.find<GraphListener>(`${listenerPath(id)}?${expandFlow}`, {
        afterCreate: recentlyCreated(props),
      })) ?? (await findListeners(api, props.userFlowId, props.appIds))[0];
    if (!l) return {};
    const outs: UserFlowAppAssociationOutputs = {
      ...props,
      listenerId: l.id,
      userFlowId: l.userFlow?.id ?? props.userFlowId,
      // Graph's order of the apps is not guaranteed: keep the known order when the set is the same.
      appIds: sameAppSet(l.sourceFilter?.includeApplications ?? [], props.appIds)
        ? props.appIds
        : (l.sourceFilter?.includeApplications ?? []),
      priority: l.priority ?? props.priority,
    };
    const { listenerId: _l, createdAt: _c, ...inputs } = outs;
    return { id: l.id, props: outs, inputs };
  },

  async update(id, olds: UserFlowAppAssociationOutputs, news: UserFlowAppAssociationInputs) {
    clearLedger(ledgerOf(olds));
    const api = providerApi(news.connection, "listener");
    try {
      // Moments after the create a 404 is replication lag, not a deletion: retry it first, or the
      // recreate below would leave a duplicate listener behind.
      const fresh = { afterCreate: recentlyCreated(olds) };
      await convergeRetrying(() => api.patch(listenerPath(id), listenerBody(news), fresh));
      return { outs: outputsFor(news, id, olds.createdAt) };
    } catch (e) {
      if (graphStatus(e) !== 404) throw e;
    }
    // Deleted out of band since the last refresh: recreate (or adopt a matching one).
    const l = await createListener({ ...news, adoptExisting: true });
    return { outs: outputsFor(news, l.id, createdNow()) };
  },

  async delete(id, props: UserFlowAppAssociationOutputs) {
    await providerApi(connectionOf(props), "listener").delete(listenerPath(id));
    clearLedger(ledgerOf(props));
  },
};
