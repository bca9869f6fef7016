/**
 * `TokenIssuanceStartListener`: a v1.0 `onTokenIssuanceStartListener` that calls a token issuance start
 * custom authentication extension for the listed applications
 * (https://learn.microsoft.com/graph/api/identitycontainer-post-authenticationeventlisteners). The id is
 * server-generated and there is no name, so the natural key is (extension, set of appIds). A listener
 * that carries `authenticationEventsFlowId` belongs to an events flow: it is never adopted, changed or
 * deleted here.
 */
import type * as pulumi from "@pulumi/pulumi";
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
import { convergeRetrying } from "./idempotent";
import { sameAppSet } from "./listener";
import { v1Api, type V1Api } from "./api-application-graph";

export const eventListenersPath = "/identity/authenticationEventListeners";
export const tokenListenerType = "#microsoft.graph.onTokenIssuanceStartListener";
const handlerType = "#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler";
const listenerPath = (id: string) => `${eventListenersPath}/${encodeURIComponent(id)}`;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenIssuanceStartListenerInputs {
  readonly connection: GraphConnection;
  readonly customExtensionId: string;
  readonly includeApplications: readonly string[];
  readonly priority: number;
  readonly adoptExisting: boolean;
}

export interface TokenIssuanceStartListenerOutputs extends TokenIssuanceStartListenerInputs {
  readonly listenerId: string;
  readonly createdAt?: string;
}

export interface GraphEventListener {
  id: string;
  "@odata.type"?: string;
  priority?: number;
  authenticationEventsFlowId?: string | null;
  conditions?: { applications?: { includeApplications?: { appId: string }[] } };
  handler?: { customExtension?: { id?: string } };
}

export function normalizeTokenListenerInputs(raw: Record<string, unknown>): TokenIssuanceStartListenerInputs {
  return {
    connection: raw.connection as GraphConnection,
    customExtensionId: raw.customExtensionId as string,
    includeApplications: (raw.includeApplications ?? []) as string[],
    priority: (raw.priority ?? 500) as number,
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

export function validateTokenListenerInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "customExtensionId", problems);
  const apps = raw.includeApplications;
  if (!isUnknown(apps)) {
    if (!Array.isArray(apps) || apps.length === 0) {
      problems.push([
        "includeApplications",
        "includeApplications: at least one application (client) id whose tokens get the claims",
      ]);
    } else {
      apps.forEach((a, i) => {
        if (isUnknown(a)) return;
        if (typeof a !== "string" || !guid.test(a))
          problems.push([
            "includeApplications",
            `includeApplications[${i}]: ${JSON.stringify(a)} is not an application (client) id GUID`,
          ]);
        else if (apps.findIndex((b) => typeof b === "string" && sameCi(a, b)) !== i)
          problems.push(["includeApplications", `includeApplications[${i}]: ${a} is listed twice`]);
      });
    }
  }
  const p = raw.priority;
  if (
    p !== undefined &&
    !isUnknown(p) &&
    !(Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 2 ** 31 - 1)
  )
    problems.push([
      "priority",
      `priority: ${JSON.stringify(p)} must be a non-negative 32-bit integer (Graph's examples use 500)`,
    ]);
  return problems;
}

export function tokenListenerBody(i: TokenIssuanceStartListenerInputs): Record<string, unknown> {
  return {
    "@odata.type": tokenListenerType,
    priority: i.priority,
    conditions: { applications: { includeApplications: i.includeApplications.map((appId) => ({ appId })) } },
    handler: { "@odata.type": handlerType, customExtension: { id: i.customExtensionId } },
  };
}

const appsOf = (l: GraphEventListener) =>
  (l.conditions?.applications?.includeApplications ?? []).map((a) => a.appId);
const isTokenListener = (l: GraphEventListener) => sameCi(l["@odata.type"], tokenListenerType);

export function matchesTokenListener(
  l: GraphEventListener,
  extId: string,
  appIds: readonly string[],
): boolean {
  return (
    isTokenListener(l) &&
    !l.authenticationEventsFlowId &&
    sameCi(l.handler?.customExtension?.id, extId) &&
    sameAppSet(appsOf(l), appIds)
  );
}

async function findListeners(
  api: V1Api,
  i: Pick<TokenIssuanceStartListenerInputs, "customExtensionId" | "includeApplications">,
) {
  const all = await api.list<GraphEventListener>(eventListenersPath);
  return all.filter((l) => matchesTokenListener(l, i.customExtensionId, i.includeApplications));
}

