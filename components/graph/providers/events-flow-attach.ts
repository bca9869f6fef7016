/**
 * Attaching a Start/Submit custom authentication extension to a flow. No v1.0 reference page documents
 * this step, so it is a strategy with three variants, each verified by reading the flow (or listener)
 * back (docs/graph-contract.md §8.5):
 * - `betaRef`: beta `PUT …/{slot}/microsoft.graph.{slot}CustomExtensionHandler/customExtension/$ref`
 *   (the only end-to-end Graph instruction Microsoft publishes: the Learn training module "Validate
 *   attributes collected during sign-up"); unwired with `DELETE` of the same `$ref`;
 * - `betaListener`: a beta `on{Slot}Listener` with the handler and the flow's applications
 *   (https://learn.microsoft.com/graph/api/identitycontainer-post-authenticationeventlisteners?view=graph-rest-beta);
 *   unwired by deleting the listener;
 * - `v1Patch`: v1.0 `PATCH` of the flow with the `{slot}` handler
 *   (https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow);
 *   unwired with `null`.
 * The configured variant is tried first; a tenant that answers it with 400/404/405 ("no such segment /
 * property") gets the others in turn, and the one that worked is kept in state for the unwiring.
 */
import type { GraphApi } from "../client";
import { graphStatus } from "../errors";
import { errorText } from "./error-text";
import { flowPath, flowType, slotRefPath, type GraphEventsFlow } from "./events-flow-graph";
import { attachVariants, type AttachVariant, type Slot, type SlotWiring } from "./events-flow-inputs";
import { sameCi } from "./common";

export const listenersPath = "/identity/authenticationEventListeners";
const handlerType = (slot: Slot) => `#microsoft.graph.${slot}CustomExtensionHandler`;
const listenerType = (slot: Slot) => `#microsoft.graph.${slot}Listener`;

interface GraphListener {
  id: string;
  "@odata.type"?: string;
  handler?: { customExtension?: { id?: string } | null } | null;
  conditions?: { applications?: { includeApplications?: { appId: string }[] } };
}

/** What the tenant answers when it does not offer a variant (rather than a transient or permission error). */
const notOffered = (e: unknown): boolean => [400, 404, 405, 501].includes(graphStatus(e) ?? 0);

/** The extension the flow's slot holds according to Graph (`null` when unwired). */
export async function readSlot(
  api: GraphApi,
  flowId: string,
  slot: Slot,
  known: SlotWiring | undefined,
): Promise<SlotWiring | null> {
  if (known?.via === "betaListener" && known.listenerId) {
    const l = await api.find<GraphListener>(`${listenersPath}/${encodeURIComponent(known.listenerId)}`, {
      version: "beta",
    });
    const id = l?.handler?.customExtension?.id;
    return l && id ? { extensionId: id, via: "betaListener", listenerId: l.id } : null;
  }
  const f = await api.get<GraphEventsFlow>(flowPath(flowId), { afterCreate: true });
  const id = f[slot]?.customExtension?.id;
  return id ? { extensionId: id, via: known?.via ?? "betaRef" } : null;
}

async function attachWith(
  api: GraphApi,
  flowId: string,
  slot: Slot,
  extensionId: string,
  via: AttachVariant,
  apps: readonly string[],
): Promise<SlotWiring> {
  switch (via) {
    case "betaRef":
      await api.put(
        slotRefPath(flowId, slot),
        {
          "@odata.id": api.odataId(
            `/identity/customAuthenticationExtensions/${encodeURIComponent(extensionId)}`,
            "beta",
          ),
        },
        { version: "beta", afterCreate: true },
      );
      return { extensionId, via };
    case "v1Patch":
      await api.patch(
        flowPath(flowId),
        {
          "@odata.type": flowType,
          [slot]: { "@odata.type": handlerType(slot), customExtension: { id: extensionId } },
        },
        { afterCreate: true },
      );
      return { extensionId, via };
    case "betaListener": {
      const l = await api.post<GraphListener>(
        listenersPath,
        {
          "@odata.type": listenerType(slot),
          conditions: {
            applications: {
              includeAllApplications: false,
              includeApplications: apps.map((appId) => ({ appId })),
            },
          },
          priority: 500,
          handler: { "@odata.type": handlerType(slot), customExtension: { id: extensionId } },
        },
        { version: "beta", afterCreate: true },
      );
      return { extensionId, via, listenerId: l.id };
    }
  }
}

