/**
 * Create without duplicates and without take-over, even across an interrupted `up` (docs/crash-safety.md).
 * Replaces create-or-adopt for every Graph kind: the natural key is listed before the create, the ids
 * found are remembered in the create ledger, and afterwards only objects that were not there before can
 * be ours.
 */
import { isMaybeExists } from "../errors";
import { retryDelayMs, retryScale, sleep } from "../retry";
import { alreadyExistsError } from "./common";
import { clearLedger, readLedger, writeLedger, type LedgerKey } from "./create-ledger";
import { mayHaveApplied } from "./idempotent";

export interface SafeCreate<T extends { id: string }> {
  /** Take over an existing object with the same natural key before creating. */
  readonly adoptExisting: boolean;
  /** What the object is, for the conflict message, e.g. `user flow "B2X_1_Partner"`. */
  readonly describe: string;
  /** Ledger identity: connection, kind and natural key. */
  readonly ledger: Omit<LedgerKey, "connection"> & { readonly connection: LedgerKey["connection"] };
  /**
   * Graph's natural key is unique (attribute names, flow ids, one social provider per type): an object
   * that was there before this stack's first attempt is a conflict, not a sibling.
   */
  readonly unique: boolean;
  /** Every object with the natural key (display names are not unique: may be several). */
  readonly findAll: () => Promise<T[]>;
  readonly create: () => Promise<T>;
  /** How many create attempts on "maybe exists" / 5xx before giving up. @default 4 */
  readonly attempts?: number;
}

export interface SafeCreated<T> {
  readonly object: T;
  /** True when the object was not created by this call: adopted, or recovered from an earlier attempt. */
  readonly adopted: boolean;
  /**
   * True when `adoptExisting` took over an object that was there before this stack touched it (made by
   * hand or by another tool), false when it was created or recovered from this stack's own earlier attempt.
   */
  readonly existing: boolean;
  /** Further copies an interrupted earlier attempt left behind (ours by the ledger): delete them. */
  readonly extras: readonly T[];
}

const idIn = (ids: readonly string[], id: string) => ids.some((x) => x.toLowerCase() === id.toLowerCase());

export async function createSafely<T extends { id: string }>(o: SafeCreate<T>): Promise<SafeCreated<T>> {
  const found = await o.findAll();
  const earlier = readLedger(o.ledger);
  if (earlier) {
    // An earlier attempt of this stack may have created it: whatever was not there before is ours.
    const ours = found.filter((f) => !idIn(earlier.before, f.id));
    if (ours.length > 0) return { object: ours[0]!, adopted: true, existing: false, extras: ours.slice(1) };
  }
  if (found.length > 0 && o.adoptExisting)
    return { object: found[0]!, adopted: true, existing: true, extras: [] };
  const before = earlier?.before ?? found.map((f) => f.id);
  if (o.unique && found.some((f) => idIn(before, f.id))) {
    throw alreadyExistsError(o.describe, `found ${found.map((f) => f.id).join(", ")}`);
  }
  writeLedger(o.ledger, before);
  const attempts = o.attempts ?? 4;
  let wrote = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return { object: await o.create(), adopted: false, existing: false, extras: [] };
    } catch (e) {
      const lost = mayHaveApplied(e);
      if (!isMaybeExists(e) && !lost) {
        // Refused outright (validation, permission): nothing was written by this attempt.
        if (!wrote) clearLedger(o.ledger);
        throw e;
      }
      wrote ||= lost;
      const ours = (await o.findAll()).filter((f) => !idIn(before, f.id));
      if (ours.length > 0) {
        // New since our look: the write of an attempt whose answer was lost, or (a 400/409 with no lost
        // write before it) someone else's create racing ours.
        if (!wrote) throw alreadyExistsError(o.describe, e);
        return { object: ours[0]!, adopted: true, existing: false, extras: ours.slice(1) };
      }
      if (attempt >= attempts) throw e;
      await sleep(retryDelayMs(attempt, undefined) * retryScale());
    }
  }
}
