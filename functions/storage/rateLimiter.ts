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
 * Round trips: the first attempt claims, WITHOUT a read, a slot this instance believes free (any slot for
 * a domain it has not seen), so an admitted sign-up usually costs one transaction. If that claim loses
 * (the slot is taken, the person already has a handle row), one query reads the slots and the person's
 * handle row (one page while `limit` < 1000) and decides: a retry of a counted sign-up is allowed without
 * a write, a full domain is refused without a write (answered only from a fresh read, never from the
 * belief), otherwise a free slot is claimed. Concurrent requests of one instance never aim at a slot
 * another of them is claiming, so a burst from one domain costs one transaction per sign-up (bench:connector
 * counts 16 at once). See `storage/roundTrips.ts` for the counts per outcome.
 * Housekeeping (`storage/housekeeping.ts`) deletes slot and handle rows past the window.
 * Table transactions: https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions
 */
import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
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

/** What a claim needs to know about an existing row: when it was counted, and its version if known. */
interface SlotView {
  readonly at: number;
  /** Unknown after a claim whose answer did not carry it: such a slot is re-read before it is reused. */
  readonly etag: string | undefined;
}

interface Snapshot {
  /** Slot index → its row, for every slot row that exists (live or expired). */
  readonly slots: Map<number, SlotView>;
  /** This person's handle row, if any. */
  readonly mine: SlotView | undefined;
}

/** Never matches a real ETag: a replace conditioned on it fails (412) and the caller re-reads. */
const UNKNOWN_ETAG = 'W/"unknown"';

/** Domains whose slots this instance remembers (~40 bytes per slot each). */
const KNOWN_DOMAINS = 1000;

