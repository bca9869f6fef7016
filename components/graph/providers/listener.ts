/**
 * App ↔ B2X flow association via the beta `identity/events/onSignupStart` invokeUserFlowListener
 * (docs/graph-contract.md §5.1). The listener id is server-generated and there is no natural key, so it is
 * matched by (flow id, set of appIds) when the stored id is gone or when adopting.
 */
import type * as pulumi from "@pulumi/pulumi";
import { graphApi, type GraphApi } from "../client";
import { graphStatus } from "../errors";
import type { GraphConnection } from "../connection";
import {
  changedFields,
  checkConnection,
  connectionOf,
  createdNow,
  createOrAdopt,
  isUnknown,
  recentlyCreated,
  requireString,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";

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

async function findListener(
  api: GraphApi,
  userFlowId: string,
  appIds: readonly string[],
): Promise<GraphListener | undefined> {
  const all = await api.list<GraphListener>(`${listenersPath}?${expandFlow}`);
  return all.find((l) => matchesListener(l, userFlowId, appIds));
}

async function createListener(i: UserFlowAppAssociationInputs): Promise<GraphListener> {
  const api = graphApi(i.connection, "listener");
  const { object, adopted } = await createOrAdopt({
    adoptExisting: i.adoptExisting,
    describe: `an onSignupStart listener for ${i.userFlowId} and apps ${i.appIds.join(", ")}`,
    find: () => findListener(api, i.userFlowId, i.appIds),
    // afterCreate: the flow may have been created moments ago.
    create: () =>
      api.post<GraphListener>(listenersPath, listenerBody(i), { create: true, afterCreate: true }),
  });
  if (adopted && object.priority !== i.priority) {
    await api.patch(listenerPath(object.id), listenerBody(i), { afterCreate: true });
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
    if (isUnknown(news.appIds) || !sameAppSet(olds.appIds, news.appIds)) fields.push("appIds");
    // A new flow means a new listener. Declaring it a replacement also lets the engine delete this
    // listener before a delete-before-replace of the flow (Graph refuses to delete a flow still in use).
    const replaces =
      isUnknown(news.userFlowId) || !sameCi(olds.userFlowId, news.userFlowId) ? ["userFlowId"] : [];
    return { changes: fields.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: UserFlowAppAssociationInputs) {
    const l = await createListener(inputs);
    return { id: l.id, outs: outputsFor(inputs, l.id, createdNow()) };
  },

  async read(id, props: UserFlowAppAssociationOutputs) {
    const api = graphApi(connectionOf(props), "listener");
    const l =
      (await api.find<GraphListener>(`${listenerPath(id)}?${expandFlow}`, {
        afterCreate: recentlyCreated(props),
      })) ?? (await findListener(api, props.userFlowId, props.appIds));
    if (!l) return {};
    const outs: UserFlowAppAssociationOutputs = {
      ...props,
      listenerId: l.id,
      userFlowId: l.userFlow?.id ?? props.userFlowId,
      appIds: l.sourceFilter?.includeApplications ?? [],
      priority: l.priority ?? props.priority,
    };
    const { listenerId: _l, createdAt: _c, ...inputs } = outs;
    return { id: l.id, props: outs, inputs };
  },

  async update(id, olds: UserFlowAppAssociationOutputs, news: UserFlowAppAssociationInputs) {
    const api = graphApi(news.connection, "listener");
    try {
      // Moments after the create a 404 is replication lag, not a deletion: retry it first, or the
      // recreate below would leave a duplicate listener behind.
      await api.patch(listenerPath(id), listenerBody(news), { afterCreate: recentlyCreated(olds) });
      return { outs: outputsFor(news, id, olds.createdAt) };
    } catch (e) {
      if (graphStatus(e) !== 404) throw e;
    }
    // Deleted out of band since the last refresh: recreate (or adopt a matching one).
    const l = await createListener({ ...news, adoptExisting: true });
    return { outs: outputsFor(news, l.id, createdNow()) };
  },

  async delete(id, props: UserFlowAppAssociationOutputs) {
    await graphApi(connectionOf(props), "listener").delete(listenerPath(id));
  },
};
