/**
 * Deletes storage rows that no longer decide anything, so the tables do not grow without bound:
 * - event markers older than the engine's dedup window (an older marker no longer dedups: `claim`
 *   takes it over, so deleting it changes no outcome);
 * - rate-limit entries outside the window (the limiter ignores them already): an entity with none left
 *   is deleted, one with some left is rewritten without the expired ones.
 * Every delete/rewrite is conditional on the ETag read here: a sign-up that touched the row meanwhile
 * wins (412), and the next run tries again. Approval requests are records of an admin's decision and
 * have no expiry, so they are left alone.
 */
import { odata, type TableClient } from "@azure/data-tables";
import { EVENT_DEDUP_WINDOW_MS } from "../engine/events";
import { statusOf } from "./errors";
import { decodeEntries, encodeEntries } from "./rateLimiter";

export interface HousekeepingReport {
  readonly markersDeleted: number;
  readonly rateLimitRowsDeleted: number;
  readonly rateLimitRowsTrimmed: number;
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

/** `windowMs` undefined: the policy has no rate limit, so no row is read by anyone and all go. */
export async function pruneRateLimits(
  table: TableClient,
  now: Date,
  windowMs: number | undefined,
): Promise<{ deleted: number; trimmed: number; skipped: number }> {
  const cutoff = windowMs === undefined ? Infinity : now.getTime() - windowMs;
  let [deleted, trimmed, skipped] = [0, 0, 0];
  for await (const row of table.listEntities<Record<string, unknown>>()) {
    const entries = decodeEntries(row);
    const live = entries.filter((e) => e.at > cutoff);
    if (live.length === entries.length && entries.length > 0) continue;
    const { partitionKey = "", rowKey = "", etag } = row;
    const outcome =
      live.length === 0
        ? await conditional(() => table.deleteEntity(partitionKey, rowKey, { etag }))
        : await conditional(() =>
            table.updateEntity({ partitionKey, rowKey, ...encodeEntries(live) }, "Replace", { etag }),
          );
    if (outcome === "skipped") skipped++;
    else if (live.length === 0) deleted++;
    else trimmed++;
  }
  return { deleted, trimmed, skipped };
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
    rateLimitRowsTrimmed: limits.trimmed,
    skipped: markers.skipped + limits.skipped,
  };
}
