/**
 * `npm run approvals -- list [--status pending|approved|denied]`
 * `npm run approvals -- approve <id> [--by <name>] [--reason <text>]`
 * `npm run approvals -- deny <id> [--by <name>] [--reason <text>]`
 * Works on the same Table store as the connector; storage comes from the environment
 * (AzureWebJobsStorage or AzureWebJobsStorage__*) or from `--settings <file>` (same format as the local host).
 */
import * as os from "node:os";
import { parseArgs } from "node:util";
import type { ApprovalStatus } from "../engine/types";
import { loadStorageSettings, SettingsError, type Env } from "../settings";
import { type ApprovalRecord, TableApprovalStore } from "../storage/approvals";
import { createStorageClients } from "../storage/clients";
import { mergeEnv } from "../settingsFile";
import { ApprovalNotFoundError } from "../storage/errors";

const USAGE =
  "usage: approvals list [--status <s>] | approve <id> [--by <name>] [--reason <text>] | deny <id> [...]";

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
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      status: { type: "string" },
      by: { type: "string", default: `cli:${os.userInfo().username}` },
      reason: { type: "string" },
      settings: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const [command, id] = positionals;
  const storage = loadStorageSettings(mergeEnv(env, values.settings));
  const store = new TableApprovalStore(createStorageClients(storage), storage.approvalsTable);
  if (command === "list") {
    const status = values.status as ApprovalStatus | undefined;
    if (status !== undefined && !["pending", "approved", "denied"].includes(status)) {
      out(`--status must be pending, approved or denied`);
      return 2;
    }
    const approvals = await store.list(status === undefined ? {} : { status });
    out(values.json ? JSON.stringify(approvals, null, 2) : format(approvals));
    return 0;
  }
  if ((command === "approve" || command === "deny") && id !== undefined) {
    const decided = await store.decide(
      id,
      command === "approve" ? "approved" : "denied",
      values.by,
      new Date(),
      values.reason,
    );
    out(
      values.json ? JSON.stringify(decided, null, 2) : `${decided.id} ${decided.status} (${decided.domain})`,
    );
    return 0;
  }
  out(USAGE);
  return 2;
}

if (require.main === module) {
  runApprovalsCli(process.argv.slice(2), process.env, (line) => console.log(line))
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      if (error instanceof ApprovalNotFoundError) console.error(`approvals: ${error.message}`);
      else if (error instanceof SettingsError) console.error(error.message);
      else console.error(`approvals: ${(error as Error).message}`);
      process.exit(1);
    });
}
