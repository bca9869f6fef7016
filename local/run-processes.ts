/**
 * The processes a foreground run of `npm run local` starts besides its background services: the Pulumi
 * engine (spawned by the Automation API), its language host and provider plugins, and their Node.js
 * programs. They share the run's process group, and that membership survives when a parent dies and the
 * child is re-parented — which is exactly what a forced double Ctrl-C does (the engine terminates and
 * leaves `pulumi-language-nodejs` running). On a forced exit the run kills, by process group, every
 * process it started, so nothing it started outlives it. The background services lead process groups of
 * their own (`daemons.ts`) and are stopped separately.
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

/** A Pulumi engine, plugin or SDK program (`pulumi`, `pulumi-language-nodejs`, `node …/@pulumi/pulumi/…`). */
const PULUMI_PROCESS = /(^|[\s/])pulumi(-[a-z-]+)?(\s|$)|@pulumi\/pulumi\//;

/**
 * Remembers the run's descendants over time (`remember()` while they are alive, e.g. on the first
 * Ctrl-C) and kills them all on a forced exit (`killAll()`), including re-parented ones: a process is
 * the run's if it was seen as a descendant, or if it is in the run's process group and is a Pulumi
 * process. Ancestors (npm, the shell) are never touched.
 */
export class RunProcesses {
  private readonly seen = new Set<number>();

  constructor(
    private readonly self: number = process.pid,
    private readonly table: () => ProcessEntry[] = processTable,
  ) {}

  remember(): void {
    try {
      for (const pid of descendantsOf(this.table(), this.self)) this.seen.add(pid);
    } catch {
      // `ps` missing or failing: killAll() then has only what it finds itself.
    }
  }

  /** Sends SIGKILL to every process of the run; returns their pids. Synchronous: safe right before exit. */
  killAll(): number[] {
    let table: ProcessEntry[];
    try {
      table = this.table();
    } catch {
      table = [];
    }
    const group = table.find((p) => p.pid === this.self)?.pgid;
    const ancestors = ancestorsOf(table, this.self);
    const victims = new Set<number>([...this.seen, ...descendantsOf(table, this.self)]);
    if (group !== undefined) {
      for (const p of table) if (p.pgid === group && PULUMI_PROCESS.test(p.args)) victims.add(p.pid);
    }
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
    return killed;
  }
}
