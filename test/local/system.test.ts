/**
 * Robustness of `npm run local` without the full system: the state-folder lock, a service that dies
 * right after start-up, `--down` on a partial state folder, and a cancelled `pulumi up` that leaves
 * nothing behind (no engine lock, no pending operation) so the next run succeeds.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { after, test } from "node:test";
import {
  isAlive,
  lockStateFolder,
  PortInUseError,
  runningService,
  startService,
  StateFolderBusyError,
  stopService,
} from "../../local/daemons";
import {
  cancellableUp,
  down,
  DEFAULT_PORTS,
  engineLocks,
  repairInterruptedUpdate,
  up,
} from "../../local/system";
import { localProgramStack, makeTempDir, repoRoot, writeProgram } from "../helpers/pulumi";

const tmp = makeTempDir("local-system");
after(() => tmp.cleanup());

function aLiveProcess() {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  return { pid: child.pid!, stop: () => child.kill("SIGKILL") };
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

test("a second run on the same state folder is refused with the running pid; a stale lock is taken over", () => {
  const stateDir = path.join(tmp.dir, "lock");
  const other = aLiveProcess();
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(path.join(stateDir, "local.lock"), String(other.pid));
    assert.throws(
      () => lockStateFolder(stateDir),
      (err: Error) =>
        err instanceof StateFolderBusyError &&
        err.message.includes(`another 'npm run local' (pid ${other.pid}) is using ${stateDir}`),
    );
    const cli = spawnSync(process.execPath, ["--import", "tsx", "local/cli.ts", "--state-dir", stateDir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, new RegExp(`local: another 'npm run local' \\(pid ${other.pid}\\)`));
  } finally {
    other.stop();
  }
  fs.writeFileSync(path.join(stateDir, "local.lock"), "999999999");
  const release = lockStateFolder(stateDir);
  assert.equal(fs.readFileSync(path.join(stateDir, "local.lock"), "utf8"), String(process.pid));
  release();
  assert.equal(fs.existsSync(path.join(stateDir, "local.lock")), false);
});

test("a service that dies right after opening its port is reported with its log, not left as ready", async () => {
  const stateDir = path.join(tmp.dir, "dies");
  const port = await freePort();
  const script = `const s = require("node:net").createServer().listen(${port}, "127.0.0.1", () => {
    console.error("boom: bad settings file"); setTimeout(() => process.exit(3), 100); });`;
  await assert.rejects(
    startService(stateDir, {
      name: "flaky",
      command: "node",
      args: ["-e", script],
      ports: [port],
      portFlags: ["--flaky-port"],
      cwd: repoRoot,
    }),
    /flaky exited (right after|during) start-up; see .*flaky\.log:\n.*boom: bad settings file/s,
  );
  assert.equal(fs.existsSync(path.join(stateDir, "pids", "flaky.json")), false);
});

test("a port that opens without the service naming it in its own log is not taken as ready (another program may hold it)", async () => {
  const stateDir = path.join(tmp.dir, "quiet");
  const port = await freePort();
  const spec = (announce: boolean) => ({
    name: "quiet",
    command: "node",
    args: [
      "-e",
      `require("node:net").createServer().listen(${port}, "127.0.0.1", () => {
        ${announce ? `console.log("quiet listening on http://127.0.0.1:${port}");` : ""} });`,
    ],
    ports: [port],
    portFlags: ["--quiet-port"],
    cwd: repoRoot,
  });
  // An earlier start's line in the same (appended) log does not count for this start.
  fs.mkdirSync(path.join(stateDir, "logs"), { recursive: true });
  fs.writeFileSync(path.join(stateDir, "logs", "quiet.log"), `quiet listening on http://127.0.0.1:${port}\n`);
  await assert.rejects(
    startService(stateDir, spec(false), { readyTimeoutMs: 3_000 }),
    new RegExp(`port ${port} is open, but quiet never said it listens there: .*--quiet-port`),
  );
  assert.equal(runningService(stateDir, "quiet"), undefined, "the unready service is stopped and forgotten");
  const { record } = await startService(stateDir, spec(true), { settleMs: 0 });
  assert.ok(isAlive(record.pid));
  await stopService(stateDir, "quiet");
  assert.equal(isAlive(record.pid), false);
});

test("ports in use are all reported before anything starts, each with the flag that changes it", async () => {
  const stateDir = path.join(tmp.dir, "ports");
  const ports = {
    ...DEFAULT_PORTS,
    graph: await freePort(),
    connector: await freePort(),
    simulator: await freePort(),
    azuriteBlob: await freePort(),
    azuriteQueue: await freePort(),
    azuriteTable: await freePort(),
  };
  const held = await Promise.all(
    [ports.simulator, ports.azuriteTable].map(
      (port) =>
        new Promise<net.Server>((resolve) => {
          const server = net.createServer().listen(port, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  try {
    await assert.rejects(up({ stateDir, ports }), (err: Error) => {
      assert.ok(err instanceof PortInUseError);
      assert.deepEqual(
        err.conflicts.map((c) => [c.port, c.flag]),
        [
          [ports.azuriteTable, "--azurite-table-port"],
          [ports.simulator, "--simulator-port"],
        ],
      );
      assert.match(err.message, new RegExp(`port ${ports.simulator} \\(simulator\\) is already in use`));
      return true;
    });
    assert.equal(fs.existsSync(path.join(stateDir, "pids")), false, "no service was started");
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
});

test("--down on a partial state folder with nothing running succeeds and stops nothing", async () => {
  const stateDir = path.join(tmp.dir, "partial");
  fs.mkdirSync(path.join(stateDir, "pids"), { recursive: true });
  fs.mkdirSync(path.join(stateDir, "project"), { recursive: true });
  fs.writeFileSync(
    path.join(stateDir, "pids", "graph-emulator.json"),
    JSON.stringify({ name: "graph-emulator", pid: 999999999, ports: [1], startedAt: "" }),
  );
  const result = await down({ stateDir, ports: DEFAULT_PORTS });
  assert.deepEqual(result, { destroyed: false, stopped: [] });
  assert.equal(fs.existsSync(path.join(stateDir, "project")), false);
});

test("a cancelled update releases the stack; a lock left by a killed engine is cleared; the next up succeeds", async () => {
  const dir = path.join(repoRoot, ".tmp", `cancel-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  writeProgram(
    dir,
    "cancel-test",
    `import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) { await new Promise((r) => setTimeout(r, Number(process.env.SLOW_MS ?? "0"))); return { id: "x", outs: inputs }; },
};
new pulumi.dynamic.Resource(provider, "slow", {}, {});`,
  );
  const ctx = await localProgramStack(dir, "local", { SLOW_MS: "3000" });
  try {
    const lines: string[] = [];
    const controller = new AbortController();
    const running = cancellableUp(
      ctx.stack,
      (l) => {
        lines.push(l);
        if (/slow creating/.test(l)) controller.abort();
      },
      controller.signal,
    );
    await assert.rejects(running);
    assert.ok(
      lines.some((l) => l.includes("^C received")),
      "the engine was asked to cancel once",
    );
    assert.deepEqual(engineLocks(ctx.backendDir), []);
    const pending = (await ctx.stack.exportStack()).deployment as { pending_operations?: unknown[] };
    assert.equal(pending.pending_operations?.length ?? 0, 0, "a graceful cancel leaves no pending operation");

    // What a SIGKILLed engine leaves: its lock file. The next run clears it and goes on.
    const lockDir = path.join(ctx.backendDir, ".pulumi", "locks", "organization", "cancel-test", "local");
    fs.mkdirSync(lockDir, { recursive: true });
    fs.writeFileSync(path.join(lockDir, "stale.json"), JSON.stringify({ pid: 999999999, timestamp: "" }));
    const said: string[] = [];
    await repairInterruptedUpdate(ctx.stack, ctx.backendDir, (l) => said.push(l));
    assert.match(said.join("\n"), /locked by an interrupted run: clearing the lock/);
    assert.deepEqual(engineLocks(ctx.backendDir), []);
    const result = await cancellableUp(ctx.stack, () => undefined);
    assert.equal(result.summary.result, "succeeded");
  } finally {
    await ctx.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