export class TableRateLimiter implements RateLimiter {
  private readonly table: TableClient;
  private readonly ensureTable: () => Promise<void>;
  /**
   * Per domain, the slots this instance last read or wrote. It only ever feeds a CONDITIONAL claim (a
   * slot it believes free); if the belief is stale the claim fails and a fresh read decides.
   */
  private readonly known = new Map<string, Map<number, SlotView>>();
  /**
   * Per domain, the slots this instance's own requests are claiming right now. A burst from one domain
   * (a company's onboarding day) would otherwise send every concurrent request for the same believed-free
   * slots, and each loser would pay a read and another claim; excluding them keeps a burst at one
   * transaction per sign-up. Only a preference: a claim is still conditional, so exactness never rests on it.
   */
  private readonly claiming = new Map<string, Set<number>>();

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
    const live = (row: SlotView | undefined) => row !== undefined && row.at > now - input.windowMs;
    try {
      await this.ensureTable();
    } catch (error) {
      throw new StorageUnavailableError("rate limit table", error);
    }
    // Optimistic first round, without a read: claim a slot this instance believes free, creating the
    // person's handle row. Safe on any stale belief: the claim is conditional (a taken slot or an existing
    // handle row fails it), and refusals are only ever answered from a fresh read below.
    const believed = this.known.get(partitionKey) ?? new Map<number, SlotView>();
    const guess = pickFree(believed, input.limit, live, this.claiming.get(partitionKey));
    if (guess !== undefined) {
      const counted = countLive(believed, live);
      const claimed = await this.tryClaim(partitionKey, handle, guess, now, believed, undefined);
      if (claimed) return { allowed: true, count: counted + 1 };
    }
    const rounds = input.limit + EXTRA_ROUNDS;
    for (let round = 0; round < rounds; round++) {
      let snapshot: Snapshot;
      try {
        snapshot = await this.read(partitionKey, handle);
      } catch (error) {
        throw new StorageUnavailableError("rate limit read", error);
      }
      const counted = countLive(snapshot.slots, live);
      // Entra retried a sign-up we already counted: same answer, no second slot.
      if (snapshot.mine !== undefined && live(snapshot.mine)) return { allowed: true, count: counted };
      if (counted >= input.limit) return { allowed: false, count: counted };
      // Fewer than `limit` live rows, so at least one slot in 0 … limit-1 is free: preferably one that no
      // request of this instance is claiming right now, else any (the claim decides).
      const slot =
        pickFree(snapshot.slots, input.limit, live, this.claiming.get(partitionKey)) ??
        pickFree(snapshot.slots, input.limit, live, undefined)!;
      if (await this.tryClaim(partitionKey, handle, slot, now, snapshot.slots, snapshot.mine))
        return { allowed: true, count: counted + 1 };
      // Someone else took that slot (or wrote this person's handle row) first: re-read and go again.
      // A short jitter keeps the losers of one round from colliding again on the next.
      await sleep(Math.random() * 5);
    }
    // Unreachable while only sign-ups write the partition (each lost round is another's admitted slot).
    throw new StorageUnavailableError(
      "rate limit claim",
      new Error(
        `slots kept changing for ${rounds} rounds; is another writer rewriting the rate-limit table?`,
      ),
    );
  }

  /**
   * The atomic claim: slot `slot` and the person's handle row in one transaction, each conditional on the
   * version seen (absent → insert, which fails if the key exists; present → replace on its ETag). True
   * when it committed; false when another writer got there first (409/412/404); throws on a real failure.
   */
  private async tryClaim(
    partitionKey: string,
    handle: string,
    slot: number,
    at: number,
    slots: ReadonlyMap<number, SlotView>,
    mine: SlotView | undefined,
  ): Promise<boolean> {
    const slotRow = { partitionKey, rowKey: slotKey(slot), handle, at };
    const handleRow = { partitionKey, rowKey: handleKey(handle), slot, at };
    const previous = slots.get(slot);
    const claiming = this.claiming.get(partitionKey) ?? new Set<number>();
    this.claiming.set(partitionKey, claiming);
    claiming.add(slot);
    const actions: TransactionAction[] = [
      previous === undefined
        ? ["create", slotRow]
        : ["update", slotRow, "Replace", { etag: previous.etag ?? UNKNOWN_ETAG }],
      mine === undefined ? ["create", handleRow] : ["update", handleRow, "Replace", { etag: mine.etag }],
    ];
    try {
      const result = await this.table.submitTransaction(actions, this.clients.callOptions());
      this.learn(partitionKey, slots, slot, { at, etag: result.getResponseForEntity(slotRow.rowKey)?.etag });
      return true;
    } catch (error) {
      if (!isClaimConflict(error)) throw new StorageUnavailableError("rate limit claim", error);
      // The read that follows a lost claim replaces the belief with what the table holds.
      return false;
    } finally {
      claiming.delete(slot);
      if (claiming.size === 0) this.claiming.delete(partitionKey);
    }
  }

  /**
   * Records what a claim showed about one slot. Concurrent claims of one domain each learn their own
   * slot into the same belief (a copy per claim would drop the others' slots); a claim based on a fresh
   * read starts the belief from that read.
   */
  private learn(
    partitionKey: string,
    basis: ReadonlyMap<number, SlotView>,
    slot: number,
    view: SlotView,
  ): void {
    const current = this.known.get(partitionKey);
    const belief =
      current === basis && current !== undefined ? current : new Map([...basis, ...(current ?? [])]);
    belief.set(slot, view);
    this.remember(partitionKey, belief);
  }

  /** One query: every slot row of the domain and this person's handle row. */
  private async read(partitionKey: string, handle: string): Promise<Snapshot> {
    const filter = odata`PartitionKey eq ${partitionKey} and (RowKey eq ${handleKey(handle)} or (RowKey ge ${SLOT_PREFIX} and RowKey lt ${slotRangeEnd()}))`;
    const slots = new Map<number, SlotView>();
    let mine: SlotView | undefined;
    const rows = this.table.listEntities<CountedRow>({
      queryOptions: { filter },
      ...this.clients.callOptions(),
    });
    for await (const row of rows) {
      const key = row.rowKey ?? "";
      const view = { at: typeof row.at === "number" ? row.at : 0, etag: row.etag };
      if (key.startsWith(HANDLE_PREFIX)) mine = view;
      else slots.set(Number(key.slice(SLOT_PREFIX.length)), view);
    }
    this.remember(partitionKey, slots);
    return { slots, mine };
  }

  /** Most recently used last; the oldest domain is forgotten past KNOWN_DOMAINS. */
  private remember(partitionKey: string, slots: Map<number, SlotView>): void {
    this.known.delete(partitionKey);
    this.known.set(partitionKey, slots);
    if (this.known.size > KNOWN_DOMAINS) this.known.delete(this.known.keys().next().value!);
  }
}

/**
 * A random slot in 0 … limit-1, not in `skip`, that is free in `slots` (absent, or out of the window
 * with a known version to replace it on), or undefined when none is.
 */
function pickFree(
  slots: ReadonlyMap<number, SlotView>,
  limit: number,
  live: (row: SlotView | undefined) => boolean,
  skip: ReadonlySet<number> | undefined,
): number | undefined {
  const free: number[] = [];
  for (let i = 0; i < limit; i++) {
    if (skip?.has(i)) continue;
    const row = slots.get(i);
    if (row === undefined || (!live(row) && row.etag !== undefined)) free.push(i);
  }
  return free.length === 0 ? undefined : free[Math.floor(Math.random() * free.length)];
}

function countLive(slots: ReadonlyMap<number, SlotView>, live: (row: SlotView) => boolean): number {
  let n = 0;
  for (const row of slots.values()) if (live(row)) n++;
  return n;
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
