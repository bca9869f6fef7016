/**
 * Rolling-window sign-up limit per email domain on Azure Tables, exact under any burst across hosts.
 *
 * Design: no hot row. The domain's partition holds `limit` numbered SLOTS (`s:000000` … `s:<limit-1>`)
 * and one HANDLE row per counted person (`h:<hash of the email>`). Admitting a sign-up claims one free
 * slot and writes the person's handle row in ONE entity-group transaction (atomic within a partition):
 * - a slot never written is claimed with an insert: a second claimer gets 409 (the key exists);
 * - a slot whose sign-up left the window is claimed with a replace conditional on the ETag read: a
 *   second claimer gets 412;
 * - the handle row makes a retry idempotent: two concurrent attempts of one person cannot both commit,
 *   and a later retry reads its live handle row and is answered "allowed" without a second slot.
 * Because the slot keys are bounded (0 … limit-1), no interleaving of any number of hosts can admit more
 * than `limit` live sign-ups; a conflict only means someone else took that slot, so the loser re-reads and
 * tries another free slot (or finds the domain full). Contention is therefore never reported as storage
 * unavailability: only real failures (network, timeouts, 5xx, auth) reach the policy's
 * `rateLimit.onStoreError` choice, with their real cause in the message.
 *
 * Window: a slot counts while `at > now - windowMs` (rolling, as before). Refused attempts write nothing.
 * Round trips per decision: a blocked sign-up or a retry of a counted one costs one query (the slots and
 * the person's handle row, one page while `limit` < 1000); an admitted one costs that query plus one
 * transaction. Housekeeping (`storage/housekeeping.ts`) deletes slot and handle rows past the window.
 * Table transactions: https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions
 */
import { odata, type TableClient, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { RateLimiter } from "../engine/types";
import { once, type StorageClients } from "./clients";
import { StorageUnavailableError, statusOf } from "./errors";
import { emailHandle, keySafe, sleep } from "./keys";

export const SLOT_PREFIX = "s:";
export const HANDLE_PREFIX = "h:";
/** Extra rounds beyond `limit`: each lost round means another sign-up took a slot, so `limit` bounds them. */
const EXTRA_ROUNDS = 32;

/** The row key of slot `index`; zero-padded so the slots sort together and form one key range. */
export function slotKey(index: number): string {
  return `${SLOT_PREFIX}${index.toString().padStart(6, "0")}`;
}

export function handleKey(handle: string): string {
  return `${HANDLE_PREFIX}${handle}`;
}

/** A slot row (`s:…`) or a handle row (`h:…`): who was counted and when (epoch ms). */
export interface CountedRow {
  readonly handle?: string;
  readonly at?: number;
  readonly slot?: number;
}

type Row = TableEntityResult<CountedRow>;

interface Snapshot {
  /** Slot index → its row, for every slot row that exists (live or expired). */
  readonly slots: Map<number, Row>;
  /** This person's handle row, if any. */
  readonly mine: Row | undefined;
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
    const now = input.now.getTime();
    const live = (row: Row | undefined) => typeof row?.at === "number" && row.at > now - input.windowMs;
    const rounds = input.limit + EXTRA_ROUNDS;
    for (let round = 0; round < rounds; round++) {
      let snapshot: Snapshot;
      try {
        await this.ensureTable();
        snapshot = await this.read(partitionKey, handle);
      } catch (error) {
        throw new StorageUnavailableError("rate limit read", error);
      }
      const counted = [...snapshot.slots.values()].filter(live).length;
      // Entra retried a sign-up we already counted: same answer, no second slot.
      if (live(snapshot.mine)) return { allowed: true, count: counted };
      if (counted >= input.limit) return { allowed: false, count: counted };
      // Fewer than `limit` live rows, so at least one slot in 0 … limit-1 is free.
      const free: number[] = [];
      for (let i = 0; i < input.limit; i++) if (!live(snapshot.slots.get(i))) free.push(i);
      const slot = free[Math.floor(Math.random() * free.length)]!;
      try {
        await this.claim(partitionKey, handle, slot, now, snapshot);
        return { allowed: true, count: counted + 1 };
      } catch (error) {
        if (!isClaimConflict(error)) throw new StorageUnavailableError("rate limit claim", error);
        // Someone else took that slot (or wrote this person's handle row) first: re-read and go again.
        // A short jitter keeps the losers of one round from colliding again on the next.
        await sleep(Math.random() * 5);
      }
    }
    // Unreachable while only sign-ups write the partition (each lost round is another's admitted slot).
    throw new StorageUnavailableError(
      "rate limit claim",
      new Error(
        `slots kept changing for ${rounds} rounds; is another writer rewriting the rate-limit table?`,
      ),
    );
  }

  /** One query: every slot row of the domain and this person's handle row. */
  private async read(partitionKey: string, handle: string): Promise<Snapshot> {
    const filter = odata`PartitionKey eq ${partitionKey} and (RowKey eq ${handleKey(handle)} or (RowKey ge ${SLOT_PREFIX} and RowKey lt ${slotRangeEnd()}))`;
    const slots = new Map<number, Row>();
    let mine: Row | undefined;
    const rows = this.table.listEntities<CountedRow>({
      queryOptions: { filter },
      ...this.clients.callOptions(),
    });
    for await (const row of rows) {
      const key = row.rowKey ?? "";
      if (key.startsWith(HANDLE_PREFIX)) mine = row;
      else slots.set(Number(key.slice(SLOT_PREFIX.length)), row);
    }
    return { slots, mine };
  }

  /** The atomic claim: the slot and the person's handle row, both conditional on what was read. */
  private async claim(partitionKey: string, handle: string, slot: number, at: number, seen: Snapshot) {
    const slotRow = { partitionKey, rowKey: slotKey(slot), handle, at };
    const handleRow = { partitionKey, rowKey: handleKey(handle), slot, at };
    const previous = seen.slots.get(slot);
    const actions: TransactionAction[] = [
      previous === undefined ? ["create", slotRow] : ["update", slotRow, "Replace", { etag: previous.etag }],
      seen.mine === undefined
        ? ["create", handleRow]
        : ["update", handleRow, "Replace", { etag: seen.mine.etag }],
    ];
    await this.table.submitTransaction(actions, this.clients.callOptions());
  }
}

/** The first key after every slot key (`;` sorts right after `:`). */
function slotRangeEnd(): string {
  return `${SLOT_PREFIX.slice(0, -1)};`;
}

/**
 * A claim lost to another writer: the key now exists (409), the row changed since it was read (412), or
 * housekeeping deleted the expired row meanwhile (404). Everything else is a storage failure.
 */
function isClaimConflict(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 404) return (error as { code?: unknown }).code !== "TableNotFound";
  return status === 409 || status === 412;
}