const ledgerOf = (
  i: Pick<TokenIssuanceStartListenerInputs, "connection" | "customExtensionId" | "includeApplications">,
) => ({
  connection: i.connection,
  kind: "onTokenIssuanceStartListener",
  key: `${i.customExtensionId}|${[...i.includeApplications]
    .map((a) => a.toLowerCase())
    .sort()
    .join(",")}`,
});

async function createListener(i: TokenIssuanceStartListenerInputs): Promise<GraphEventListener> {
  const api = v1Api(i.connection);
  const { object, adopted, extras } = await createSafely({
    adoptExisting: i.adoptExisting,
    describe: `an onTokenIssuanceStart listener for extension ${i.customExtensionId} and apps ${i.includeApplications.join(", ")}`,
    ledger: ledgerOf(i),
    unique: false,
    findAll: () => findListeners(api, i),
    // afterCreate: the extension may have been created moments ago.
    create: () =>
      api.post<GraphEventListener>(eventListenersPath, tokenListenerBody(i), {
        create: true,
        afterCreate: true,
      }),
  });
  for (const extra of extras) await api.delete(listenerPath(extra.id));
  if (adopted && object.priority !== i.priority)
    await convergeRetrying(() =>
      api.patch(listenerPath(object.id), tokenListenerBody(i), { afterCreate: true }),
    );
  return object;
}

const outputsFor = (
  i: TokenIssuanceStartListenerInputs,
  id: string,
  createdAt?: string,
): TokenIssuanceStartListenerOutputs => ({
  ...i,
  listenerId: id,
  ...(createdAt === undefined ? {} : { createdAt }),
});

export const tokenIssuanceStartListenerProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizeTokenListenerInputs(news), validateTokenListenerInputs(news));
  },

  async diff(_id, olds: TokenIssuanceStartListenerOutputs, news: TokenIssuanceStartListenerInputs) {
    clearLedger(ledgerOf(olds));
    const fields = changedFields({ ...olds }, { ...news }, [
      "customExtensionId",
      "priority",
      "connection",
      "adoptExisting",
    ]);
    if (
      isUnknown(news.includeApplications) ||
      !sameAppSet(olds.includeApplications, news.includeApplications)
    )
      fields.push("includeApplications");
    return { changes: fields.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs: TokenIssuanceStartListenerInputs) {
    const l = await createListener(inputs);
    return { id: l.id, outs: outputsFor(inputs, l.id, createdNow()) };
  },

  async read(id, props: TokenIssuanceStartListenerOutputs) {
    clearLedger(ledgerOf(props));
    const api = v1Api(connectionOf(props));
    const byId = await api.find<GraphEventListener>(listenerPath(id), {
      afterCreate: recentlyCreated(props),
    });
    const l = byId ?? (await findListeners(api, props))[0];
    if (!l) return {};
    const apps = appsOf(l);
    const outs: TokenIssuanceStartListenerOutputs = {
      ...props,
      listenerId: l.id,
      customExtensionId: l.handler?.customExtension?.id ?? "",
      // Graph's order of the apps is not guaranteed: keep the known order when the set is the same.
      includeApplications: sameAppSet(apps, props.includeApplications) ? props.includeApplications : apps,
      priority: l.priority ?? props.priority,
    };
    const { listenerId: _l, createdAt: _c, ...inputs } = outs;
    return { id: l.id, props: outs, inputs };
  },

  async update(id, olds: TokenIssuanceStartListenerOutputs, news: TokenIssuanceStartListenerInputs) {
    clearLedger(ledgerOf(olds));
    const api = v1Api(news.connection);
    try {
      const fresh = { afterCreate: recentlyCreated(olds) };
      await convergeRetrying(() => api.patch(listenerPath(id), tokenListenerBody(news), fresh));
      return { outs: outputsFor(news, id, olds.createdAt) };
    } catch (e) {
      if (graphStatus(e) !== 404) throw e;
    }
    // Deleted out of band since the last refresh: recreate (or adopt a matching one).
    const l = await createListener({ ...news, adoptExisting: true });
    return { outs: outputsFor(news, l.id, createdNow()) };
  },

  async delete(id, props: TokenIssuanceStartListenerOutputs) {
    const api = v1Api(connectionOf(props));
    const l = await api.find<GraphEventListener>(listenerPath(id));
    // A listener that now belongs to an events flow is the flow's to manage: leave it in place.
    if (l && !l.authenticationEventsFlowId) await api.delete(listenerPath(id));
    clearLedger(ledgerOf(props));
  },
};
