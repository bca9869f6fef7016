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

export class TableRateLimiter implements RateLimiter {
  private readonly table: TableClient;
  private readonly ensureTable: () => Promise<void>;

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
      for (let attempt = 0; Date.now() - started < MAX_CONTENTION_MS; attempt++) {
        const outcome = await this.tryOnce(partitionKey, handle, input);
        if (outcome !== "conflict") return outcome;
        await sleep(backoffMs(attempt));
      }
    } catch (error) {
      throw new StorageUnavailableError("rate limit", error);
    }
    throw new StorageUnavailableError("rate limit", new Error("ETag contention did not settle in time"));
  }

  private async tryOnce(
    partitionKey: string,
    handle: string,
    input: { limit: number; windowMs: number; now: Date },
  ): Promise<{ allowed: boolean; count: number } | "conflict"> {
    const now = input.now.getTime();
    const current = await this.read(partitionKey);
    const live =
      current === undefined ? [] : decodeEntries(current.entity).filter((e) => e.at > now - input.windowMs);
    // Entra retried a sign-up we already counted: same answer, no second slot.
    if (live.some((e) => e.handle === handle)) return { allowed: true, count: live.length };
    if (live.length >= input.limit) return { allowed: false, count: live.length };
    const entity = { partitionKey, rowKey: ROW_KEY, ...encodeEntries([...live, { handle, at: now }]) };
    try {
      if (current === undefined) await this.table.createEntity(entity, this.clients.callOptions());
      else
        await this.table.updateEntity(entity, "Replace", {
          etag: current.etag,
          ...this.clients.callOptions(),
        });
      return { allowed: true, count: live.length + 1 };
    } catch (error) {
      const status = statusOf(error);
      if (status === 409 || status === 412) return "conflict";
      throw error;
    }
  }

  private async read(
    partitionKey: string,
  ): Promise<{ entity: Record<string, unknown>; etag: string } | undefined> {
    try {
      const entity = await this.table.getEntity(partitionKey, ROW_KEY, this.clients.callOptions());
      return { entity, etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }
}
