/**
 * What an earlier, killed `npm run local` left behind (docs/crash-safety.md):
 * - Pulumi plugin processes (language host, program, dynamic-provider hosts) started for this state
 *   folder's project whose engine is gone. They are recognised by their working directory (the project
 *   folder) and their engine address, which no longer accepts connections. Linux (`/proc`) only.
 * - Objects in the emulated tenant that the create ledger proves this stack created but no state records
 *   (an interrupted create): deleted before `--down` destroys the rest, so they cannot block it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { engineGone } from "../components/graph/providers/engine-guard";
import { listLedger, type LedgerEntry } from "../components/graph/providers/create-ledger";

const pluginCommand =
  /pulumi-language-nodejs|dynamic-provider|pulumi-resource-pulumi-nodejs|cmd[\\/]run[\\/]index\.js/;
const address = /(?:^|\s|--engine\s)((?:127\.0\.0\.1|localhost|\[::1\]):\d{1,5})(?=\s|$)/;

function readProc(pid: string): { cwd: string; cmd: string } | undefined {
  try {
    return {
      cwd: fs.realpathSync(`/proc/${pid}/cwd`),
      cmd: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim(),
    };
  } catch {
    return undefined;
  }
}

/** Ends the plugin processes of `projectDir` whose engine is gone; returns their pids. */
export async function endOrphanedPlugins(projectDir: string): Promise<number[]> {
  if (!fs.existsSync("/proc") || !fs.existsSync(projectDir)) return [];
  const dir = fs.realpathSync(projectDir);
  const ended: number[] = [];
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    const proc = readProc(pid);
    if (!proc || proc.cwd !== dir || !pluginCommand.test(proc.cmd)) continue;
    const engine = address.exec(proc.cmd)?.[1];
    if (!engine || !(await engineGone(engine))) continue;
    try {
      process.kill(Number(pid), "SIGKILL");
      ended.push(Number(pid));
    } catch {
      // already gone
    }
  }
  return ended;
}

interface Found {
  readonly id: string;
  readonly path: string;
}

/** Objects carrying the entry's natural key, as `{ id, path to delete }`. */
async function objectsFor(graphUrl: string, e: LedgerEntry): Promise<Found[]> {
  const get = async <T>(p: string, version = "v1.0"): Promise<T[]> => {
    const res = await fetch(`${graphUrl}/${version}${p}`, { headers: { Authorization: "Bearer cleanup" } });
    if (res.status === 404) return [];
    if (!res.ok) throw new Error(`GET ${p}: ${res.status}`);
    const body = (await res.json()) as { value?: T[] } & T;
    return body.value ?? [body];
  };
  const same = (a: string | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();
  switch (e.kind) {
    case "b2xUserFlow":
      return (await get<{ id: string }>(`/identity/b2xUserFlows/${encodeURIComponent(e.key)}`)).map((f) => ({
        id: f.id,
        path: `/v1.0/identity/b2xUserFlows/${encodeURIComponent(f.id)}`,
      }));
    case "apiConnector":
      return (await get<{ id: string; displayName: string }>("/identity/apiConnectors"))
        .filter((c) => same(c.displayName, e.key))
        .map((c) => ({ id: c.id, path: `/v1.0/identity/apiConnectors/${c.id}` }));
    case "userFlowAttribute":
      return (await get<{ id: string; displayName: string }>("/identity/userFlowAttributes"))
        .filter((a) => same(a.displayName.replace(/\s+/g, ""), e.key))
        .map((a) => ({ id: a.id, path: `/v1.0/identity/userFlowAttributes/${a.id}` }));
    case "onSignupStartListener": {
      const [flow, apps] = e.key.split("|");
      type L = { id: string; userFlow?: { id?: string }; sourceFilter?: { includeApplications?: string[] } };
      const all = await get<L>(
        "/identity/events/onSignupStart?$expand=microsoft.graph.invokeUserFlowListener/userFlow",
        "beta",
      );
      return all
        .filter(
          (l) =>
            same(l.userFlow?.id, flow ?? "") &&
            [...(l.sourceFilter?.includeApplications ?? [])]
              .map((a) => a.toLowerCase())
              .sort()
              .join(",") === apps,
        )
        .map((l) => ({ id: l.id, path: `/beta/identity/events/onSignupStart/${l.id}` }));
    }
    default:
      return [];
  }
}

/** Users of other objects go first: associations, flows, then what flows use. */
const deleteOrder = ["onSignupStartListener", "b2xUserFlow", "apiConnector", "userFlowAttribute"];

/**
 * Deletes the objects of `graphUrl`'s tenant that the create ledger in `ledgerDir` proves this stack
 * created (not in the entry's `before`) and that the state does not track (`trackedIds`). Social identity
 * providers are left alone: they are tenant-wide and may be shared. Returns what it deleted.
 */
export async function deleteUntrackedOwnObjects(
  graphUrl: string,
  ledgerDir: string,
  trackedIds: ReadonlySet<string>,
): Promise<string[]> {
  const entries = listLedger(ledgerDir)
    .filter((e) => e.tenant.startsWith(graphUrl.toLowerCase()) && deleteOrder.includes(e.kind))
    .sort((a, b) => deleteOrder.indexOf(a.kind) - deleteOrder.indexOf(b.kind));
  const deleted: string[] = [];
  for (const e of entries) {
    const before = new Set(e.before.map((b) => b.toLowerCase()));
    for (const o of await objectsFor(graphUrl, e)) {
      const id = o.id.toLowerCase();
      if (before.has(id) || trackedIds.has(id)) continue;
      const res = await fetch(`${graphUrl}${o.path}`, {
        method: "DELETE",
        headers: { Authorization: "Bearer cleanup" },
      });
      if (res.ok || res.status === 404) deleted.push(`${e.kind} ${o.id}`);
      else throw new Error(`could not delete the untracked ${e.kind} ${o.id}: Graph ${res.status}`);
    }
  }
  return deleted;
}

/** The ledger folder of a local state folder's Pulumi home. */
export const localLedgerDir = (pulumiHome: string): string =>
  path.join(pulumiHome, "entra-signup", "create-ledger");

/** Ids of every resource the stack's state records (lower case). */
export function trackedIdsOf(deployment: unknown): Set<string> {
  const resources = (deployment as { resources?: Array<{ id?: unknown }> })?.resources ?? [];
  return new Set(resources.flatMap((r) => (typeof r.id === "string" ? [r.id.toLowerCase()] : [])));
}

/**
 * The one clean-up step `npm run local` runs before `up` and `--down` run the engine: end the plugin
 * processes a killed run left, and on `--down` (`untracked: true`) delete the untracked objects the
 * create ledger proves are this stack's own, so the destroy is not blocked by them.
 */
export async function cleanUpKilledRun(o: {
  readonly stack: Stack;
  readonly projectDir: string;
  readonly pulumiHome: string;
  readonly graphUrl: string;
  readonly untracked: boolean;
  readonly say: (line: string) => void;
}): Promise<void> {
  const ended = await endOrphanedPlugins(o.projectDir);
  if (ended.length > 0) o.say(`ended ${ended.length} process(es) a killed run left: pid ${ended.join(", ")}`);
  if (!o.untracked) return;
  const tracked = trackedIdsOf((await o.stack.exportStack()).deployment);
  const deleted = await deleteUntrackedOwnObjects(o.graphUrl, localLedgerDir(o.pulumiHome), tracked);
  for (const d of deleted) o.say(`deleted ${d}: an interrupted create no state recorded`);
}
