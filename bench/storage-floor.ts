/**
 * The full path's floor: the Table/Queue calls the connector makes for the same stream of people (row (c)),
 * made directly with the same SDK clients (`createStorageClients`), with no HTTP host, no engine and no
 * authentication in front. Whatever (c) costs beyond this floor is the host's own; the floor itself is the
 * SDK and Azurite on this machine. Per decision, by the shape `benchSignup` gives it:
 * - accepted: one transaction (a slot and the person's handle row), the event marker insert, the message,
 *   the marker merge — the minimum of `STORAGE_CALLS_MINIMUM.accepted`;
 * - blocked: the marker insert, the message, the marker merge (`STORAGE_CALLS_MINIMUM.blocked`);
 * - pre-fill and validation errors: none.
 */
import { randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import type { QueueClient } from "@azure/storage-queue";
import { BENCH_MIX } from "../functions/engine/bench-fixtures";
import { loadStorageSettings } from "../functions/settings";
import { createStorageClients, type StorageClients } from "../functions/storage/clients";
import { STORAGE_CALLS_MINIMUM } from "../functions/storage/roundTrips";

/** The calls one decision of the mix makes, by its shape in `BENCH_MIX`. */
export type FloorDecision = (i: number) => Promise<void>;

/** What each shape of the mix costs in Table/Queue calls (checked against `STORAGE_CALLS_MINIMUM`). */
export const FLOOR_CALLS: Readonly<Record<(typeof BENCH_MIX)[number], number>> = {
  accepted: STORAGE_CALLS_MINIMUM.accepted,
  prefill: STORAGE_CALLS_MINIMUM.federationContinue,
  "blocked-gmail": STORAGE_CALLS_MINIMUM.blocked,
  "blocked-unknown": STORAGE_CALLS_MINIMUM.blocked,
  "short-justification": STORAGE_CALLS_MINIMUM.validationError,
  "company-mismatch": STORAGE_CALLS_MINIMUM.validationError,
};

/** Creates fresh tables and a queue on `connectionString` and returns the per-decision call sequence. */
export async function storageFloor(connectionString: string): Promise<FloorDecision> {
  const clients = createStorageClients(loadStorageSettings({ AzureWebJobsStorage: connectionString }));
  const suffix = randomUUID().replace(/-/g, "").slice(0, 8);
  const limits = clients.table(`FloorLimits${suffix}`);
  const markers = clients.table(`FloorMarkers${suffix}`);
  const queue = clients.queue(`floor-events-${suffix}`);
  await Promise.all([
    limits.createTable(clients.callOptions()),
    markers.createTable(clients.callOptions()),
    queue.createIfNotExists(clients.callOptions()),
  ]);
  return async (i) => {
    const shape = BENCH_MIX[i % BENCH_MIX.length]!;
    if (shape === "accepted") {
      const partitionKey = `partner${i % 500}.example`;
      await limits.submitTransaction(
        [
          ["create", { partitionKey, rowKey: `s:${String(i).padStart(9, "0")}`, handle: `h${i}`, at: i }],
          ["create", { partitionKey, rowKey: `h:h${i}`, slot: i, at: i }],
        ],
        clients.callOptions(),
      );
      await sendEvent(clients, markers, queue, i);
    } else if (FLOOR_CALLS[shape] > 0) await sendEvent(clients, markers, queue, i);
  };
}

/** Marker insert, message, marker merge: the event's three calls. */
async function sendEvent(
  clients: StorageClients,
  markers: TableClient,
  queue: QueueClient,
  i: number,
): Promise<void> {
  const entity = { partitionKey: "event", rowKey: `e${i}`, state: "pending", claimedAt: Date.now() };
  await markers.createEntity(entity, clients.callOptions());
  const body = Buffer.from(JSON.stringify({ id: `e${i}`, type: "signup.accepted" })).toString("base64");
  await queue.sendMessage(body, clients.callOptions());
  await markers.updateEntity({ ...entity, state: "sent" }, "Merge", clients.callOptions());
}
