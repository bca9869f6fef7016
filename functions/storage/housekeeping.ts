/**
 * Deletes storage rows that no longer decide anything, so the tables do not grow without bound:
 * - event markers older than the engine's dedup window (an older marker no longer dedups: `claim`
 *   takes it over, so deleting it changes no outcome);
 * - rate-limit slot and handle rows outside the window (the limiter ignores them already).
 * Every delete is conditional on the ETag read here: a sign-up that touched the row meanwhile
 * wins (412), and the next run tries again. Approval requests are records of an admin's decision and
 * have no expiry, so they are left alone.
 */
import { odata, type TableClient } from "@azure/data-tables";
import { EVENT_DEDUP_WINDOW_MS } from "../engine/events";
import { statusOf } from "./errors";
import { HANDLE_PREFIX, SLOT_PREFIX, type CountedRow } from "./rateLimiter";

export interface HousekeepingReport {
  readonly markersDeleted: number;
  /** Slot and handle rows of sign-ups past the rate-limit window. */
  readonly rateLimitRowsDeleted: number;
  /** Rows a concurrent sign-up changed first; left for the next run. */
  readonly skipped: number;
}

type Outcome = "done" | "skipped";

/** Runs a conditional write; a row changed (412) or already gone (404) meanwhile is not an error. */
async function conditional(write: () => Promise<unknown>): Promise<Outcome> {
  try {
    await write();
    return "done";
  } catch (error) {
    const status = statusOf(error);
    if (status === 412 || status === 404) return "skipped";
    throw error;
  }
}

export async function pruneEventMarkers(
  markers: TableClient,
  now: Date,
  windowMs = EVENT_DEDUP_WINDOW_MS,
): Promise<{ deleted: number; skipped: number }> {
  const cutoff = now.getTime() - windowMs;
  // Timestamp (last write) narrows the scan on the server; claimedAt is what the sink itself compares.
  const filter = odata`PartitionKey eq ${"event"} and Timestamp lt ${new Date(cutoff)}`;
  let deleted = 0;
  let skipped = 0;
  for await (const marker of markers.listEntities<{ claimedAt?: number }>({ queryOptions: { filter } })) {
    if (typeof marker.claimedAt === "number" && marker.claimedAt >= cutoff) continue;
    const outcome = await conditional(() =>
      markers.deleteEntity(marker.partitionKey!, marker.rowKey!, { etag: marker.etag }),
    );
    if (outcome === "done") deleted++;
    else skipped++;
  }
  return { deleted, skipped };
}

/**
 * Deletes the limiter's slot and handle rows whose sign-up left the window (`at <= now - windowMs`), and
 * any row of the earlier one-row-per-domain layout (no longer read by anyone). `windowMs` undefined: the
 * policy has no rate limit, so no row is read by anyone and all go. Each delete is conditional on the
 * ETag read here, so a slot a sign-up re-claimed meanwhile stays (412, counted as skipped).
 */
export async function pruneRateLimits(
  table: TableClient,
  now: Date,
  windowMs: number | undefined,
): Promise<{ deleted: number; skipped: number }> {
  const cutoff = windowMs === undefined ? Infinity : now.getTime() - windowMs;
  let [deleted, skipped] = [0, 0];
  for await (const row of table.listEntities<CountedRow>()) {
    const { partitionKey = "", rowKey = "", etag, at } = row;
    const ours = rowKey.startsWith(SLOT_PREFIX) || rowKey.startsWith(HANDLE_PREFIX);
    if (ours && typeof at === "number" && at > cutoff) continue;
    const outcome = await conditional(() => table.deleteEntity(partitionKey, rowKey, { etag }));
    if (outcome === "done") deleted++;
    else skipped++;
  }
  return { deleted, skipped };
}

export async function housekeeping(
  tables: { markers: TableClient; rateLimits: TableClient },
  now: Date,
  rateLimitWindowMs: number | undefined,
): Promise<HousekeepingReport> {
  const [markers, limits] = await Promise.all([
    pruneEventMarkers(tables.markers, now),
    pruneRateLimits(tables.rateLimits, now, rateLimitWindowMs),
  ]);
  return {
    markersDeleted: markers.deleted,
    rateLimitRowsDeleted: limits.deleted,
    skipped: markers.skipped + limits.skipped,
  };
}
