/**
 * The processes a foreground run of `npm run local` starts besides its background services: the Pulumi
 * engine (spawned by the Automation API) and the plugins it starts — the language host, the dynamic
 * provider — with their Node.js programs. The engine starts each plugin as the leader of a process group
 * of its own (so a terminal's Ctrl-C reaches only the engine), and a plugin keeps that group when the
 * engine dies and it is re-parented: the orphan `pulumi-language-nodejs` of a forced double Ctrl-C.
 * So the run remembers its descendants and their process groups while they are alive (on the first
 * Ctrl-C), and on a forced exit kills every remembered process and every process still in a remembered
 * group — nothing it started outlives it. Its own group (npm, the shell) is never signalled as a group.
 * The background services lead groups of their own too, and are stopped separately (`daemons.ts`).
 */
import { execFileSync } from "node:child_process";

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly args: string;
}

/** Every process of the machine (`ps`, POSIX options, so Linux and macOS alike). */
export function processTable(): ProcessEntry[] {
  const out = execFileSync("ps", ["-A", "-o", "pid=", "-o", "ppid=", "-o", "pgid=", "-o", "args="], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const rows: ProcessEntry[] = [];
  for (const line of out.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s?(.*)$/.exec(line);
    if (m) rows.push({ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[4] ?? "" });
  }
  return rows;
}

/** Pids of every descendant of `root` in `table` (not `root` itself). */
export function descendantsOf(table: readonly ProcessEntry[], root: number): Set<number> {
  const children = new Map<number, number[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found = new Set<number>();
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (found.has(pid)) continue;
    found.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Pids of `self` and its ancestors (npm, the shell): never ours to kill. */
function ancestorsOf(table: readonly ProcessEntry[], self: number): Set<number> {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const found = new Set<number>();
  for (let pid: number | undefined = self; pid !== undefined && pid > 1 && !found.has(pid);) {
    found.add(pid);
    pid = byPid.get(pid)?.ppid;
  }
  return found;
}

/**
 * Remembers the run's descendants and their process groups (`remember()`, while they are alive) and kills
 * them on a forced exit (`killAll()`), including processes re-parented since, found by their group.
 * `self` and its ancestors are never touched.
 */
export class RunProcesses {
  private readonly seen = new Set<number>();
  private readonly groups = new Set<number>();

  constructor(
    private readonly self: number = process.pid,
    private readonly table: () => ProcessEntry[] = processTable,
  ) {}

  /** Records the current descendants and their groups; returns the table it read (empty if `ps` failed). */
  remember(): ProcessEntry[] {
    let table: ProcessEntry[];
    try {
      table = this.table();
    } catch {
      return []; // `ps` missing or failing: killAll() then has what earlier calls saw
    }
    const own = table.find((p) => p.pid === this.self)?.pgid;
    const byPid = new Map(table.map((p) => [p.pid, p]));
    for (const pid of descendantsOf(table, this.self)) {
      this.seen.add(pid);
      const group = byPid.get(pid)?.pgid;
      if (group !== undefined && group !== own) this.groups.add(group);
    }
    return table;
  }

  /** Sends SIGKILL to every process of the run; returns their pids. Synchronous: safe right before exit. */
  killAll(): number[] {
    const table = this.remember();
    const ancestors = ancestorsOf(table, this.self);
    const own = table.find((p) => p.pid === this.self)?.pgid;
    const victims = new Set(this.seen);
    for (const p of table) if (this.groups.has(p.pgid)) victims.add(p.pid);
    const alive = new Set(table.map((p) => p.pid));
    const killed: number[] = [];
    for (const pid of victims) {
      if (ancestors.has(pid) || (table.length > 0 && !alive.has(pid))) continue;
      try {
        process.kill(pid, "SIGKILL");
        killed.push(pid);
      } catch {
        // already gone
      }
    }
    // Anything that joined a remembered group after the table was read.
    for (const group of this.groups) {
      if (group === own || ancestors.has(group)) continue;
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // the group is empty
      }
    }
    return killed;
  }
}