/** Removes the wiring; verified by read-back. A slot already empty is done. */
export async function detach(api: GraphApi, flowId: string, slot: Slot, w: SlotWiring): Promise<void> {
  if (w.via === "betaListener") {
    if (w.listenerId)
      await api.delete(`${listenersPath}/${encodeURIComponent(w.listenerId)}`, { version: "beta" });
    return;
  }
  const unwire = async (via: AttachVariant) =>
    via === "betaRef"
      ? api.delete(slotRefPath(flowId, slot), { version: "beta" })
      : api.patch(flowPath(flowId), { "@odata.type": flowType, [slot]: null });
  try {
    await unwire(w.via);
  } catch (e) {
    if (!notOffered(e)) throw e;
    await unwire(w.via === "betaRef" ? "v1Patch" : "betaRef");
  }
  const left = await readSlot(api, flowId, slot, { ...w, via: "betaRef" });
  if (left)
    throw new Error(
      `${slot} of flow ${flowId} still holds custom extension ${left.extensionId} after unwiring it (${w.via}); ` +
        "unwire it in the portal (User flow → Custom authentication extensions) and run the command again",
    );
}

/**
 * Wires `extensionId` to the slot with `preferred`, falling back to the other variants when the tenant
 * does not offer it; the result is confirmed by read-back, or every variant's answer is reported.
 */
export async function attach(
  api: GraphApi,
  flowId: string,
  slot: Slot,
  extensionId: string,
  preferred: AttachVariant,
  apps: readonly string[],
): Promise<SlotWiring> {
  const order = [preferred, ...attachVariants.filter((v) => v !== preferred)];
  const refused: string[] = [];
  for (const via of order) {
    let wired: SlotWiring;
    try {
      wired = await attachWith(api, flowId, slot, extensionId, via, apps);
    } catch (e) {
      if (!notOffered(e)) throw e;
      refused.push(`${via}: ${errorText(e)}`);
      continue;
    }
    const seen = await readSlot(api, flowId, slot, wired);
    if (seen && sameCi(seen.extensionId, extensionId)) return wired;
    // Accepted but not applied: undo what may exist (a listener) and try the next variant.
    if (wired.via === "betaListener") await detach(api, flowId, slot, wired);
    refused.push(`${via}: accepted, but reading the flow back does not show extension ${extensionId}`);
  }
  throw new Error(
    `could not attach custom extension ${extensionId} to ${slot} of flow ${flowId} with any variant ` +
      `(${refused.join("; ")}). Fix: set attachVariant to the variant your tenant serves, or attach it in the ` +
      "portal (User flow → Custom authentication extensions) and set adoptExisting",
  );
}

/** The flow's applications on a `betaListener` wiring (the listener carries its own app list). */
export async function syncListenerApps(
  api: GraphApi,
  slot: Slot,
  w: SlotWiring,
  apps: readonly string[],
): Promise<void> {
  if (w.via !== "betaListener" || !w.listenerId) return;
  const path = `${listenersPath}/${encodeURIComponent(w.listenerId)}`;
  const l = await api.get<GraphListener>(path, { version: "beta" });
  const current = (l.conditions?.applications?.includeApplications ?? []).map((a) => a.appId);
  const same = current.length === apps.length && apps.every((a) => current.some((c) => sameCi(a, c)));
  if (!same)
    await api.patch(
      path,
      {
        "@odata.type": listenerType(slot),
        conditions: {
          applications: {
            includeAllApplications: false,
            includeApplications: apps.map((appId) => ({ appId })),
          },
        },
      },
      { version: "beta" },
    );
}
