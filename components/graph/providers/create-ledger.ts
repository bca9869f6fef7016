/**
 * The create ledger: how a rerun recognises the objects an interrupted `up` created (docs/crash-safety.md).
 *
 * Before a create, the provider writes one small file naming the object it is about to create (kind,
 * tenant, natural key) and the ids of the objects that already carried that natural key (`before`). If the
 * engine dies after Graph applied the create but before the state recorded it, the file survives; the
 * rerun's create lists the natural key again, and every object that is not in `before` can only be the
 * interrupted create's — it is adopted (and any extra copies deleted), never created again. Objects that
 * were there before are someone else's and are never taken over unless `adoptExisting` says so. The entry
 * is removed once the engine shows it recorded the object (the provider is asked about it by id: diff,
 * read, update, delete).
 *
 * Where: `$ENTRA_SIGNUP_CREATE_LEDGER_DIR`, else `<PULUMI_HOME or ~/.pulumi>/entra-signup/create-ledger`,
 * files 0600. A rerun on another machine has no ledger: then a leftover is reported, not adopted.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded at call time, see ../lazy.ts */
import type { GraphConnection } from "../connection";

export interface LedgerKey {
  readonly connection: GraphConnection;
  /** Graph object kind, e.g. `apiConnector`. */
  readonly kind: string;
  /** Natural key, e.g. the display name (compared case-insensitively, like Graph). */
  readonly key: string;
}

export interface LedgerEntry {
  readonly kind: string;
  readonly key: string;
  /** Tenant root the entry belongs to (base URL + tenant id), for `--down` clean-up. */
  readonly tenant: string;
  /** Ids of objects with this natural key before the first create attempt: not ours. */
  readonly before: readonly string[];
  readonly at: string;
}

const fs = (): typeof import("node:fs") => require("node:fs");
const path = (): typeof import("node:path") => require("node:path");

export function ledgerDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ENTRA_SIGNUP_CREATE_LEDGER_DIR) return env.ENTRA_SIGNUP_CREATE_LEDGER_DIR;
  const home = env.PULUMI_HOME || path().join(require("node:os").homedir(), ".pulumi");
  return path().join(home, "entra-signup", "create-ledger");
}

export function tenantOf(c: GraphConnection): string {
  return `${c.baseUrl ?? c.cloud}|${c.tenantId ?? ""}`.toLowerCase();
}

function fileFor(k: LedgerKey): string {
  const id = `${tenantOf(k.connection)}\n${k.kind}\n${k.key.toLowerCase()}`;
  const hash = require("node:crypto").createHash("sha256").update(id).digest("hex").slice(0, 32);
  return path().join(ledgerDir(), `${k.kind}-${hash}.json`);
}

/**
 * How long an unconfirmed entry is trusted. A rerun usually follows a crash within minutes; an entry this
 * old is more likely left by an abandoned stack, and a same-named object made since then may be someone
 * else's. Past it, a leftover is reported (or, for names Graph lets repeat, a new object is created).
 */
export const ledgerMaxAgeMs = 7 * 24 * 3600_000;

export function readLedger(k: LedgerKey, now = Date.now()): LedgerEntry | undefined {
  try {
    const entry = JSON.parse(fs().readFileSync(fileFor(k), "utf8")) as LedgerEntry;
    return now - Date.parse(entry.at) < ledgerMaxAgeMs ? entry : undefined;
  } catch {
    return undefined;
  }
}

/** Records the intent to create; written before the create request leaves. */
export function writeLedger(k: LedgerKey, before: readonly string[]): LedgerEntry {
  const entry: LedgerEntry = {
    kind: k.kind,
    key: k.key,
    tenant: tenantOf(k.connection),
    before: [...before],
    at: new Date().toISOString(),
  };
  const dir = ledgerDir();
  fs().mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = fileFor(k);
  fs().writeFileSync(`${file}.tmp`, JSON.stringify(entry), { mode: 0o600 });
  fs().renameSync(`${file}.tmp`, file);
  return entry;
}

/** The engine has recorded the object (or it is gone): forget the intent. */
export function clearLedger(k: LedgerKey): void {
  try {
    fs().rmSync(fileFor(k), { force: true });
  } catch {
    // a ledger that cannot be cleared only costs a look-up on a later create
  }
}

/** Every entry (for clean-up of a killed run's objects). */
export function listLedger(dir = ledgerDir()): LedgerEntry[] {
  let names: string[] = [];
  try {
    names = fs()
      .readdirSync(dir)
      .filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    try {
      return [JSON.parse(fs().readFileSync(path().join(dir, n), "utf8")) as LedgerEntry];
    } catch {
      return [];
    }
  });
}
