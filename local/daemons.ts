/**
 * Background services of the local system (Azurite, Graph emulator, connector host, simulator): started
 * detached so they outlive `npm run local`, tracked by pid files under the state folder, stopped by
 * `npm run local -- --down`. Each service writes its log to `<stateDir>/logs/<name>.log`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { READY_BOUND_MS, waitUntilReady } from "./readiness";

export interface ServiceSpec {
  readonly name: string;
  /** Executable and arguments; `node` means the current Node.js (22). */
  readonly command: string;
  readonly args: readonly string[];
  /**
   * Ports the service listens on. All must be free before it starts; it is ready once each is open AND its
   * own log, written since this start, names it (`127.0.0.1:<port>`, as every local service prints its
   * URL) — so a port another program took between the check and our bind is never mistaken for ours.
   */
  readonly ports: readonly number[];
  /** The CLI flag that changes each port, for the conflict message. */
  readonly portFlags: readonly string[];
  readonly cwd: string;
  readonly env?: Record<string, string>;
}

export interface ServiceRecord {
  readonly name: string;
  readonly pid: number;
  readonly ports: readonly number[];
  readonly startedAt: string;
}

export interface PortConflict {
  readonly port: number;
  /** The CLI flag that changes the port. */
  readonly flag: string;
  readonly service: string;
}

/** One or more ports a service needs are held by another program; names each port and its flag. */
export class PortInUseError extends Error {
  readonly port: number;
  readonly flag: string;
  constructor(readonly conflicts: readonly PortConflict[]) {
    super(
      conflicts
        .map(
          (c) =>
            `port ${c.port} (${c.service}) is already in use by another program: stop it, or pick another port with ${c.flag} <port>`,
        )
        .join("\n"),
    );
    this.name = "PortInUseError";
    this.port = conflicts[0]!.port;
    this.flag = conflicts[0]!.flag;
  }
}

export class StateFolderBusyError extends Error {
  constructor(
    readonly pid: number,
    stateDir: string,
  ) {
    super(
      `another 'npm run local' (pid ${pid}) is using ${stateDir}: wait for it to finish, stop it (Ctrl-C there, or kill ${pid}), or use another --state-dir`,
    );
    this.name = "StateFolderBusyError";
  }
}

/**
 * Takes the state folder for this process (`<stateDir>/local.lock` holding the pid), so two runs never
 * drive the same services and Pulumi backend at once. A lock whose process is gone is taken over.
 * Returns the release function.
 */
export function lockStateFolder(stateDir: string): () => void {
  const file = path.join(stateDir, "local.lock");
  // Owner only: the folder holds the emulator's secrets, connector settings and the local stack's secrets.
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder))
        throw new StateFolderBusyError(holder, stateDir);
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  return () => {
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8").trim() === String(process.pid))
      fs.rmSync(file, { force: true });
  };
}

export function pidDir(stateDir: string): string {
  return path.join(stateDir, "pids");
}

