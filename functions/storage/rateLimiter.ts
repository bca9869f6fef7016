/**
 * Rolling-window sign-up limit per email domain on Azure Tables.
 *
 * Design: ONE entity per domain holds the (email handle, time) pairs counted inside the window. Every
 * decision is a read-modify-write of that entity guarded by its ETag, so two concurrent sign-ups can
 * never both take the last slot (the loser gets 412/409, re-reads and sees the new count). Keeping the
 * handles in the same entity makes a retry of the same sign-up idempotent in the same atomic step, and
 * makes the window truly rolling: entries older than the window are pruned on every write.
 * A request that is over the limit does not write at all, so a flood of blocked attempts costs one read.
 * Size: ~24 characters per counted sign-up, chunked over 30,000-character properties; a domain limit in
 * the tens of thousands per window still fits the 1 MiB entity limit.
 */
import type { TableClient } from "@azure/data-tables";
import type { RateLimiter } from "../engine/types";
import { once, type StorageClients } from "./clients";
import { StorageUnavailableError, statusOf } from "./errors";
import { backoffMs, emailHandle, keySafe, sleep } from "./keys";

const ROW_KEY = "window";
const CHUNK_CHARS = 30_000;
/** Contention budget: 100 parallel sign-ups on one domain settle well inside this. */
const MAX_CONTENTION_MS = 8_000;

interface Entry {
  readonly handle: string;
  readonly at: number;
}

export function encodeEntries(entries: readonly Entry[]): Record<string, string> {
  const text = entries.map((e) => `${e.handle}.${Math.floor(e.at / 1000).toString(36)}`).join(",");
  const chunks: Record<string, string> = {};
  for (let i = 0, n = 0; i < text.length; i += CHUNK_CHARS, n++)
    chunks[`e${n}`] = text.slice(i, i + CHUNK_CHARS);
  return chunks;
}

export function decodeEntries(entity: Record<string, unknown>): Entry[] {
  let text = "";
  for (let n = 0; typeof entity[`e${n}`] === "string"; n++) text += entity[`e${n}`] as string;
  if (text === "") return [];
  return text.split(",").map((item) => {
    const [handle = "", seconds = "0"] = item.split(".");
    return { handle, at: parseInt(seconds, 36) * 1000 };
  });
}

/** Domains whose last-seen entity this instance remembers (~24 characters per counted sign-up each). */
const KNOWN_DOMAINS = 1000;

interface Known {
  readonly entries: readonly Entry[];
  readonly etag: string;
}

type Attempt = { allowed: boolean; count: number } | "conflict" | "stale";

export class TableRateLimiter implements RateLimiter {
  private readonly table: TableClient;
  private readonly ensureTable: () => Promise<void>;
  /**
   * The entity version this instance last read or wrote, per domain. It only ever feeds a CONDITIONAL
   * write: if anyone else changed the entity since, the ETag no longer matches (412) and we re-read. So
   * the usual accepted sign-up costs one call instead of two, and nothing is decided on a stale copy.
   */
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly clients: StorageClients,
    tableName: string,
  ) {
    this.table = clients.table(tableName);
    this.ensureTable = once(() => this.table.createTable(clients.callOptions()));
  }

  /** Creates the table ahead of the first request (start-up); a failure is retried on first use. */
  prepare(): Promise<void> {
    return this.ensureTable();
  }

  async consume(input: { domain: string; email: string; limit: number; windowMs: number; now: Date }) {
    const partitionKey = keySafe(input.domain);
    const handle = emailHandle(input.email);
    const started = Date.now();
    try {
      await this.ensureTable();
      let useKnown = true;
      for (let attempt = 0; Date.now() - started < MAX_CONTENTION_MS; attempt++) {
        const known = useKnown ? (this.known.get(partitionKey) ?? "unknown") : undefined;
        const outcome = await this.tryOnce(partitionKey, handle, input, known);
        if (outcome !== "conflict" && outcome !== "stale") return outcome;
        // A remembered version that turned out old, or an existing entity, is no contention: read at once.
        if (known === undefined) await sleep(backoffMs(attempt));
        useKnown = false;
      }
    } catch (error) {
      throw new StorageUnavailableError("rate limit", error);
    }
    throw new StorageUnavailableError("rate limit", new Error("ETag contention did not settle in time"));
  }

  /**
   * One read-modify-write. With `known`, no read, and only a write may come of it. On the first attempt
   * for a domain this instance knows nothing about, the insert comes first: most domains have no live
   * entity (housekeeping removes expired ones), and if one exists the insert fails (409) and we read.
   */
  private async tryOnce(
    partitionKey: string,
    handle: string,
    input: { limit: number; windowMs: number; now: Date },
    known: Known | undefined | "unknown",
  ): Promise<Attempt> {
    const now = input.now.getTime();
    if (known === "unknown") return this.insertFirst(partitionKey, handle, now);
    const current = known ?? (await this.read(partitionKey));
    const live = current === undefined ? [] : current.entries.filter((e) => e.at > now - input.windowMs);
    const counted = live.some((e) => e.handle === handle);
    // Answers that write nothing come from a fresh read only, never from the remembered copy.
    if (known !== undefined && (counted || live.length >= input.limit)) return "stale";
    // Entra retried a sign-up we already counted: same answer, no second slot.
    if (counted) return { allowed: true, count: live.length };
    if (live.length >= input.limit) return { allowed: false, count: live.length };
    const entries = [...live, { handle, at: now }];
    const entity = { partitionKey, rowKey: ROW_KEY, ...encodeEntries(entries) };
    try {
      const written =
        current === undefined
          ? await this.table.createEntity(entity, this.clients.callOptions())
          : await this.table.updateEntity(entity, "Replace", {
              etag: current.etag,
              ...this.clients.callOptions(),
            });
      this.remember(partitionKey, written.etag === undefined ? undefined : { entries, etag: written.etag });
      return { allowed: true, count: entries.length };
    } catch (error) {
      const status = statusOf(error);
      // 404: the entity went (housekeeping removed an expired window) since we read it: also a re-read.
      if (status !== 409 && status !== 412 && status !== 404) throw error;
      this.remember(partitionKey, undefined);
      return "conflict";
    }
  }

  private async insertFirst(partitionKey: string, handle: string, now: number): Promise<Attempt> {
    const entries = [{ handle, at: now }];
    try {
      const written = await this.table.createEntity(
        { partitionKey, rowKey: ROW_KEY, ...encodeEntries(entries) },
        this.clients.callOptions(),
      );
      this.remember(partitionKey, written.etag === undefined ? undefined : { entries, etag: written.etag });
      return { allowed: true, count: 1 };
    } catch (error) {
      if (statusOf(error) === 409) return "stale";
      throw error;
    }
  }

  private async read(partitionKey: string): Promise<Known | undefined> {
    try {
      const entity = await this.table.getEntity(partitionKey, ROW_KEY, this.clients.callOptions());
      const known = { entries: decodeEntries(entity), etag: entity.etag };
      this.remember(partitionKey, known);
      return known;
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      this.remember(partitionKey, undefined);
      return undefined;
    }
  }

  /** Most recently used last; the oldest domain is forgotten past KNOWN_DOMAINS. */
  private remember(partitionKey: string, known: Known | undefined): void {
    this.known.delete(partitionKey);
    if (known === undefined) return;
    this.known.set(partitionKey, known);
    if (this.known.size > KNOWN_DOMAINS) this.known.delete(this.known.keys().next().value!);
  }
}
