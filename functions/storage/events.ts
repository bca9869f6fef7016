/**
 * Sign-up events on an Azure Storage queue, one message per accepted/blocked sign-up.
 *
 * Entra retries a call once after 20 s, so the same sign-up can reach us twice. Before sending, we
 * insert a marker keyed by the event id (the insert is the lock: 409 means another attempt got there
 * first). The marker moves from `pending` to `sent` after the send.
 *
 * Delivery window (at-least-once, documented):
 * - crash/timeout after the send but before the marker says `sent`: a retry arriving after
 *   STALE_PENDING_MS sends again (a duplicate). Consumers dedupe on the message's `id`.
 * - a send that fails deletes the marker, so the retry sends; if that delete also fails, the retry
 *   takes the stale marker over after STALE_PENDING_MS.
 * - a retry arriving while the first attempt is still sending (< STALE_PENDING_MS) is dropped: the first
 *   attempt owns the event.
 * - a marker older than the engine's EVENT_DEDUP_WINDOW_MS no longer dedups: the same person signing up
 *   again later is a new sign-up, not a retry.
 * Messages are base64-encoded JSON, the Functions queue trigger's default encoding.
 */
import type { QueueClient } from "@azure/storage-queue";
import type { TableClient } from "@azure/data-tables";
import { EVENT_DEDUP_WINDOW_MS } from "../engine/events";
import type { EventSink, SignupEvent } from "../engine/types";
import { once, type StorageClients } from "./clients";
import { StorageUnavailableError, statusOf } from "./errors";
import { emailHandle } from "./keys";

const PARTITION = "event";
export const STALE_PENDING_MS = 15_000;

interface Marker {
  state: "pending" | "sent";
  claimedAt: number;
}

export class QueueEventSink implements EventSink {
  private readonly markers: TableClient;
  private readonly queue: QueueClient;
  private readonly ensure: () => Promise<void>;

  constructor(
    private readonly clients: StorageClients,
    names: { markersTable: string; queue: string },
  ) {
    this.markers = clients.table(names.markersTable);
    this.queue = clients.queue(names.queue);
    this.ensure = once(() =>
      Promise.all([
        this.markers.createTable(clients.callOptions()),
        this.queue.createIfNotExists(clients.callOptions()),
      ]),
    );
  }

  /** Creates the table and queue ahead of the first event (start-up); a failure is retried on first use. */
  prepare(): Promise<void> {
    return this.ensure();
  }

  async emit(event: SignupEvent): Promise<void> {
    // Event ids come from the engine; hashing keeps any character out of the row key.
    const rowKey = emailHandle(event.id, 40);
    try {
      await this.ensure();
      if (!(await this.claim(rowKey))) return;
    } catch (error) {
      throw new StorageUnavailableError("event marker", error);
    }
    try {
      const body = Buffer.from(JSON.stringify(event), "utf8").toString("base64");
      await this.queue.sendMessage(body, this.clients.callOptions());
    } catch (error) {
      await this.markers.deleteEntity(PARTITION, rowKey, this.clients.callOptions()).catch(() => undefined);
      throw new StorageUnavailableError("event send", error);
    }
    const sent: Marker = { state: "sent", claimedAt: Date.now() };
    // Best effort: if this fails the marker stays pending and only a late retry could duplicate.
    await this.markers
      .updateEntity({ partitionKey: PARTITION, rowKey, ...sent }, "Merge", this.clients.callOptions())
      .catch(() => undefined);
  }

  /** True when this attempt owns the event and must send it. */
  private async claim(rowKey: string): Promise<boolean> {
    const marker: Marker = { state: "pending", claimedAt: Date.now() };
    try {
      await this.markers.createEntity(
        { partitionKey: PARTITION, rowKey, ...marker },
        this.clients.callOptions(),
      );
      return true;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const existing = await this.markers.getEntity<Marker>(PARTITION, rowKey, this.clients.callOptions());
    const age = Date.now() - existing.claimedAt;
    if (existing.state === "sent" ? age < EVENT_DEDUP_WINDOW_MS : age < STALE_PENDING_MS) return false;
    try {
      // Take over a stale or expired claim; the ETag makes sure only one concurrent attempt does.
      await this.markers.updateEntity({ partitionKey: PARTITION, rowKey, ...marker }, "Replace", {
        etag: existing.etag,
        ...this.clients.callOptions(),
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw error;
    }
  }
}
