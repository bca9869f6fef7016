/**
 * `npm run approvals -- list [--status pending|approved|denied]`
 * `npm run approvals -- approve <id> [--by <name>] [--reason <text>]`
 * `npm run approvals -- deny <id> [--by <name>] [--reason <text>]`
 * Works on the same Table store as the connector. Storage comes from `--settings <file>`, else the
 * environment (AzureWebJobsStorage or AzureWebJobsStorage__*), else the running `npm run local` system
 * (its state folder: `--state-dir`, default `.local/`).
 */
import * as os from "node:os";
import { parseArgs } from "node:util";
import type { ApprovalStatus } from "../engine/types";
import { loadStorageSettings, type Env } from "../settings";
import { type ApprovalRecord, TableApprovalStore } from "../storage/approvals";
import { createStorageClients } from "../storage/clients";
import { mergeEnv } from "../settingsFile";

export const USAGE = `usage: npm run approvals -- <command> [options]

commands:
  list [--status pending|approved|denied]    the approval requests, newest first
  approve <id> [--by <name>] [--reason <t>]  approve a request; the person's next sign-up continues
  deny <id> [--by <name>] [--reason <t>]     deny a request; the person's next sign-up is blocked

options:
  --json                 print JSON instead of a table
  --settings <file>      the connector's settings file (flat JSON or local.settings.json) with the storage
  --state-dir <dir>      the state folder of 'npm run local' to use (default .local/)
  -h, --help             this text

Storage: --settings, else AzureWebJobsStorage (or AzureWebJobsStorage__*) in the environment, else the
running 'npm run local' system of --state-dir.`;

const STORAGE_KEYS = /^AzureWebJobsStorage(__|$)/;

/** The settings of the running `npm run local` system; looked up only when no storage is given. */
export type LocalEnvFinder = (stateDir: string | undefined) => Promise<Env>;

export interface ApprovalsCliIo {
  /** Where errors and the usage after an error go. @default console.error */
  readonly err?: (line: string) => void;
  /**
   * Finds the running `npm run local` system's settings; the command-line entry (local/approvals-cli.ts)
   * passes it, so the Function App's folder never imports the local tools.
   * @default - none: without --settings or storage in the environment the command is refused
   */
  readonly findLocal?: LocalEnvFinder;
}

function format(approvals: readonly ApprovalRecord[]): string {
  if (approvals.length === 0) return "no approval requests";
  const rows = approvals.map((a) => [a.id, a.status, a.domain, a.email, a.createdAt, a.decidedBy ?? ""]);
  const header = ["id", "status", "domain", "email", "created", "decided by"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Runs one command; returns the process exit code. Exported for tests. */
export async function runApprovalsCli(
  argv: readonly string[],
  env: Env,
  out: (line: string) => void,
  io: ApprovalsCliIo = {},
): Promise<number> {
  const err = io.err ?? ((line: string) => console.error(line));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        status: { type: "string" },
        by: { type: "string", default: `cli:${os.userInfo().username}` },
        reason: { type: "string" },
        settings: { type: "string" },
        "state-dir": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    err(`approvals: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, id] = positionals;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const known = command === "list" || ((command === "approve" || command === "deny") && id !== undefined);
  if (!known) {
    const what =
      command === undefined
        ? "no command given"
        : command === "approve" || command === "deny"
          ? `${command} needs the request's id (see 'list')`
          : `unknown command '${command}'`;
    err(`approvals: ${what}\n\n${USAGE}`);
    return 2;
  }
  const status = values.status as ApprovalStatus | undefined;
  if (status !== undefined && !["pending", "approved", "denied"].includes(status)) {
    err(`approvals: --status must be pending, approved or denied, got '${status}'`);
    return 2;
  }
  const given = values.settings !== undefined || Object.keys(env).some((k) => STORAGE_KEYS.test(k));
  if (!given && io.findLocal === undefined) {
    err("approvals: no storage given: pass --settings <file> or set AzureWebJobsStorage");
    return 2;
  }
  const storage = loadStorageSettings(
    given ? mergeEnv(env, values.settings) : { ...env, ...(await io.findLocal!(values["state-dir"])) },
  );
  const store = new TableApprovalStore(createStorageClients(storage), storage.approvalsTable);
  if (command === "list") {
    const approvals = await store.list(status === undefined ? {} : { status });
    out(values.json ? JSON.stringify(approvals, null, 2) : format(approvals));
    return 0;
  }
  const decided = await store.decide(
    id!,
    command === "approve" ? "approved" : "denied",
    values.by,
    new Date(),
    values.reason,
  );
  out(values.json ? JSON.stringify(decided, null, 2) : `${decided.id} ${decided.status} (${decided.domain})`);
  return 0;
}