function recordPath(stateDir: string, name: string): string {
  return path.join(pidDir(stateDir), `${name}.json`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The recorded service, if its process is still running. Stale pid files are removed. */
export function runningService(stateDir: string, name: string): ServiceRecord | undefined {
  const file = recordPath(stateDir, name);
  if (!fs.existsSync(file)) return undefined;
  const record = JSON.parse(fs.readFileSync(file, "utf8")) as ServiceRecord;
  if (isAlive(record.pid)) return record;
  fs.rmSync(file, { force: true });
  return undefined;
}

export function listServices(stateDir: string): ServiceRecord[] {
  if (!fs.existsSync(pidDir(stateDir))) return [];
  return fs
    .readdirSync(pidDir(stateDir))
    .filter((f) => f.endsWith(".json"))
    .map((f) => runningService(stateDir, f.slice(0, -5)))
    .filter((r): r is ServiceRecord => r !== undefined);
}

export function portIsOpen(port: number, host = "127.0.0.1", timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * The ports of `specs` that another program holds, all at once, so `npm run local` can refuse before it
 * starts anything. A service of this state folder already running on the same ports is not a conflict
 * (it is reused).
 */
export async function portConflicts(
  stateDir: string,
  specs: readonly ServiceSpec[],
): Promise<PortConflict[]> {
  const conflicts: PortConflict[] = [];
  for (const spec of specs) {
    const existing = runningService(stateDir, spec.name);
    if (existing && sameNumbers(existing.ports, spec.ports)) continue;
    for (const [i, port] of spec.ports.entries()) {
      if (await portIsOpen(port))
        conflicts.push({ port, flag: spec.portFlags[i] ?? "--port", service: spec.name });
    }
  }
  return conflicts;
}

/**
 * Starts a service detached, unless a recorded instance is already running (then it is reused).
 * Returns whether this call started it, so Ctrl-C can stop only what this run started.
 */
export async function startService(
  stateDir: string,
  spec: ServiceSpec,
  opts: { readyTimeoutMs?: number; settleMs?: number } = {},
): Promise<{ record: ServiceRecord; started: boolean }> {
  const existing = runningService(stateDir, spec.name);
  if (existing && sameNumbers(existing.ports, spec.ports)) return { record: existing, started: false };
  if (existing) await stopService(stateDir, spec.name);

  const conflicts = await portConflicts(stateDir, [spec]);
  if (conflicts.length > 0) throw new PortInUseError(conflicts);
  fs.mkdirSync(pidDir(stateDir), { recursive: true });
  fs.mkdirSync(path.join(stateDir, "logs"), { recursive: true });
  const logFile = path.join(stateDir, "logs", `${spec.name}.log`);
  // The log is appended to: only what this start writes may announce a port.
  const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
  const log = fs.openSync(logFile, "a");
  const command = spec.command === "node" ? process.execPath : spec.command;
  const child = spawn(command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  if (child.pid === undefined)
    throw new Error(`could not start ${spec.name}: ${command} ${spec.args.join(" ")}`);
  child.unref();
  const record: ServiceRecord = {
    name: spec.name,
    pid: child.pid,
    ports: spec.ports,
    startedAt: new Date().toISOString(),
  };
  fs.writeFileSync(recordPath(stateDir, spec.name), JSON.stringify(record));

  const pid = child.pid;
  try {
    for (const [i, port] of spec.ports.entries()) {
      let openButUnannounced = false;
      await waitUntilReady(
        `${spec.name} (port ${port})`,
        async () => {
          if (!(await portIsOpen(port))) return false;
          openButUnannounced = !announces(logFile, logStart, port);
          return !openButUnannounced;
        },
        {
          boundMs: opts.readyTimeoutMs ?? READY_BOUND_MS,
          failed: () =>
            isAlive(pid)
              ? undefined
              : `${spec.name} exited during start-up; see ${logFile}:\n${tail(stateDir, spec.name)}`,
          hint: `see ${logFile}`,
        },
      ).catch((err: unknown) => {
        if (!openButUnannounced || !isAlive(pid)) throw err;
        throw new Error(
          `port ${port} is open, but ${spec.name} never said it listens there: another program may hold it ` +
            `(pick another port with ${spec.portFlags[i] ?? "--port"}); see ${logFile}:\n${tail(stateDir, spec.name)}`,
        );
      });
    }
  } catch (err) {
    if (isAlive(pid)) await stopService(stateDir, spec.name);
    fs.rmSync(recordPath(stateDir, spec.name), { force: true });
    throw err;
  }
  // A service can open its port and then die on what it reads next (settings, state file): give it a
  // moment and report that now, instead of printing a URL nobody answers.
  await sleep(opts.settleMs ?? 500);
  if (!isAlive(child.pid)) {
    fs.rmSync(recordPath(stateDir, spec.name), { force: true });
    throw new Error(
      `${spec.name} exited right after start-up; see ${path.join(stateDir, "logs", `${spec.name}.log`)}:\n${tail(stateDir, spec.name)}`,
    );
  }
  return { record, started: true };
}

/** Whether `logFile`, from byte `from` on, names `127.0.0.1:<port>` (the URL a local service prints once it listens). */
function announces(logFile: string, from: number, port: number): boolean {
  try {
    const text = fs.readFileSync(logFile).subarray(from).toString("utf8");
    return new RegExp(`127\\.0\\.0\\.1:${port}(?!\\d)`).test(text);
  } catch {
    return false;
  }
}

/** Stops a service (its whole process group): SIGTERM, then SIGKILL after a grace period. */
export async function stopService(stateDir: string, name: string, graceMs = 5_000): Promise<boolean> {
  const record = runningService(stateDir, name);
  if (!record) return false;
  signalGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(record.pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(record.pid)) signalGroup(record.pid, "SIGKILL");
  while (isAlive(record.pid)) await sleep(20);
  fs.rmSync(recordPath(stateDir, name), { force: true });
  return true;
}

/**
 * Kills a service's whole process group at once and forgets it, synchronously: for a run that must exit
 * now (a forced Ctrl-C) and may not await a graceful stop.
 */
export function stopServiceNow(stateDir: string, name: string): void {
  const record = runningService(stateDir, name);
  if (!record) return;
  signalGroup(record.pid, "SIGKILL");
  fs.rmSync(recordPath(stateDir, name), { force: true });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // detached ⇒ the service leads its own process group
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** The last `lines` lines of the log of service `name` in `stateDir`, or "(no log)". */
export function tail(stateDir: string, name: string, lines = 15): string {
  try {
    return fs
      .readFileSync(path.join(stateDir, "logs", `${name}.log`), "utf8")
      .trimEnd()
      .split("\n")
      .slice(-lines)
      .join("\n");
  } catch {
    return "(no log)";
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
