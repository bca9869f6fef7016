/**
 * `npm run bench:connector [-- --seconds 3 --concurrency 16]`: prints figures, asserts nothing.
 *  (a) decision path: HTTP through the REAL handlers of the local connector host (auth, body, engine,
 *      response) with in-memory storage ports, in a child process;
 *  (b) engine only: `processRequest` called in-process with in-memory ports (no HTTP at all);
 *  (c) full path: the same host with Azurite (Basic auth, Table/Queue), distinct emails;
 *  (d) full path, the same few emails replayed (Entra's retry: idempotent shortcuts);
 *  plus the full path's Table/Queue round trips per decision for each outcome, next to the minimum
 *  (`functions/storage/roundTrips.ts`), counted through a proxy in front of Azurite;
 *  (e) bare `node:http` server (child process) answering the same response bytes as (a);
 *  (f) extension path: the same people as an external tenant's attribute-collection calls
 *      (`/api/onAttributeCollectionStart|Submit`, bench/extension-fixtures.ts) with a bearer token verified
 *      in full on every request (300 distinct tokens in turn, more than the validator remembers) against the
 *      Graph emulator's key set (fetched once, then cached: warm), memory;
 *  (g) the extension path on Azurite, like (c);
 *  plus the decision path's stage costs in process (bench/stages.ts) and the floor they give (a);
 *  (h) the storage floor of (c): the same stream's Table/Queue calls straight from the SDK clients, no
 *      host in front (bench/storage-floor.ts), so what (c) costs beyond it is the host's own.
 * "cpu µs/req" is the server side's CPU time (host, plus Azurite in (c)/(d)) per request: on a shared
 * machine req/s moves with other load, CPU per request much less.
 * (a), (e) and (f) are measured after the same warm-up of 15,000 requests (at most 30 s), so they run
 * optimized code, as a long-running worker does, and then in interleaved one-second turns (a, f, e, a,
 * f, e, …), so a change in the machine's load hits all three alike; (c), (d) and (g) after one second.
 * Every HTTP row uses the same keep-alive load generator, concurrency and request bodies; (a), (c) and (e)
 * send a stream of different people (`benchSignup`: accepted, pre-fill, blocked, ValidationError), so the
 * rate limiter is not one hot key. Plus cold start (spawn the local host → first 200) and the bundle size.
 * Targets: (a) throughput ≥ 0.5× (e) and server CPU per request ≤ 2× (e), (a) p99 ≤ 5 ms, bundle ≤ 1.5 MB;
 * (g) p99 ≤ 50 ms, so even an extension timeout of 200 ms (Entra's minimum) is safe.
 * The last line is one JSON object (`summaryLine`) for tools that track the figures over time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { BUNDLE_BUDGET_BYTES, buildConnectorPackage } from "../functions/build";
import {
  BENCH_MIX,
  benchAttributeIds,
  benchPolicy,
  benchRequests,
  benchSignup,
} from "../functions/engine/bench-fixtures";
import { MemoryApprovalStore, MemoryEventSink, MemoryRateLimiter } from "../functions/engine/memory";
import { processRequest } from "../functions/engine/pipeline";
import type { DecisionLogger } from "../functions/engine/types";
import { STORAGE_CALLS_MINIMUM, type StorageOutcome } from "../functions/storage/roundTrips";
import { startAzurite, type Azurite } from "../local/azurite";
import { startGraphEmulator, type GraphEmulator } from "../local/graph-emulator";
import { tokenIssuers } from "../contract/authenticationEvents";
import { extensionCall } from "./extension-fixtures";
import { stageCosts } from "./stages";
import { storageFloor } from "./storage-floor";
import { parseCommandLine } from "../local/cli-usage";
import {
  countCallsPerOutcome,
  describeCalls,
  tallyCalls,
  startStorageCallCounter,
  type OutcomeCount,
  type StorageCall,
  type OutcomeProbe,
} from "../local/storage-calls";

const ROOT = path.resolve(__dirname, "..");

interface Figures {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** Server CPU time per request (Linux /proc): unlike req/s, barely moved by other load on the machine. */
  readonly cpuUs?: number;
  /** The same split by process when there are several (host, Azurite), in `Target.pids` order. */
  readonly cpuUsByProcess?: readonly number[];
  /** Who the processes of `cpuUsByProcess` are. @default ["host", "Azurite"] */
  readonly processNames?: readonly string[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** What one timed load produced: a latency per answered request, the wall time, the failures. */
interface Run {
  readonly latencies: number[];
  readonly elapsedMs: number;
  readonly errors: number;
}

function summarise({ latencies, elapsedMs, errors }: Run): Figures {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: (latencies.length / elapsedMs) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

const silentLogger: DecisionLogger = { decision: () => {}, warn: () => {} };

function memoryDeps() {
  return {
    policy: benchPolicy,
    attributeIds: benchAttributeIds,
    now: () => new Date(),
    rateLimiter: new MemoryRateLimiter(),
    approvals: new MemoryApprovalStore(),
    events: new MemoryEventSink(),
    logger: silentLogger,
  };
}

/** (b) Sequential calls: the engine is CPU-bound, so concurrency in one thread adds nothing. */
async function engineOnly(seconds: number): Promise<Figures> {
  const deps = memoryDeps();
  let i = 0;
  for (; i < 2000; i++) {
    const r = benchSignup(i);
    await processRequest(r.step, r.body, deps); // warm-up: JIT and compiled-policy caches
  }
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (; performance.now() - started < seconds * 1000; i++) {
    const r = benchSignup(i);
    const t = performance.now();
    await processRequest(r.step, r.body, deps);
    latencies.push(performance.now() - t);
  }
  const { user, system } = process.cpuUsage(cpuBefore);
  return {
    ...summarise({ latencies, elapsedMs: performance.now() - started, errors: 0 }),
    cpuUs: (user + system) / latencies.length,
  };
}

/** The response bytes of one cycle of the mix, so the bare server answers exactly what the host would. */
async function mixResponses(): Promise<string[]> {
  const deps = memoryDeps();
  const bodies: string[] = [];
  for (let i = 0; i < BENCH_MIX.length; i++) {
    const r = benchSignup(i);
    bodies.push(JSON.stringify((await processRequest(r.step, r.body, deps)).response));
  }
  return bodies;
}

interface Call {
  readonly path: string;
  readonly body: string;
  /** This request's headers, when they differ from the target's (the extension rows' tokens). */
  readonly headers?: Record<string, string>;
}

/** What to send: `call(i)` for the i-th request; the counter lives on so warm-up never repeats an email. */
interface Target {
  readonly port: number;
  /** The server-side processes (host, and Azurite when used), for their CPU time. */
  readonly pids: readonly (number | undefined)[];
  readonly headers: Record<string, string>;
  readonly call: (i: number) => Call;
  next: number;
}

function target(
  server: { port: number; child: ChildProcess },
  headers: Record<string, string>,
  call: (i: number) => Call,
  from = 0,
  alsoPids: readonly (number | undefined)[] = [],
): Target {
  return { port: server.port, pids: [server.child.pid, ...alsoPids], headers, call, next: from };
}

const signupCall = (i: number): Call => {
  const r = benchSignup(i);
  return { path: `/api/${r.step}`, body: JSON.stringify(r.body) };
};

/** Keep-alive HTTP load: `concurrency` workers, each sending back-to-back requests until time is up. */
async function load(
  target: Target,
  seconds: number,
  concurrency: number,
  untilRequests = Infinity,
): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const send = (call: Call) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: target.port,
          path: call.path,
          method: "POST",
          agent,
          headers: call.headers ?? target.headers,
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(call.body);
    });
  const run = await loadDecisions(
    async (i) => {
      const status = await send(target.call(i));
      if (status !== 200 && status !== 400) throw new Error(`HTTP ${status}`);
    },
    seconds,
    concurrency,
    target,
    untilRequests,
  );
  agent.destroy();
  return run;
}

/**
 * `concurrency` workers calling `decide(i)` back to back (i from `from.next` on) for `seconds`, or until
 * `untilRequests` have started. A call that rejects counts as an error; the others give a latency each.
 */
async function loadDecisions(
  decide: (i: number) => Promise<void>,
  seconds: number,
  concurrency: number,
  from: { next: number },
  untilRequests = Infinity,
): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  let started = 0;
  const worker = async () => {
    while (performance.now() < deadline && started++ < untilRequests) {
      const t = performance.now();
      try {
        await decide(from.next++);
        latencies.push(performance.now() - t);
      } catch {
        errors++;
      }
    }
  };
  const begun = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, elapsedMs: performance.now() - begun, errors };
}

/**
 * (h) the full path's storage floor (bench/storage-floor.ts): the same stream's Table/Queue calls from
 * the SDK clients in this process, after the same one-second warm-up as (c). Server CPU is this process's
 * (the SDK, plus the tiny load loop) and Azurite's.
 */
async function measureStorageFloor(
  connectionString: string,
  azuritePid: number | undefined,
  seconds: number,
  concurrency: number,
): Promise<Figures> {
  const decide = await storageFloor(connectionString);
  const counter = { next: 0 };
  await loadDecisions(decide, 1, concurrency, counter);
  const before = process.cpuUsage();
  const azuriteBefore = cpuMs(azuritePid);
  const run = await loadDecisions(decide, seconds, concurrency, counter);
  const used = process.cpuUsage(before);
  const azuriteAfter = cpuMs(azuritePid);
  const azuriteMs =
    azuriteBefore === undefined || azuriteAfter === undefined ? undefined : azuriteAfter - azuriteBefore;
  return {
    ...withCpu(summarise(run), [(used.user + used.system) / 1000, azuriteMs]),
    processNames: ["SDK", "Azurite"],
  };
}

/**
 * Warm-up before a measured run: V8 optimizes a function only after many calls, and the decision path
 * runs a few hundred distinct functions; measured after one second (a few hundred requests on a busy
 * machine) it was mostly unoptimized code. A long-running Functions worker is past that point.
 */
interface WarmUp {
  readonly requests: number;
  /** Stop warming after this long even if fewer requests went through (a slow full path). */
  readonly maxSeconds: number;
}

/** The full path's warm-up: connections and tables; the storage round trips dominate, not the JIT. */
const SHORT_WARM_UP: WarmUp = { requests: 0, maxSeconds: 1 };
/** The decision path and its floor: enough requests for the optimizing compiler to have run. */
const JIT_WARM_UP: WarmUp = { requests: 15_000, maxSeconds: 30 };

async function measure(
  target: Target,
  seconds: number,
  concurrency: number,
  warmUp: WarmUp = SHORT_WARM_UP,
): Promise<Figures> {
  return (await measureInterleaved([target], seconds, concurrency, warmUp))[0]!;
}

/**
 * Each target warmed up, then measured in one-second turns (a, b, c, a, b, c, …) for `seconds` rounds,
 * so a change in the machine's load during the run hits every target alike and their ratios hold.
 * Latencies, wall time and server CPU are summed over each target's turns.
 */
async function measureInterleaved(
  targets: readonly Target[],
  seconds: number,
  concurrency: number,
  warmUp: WarmUp,
): Promise<Figures[]> {
  for (const target of targets) {
    await load(target, 1, concurrency);
    if (warmUp.requests > 0) await load(target, warmUp.maxSeconds, concurrency, warmUp.requests);
  }
  const runs = targets.map(() => ({ latencies: [] as number[], elapsedMs: 0, errors: 0 }));
  const cpu = targets.map((t) => t.pids.map((): number | undefined => 0));
  const rounds = Math.max(1, Math.round(seconds));
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const before = target.pids.map(cpuMs);
      const run = await load(target, seconds / rounds, concurrency);
      const after = target.pids.map(cpuMs);
      runs[i]!.latencies.push(...run.latencies);
      runs[i]!.elapsedMs += run.elapsedMs;
      runs[i]!.errors += run.errors;
      cpu[i] = cpu[i]!.map((total, p) =>
        total === undefined || after[p] === undefined || before[p] === undefined
          ? undefined
          : total + after[p] - before[p],
      );
    }
  }
  return runs.map((run, i) => withCpu(summarise(run), cpu[i]!));
}

/** Adds server CPU per request (total, and per process when there are several). */
function withCpu(figures: Figures, cpuMsByProcess: readonly (number | undefined)[]): Figures {
  if (cpuMsByProcess.some((ms) => ms === undefined) || figures.requests === 0) return figures;
  const perRequest = (cpuMsByProcess as number[]).map(
    (ms) => (ms * 1000) / (figures.requests + figures.errors),
  );
  return {
    ...figures,
    cpuUs: perRequest.reduce((a, b) => a + b, 0),
    ...(perRequest.length > 1 ? { cpuUsByProcess: perRequest } : {}),
  };
}

/** User + system CPU of a process in ms, from /proc (clock ticks of 10 ms); undefined off Linux. */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Spawns a process and resolves with the port it prints as `listening on http://127.0.0.1:<port>`. */
function spawnServer(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
  });
}

/** Answers every request with the next of BARE_BODIES (the mix's responses), as the host would. */
const BARE_SERVER = `
const bodies = JSON.parse(process.env.BARE_BODIES).map((b) => Buffer.from(b));
let n = 0;
require("node:http").createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const body = bodies[n++ % bodies.length];
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length });
    res.end(body);
  });
}).listen(0, "127.0.0.1", function () { console.log("listening on http://127.0.0.1:" + this.address().port); });
process.once("SIGTERM", () => process.exit(0)); // a normal exit, so --cpu-prof writes its profile
`;

/** The extension API's appId the bench's tokens are minted for. */
const BENCH_API_APP_ID = "5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10";

/** Both kinds of caller on one host: Basic for the B2X steps, bearer tokens from the emulator for (f)/(g). */
function hostEnv(password: string, emu: GraphEmulator, connectionString?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AUTH_EVENTS_TENANT_ID: emu.tenantId,
    AUTH_EVENTS_API_APP_ID: BENCH_API_APP_ID,
    AUTH_EVENTS_ISSUERS: tokenIssuers({ kind: "external", cloud: "global", tenantId: emu.tenantId }).join(
      ",",
    ),
    AUTH_EVENTS_KEY_SET_URI: emu.keySetUri,
    SIGNUP_POLICY: JSON.stringify(benchPolicy),
    SIGNUP_ATTRIBUTE_IDS: JSON.stringify(benchAttributeIds),
    CONNECTOR_AUTH_MODE: "basic",
    CONNECTOR_BASIC_USERNAME: "bench",
    CONNECTOR_BASIC_PASSWORD: password,
    ...(connectionString === undefined ? {} : { AzureWebJobsStorage: connectionString }),
  };
}

const HOST_ARGS = ["--import", "tsx", "local/connector-host/cli.ts", "--port", "0"];

/**
 * `--profile <dir>`: the hosts of (a), (f) and (c)/(d)/(g) run with V8's CPU profiler and write
 * `<dir>/<decision|extension|full-path|bare>/*.cpuprofile` on exit; `npm run bench:profile -- --from
 * <dir>/decision` summarises one.
 */
function hostArgs(profileDir: string | undefined, name: string, extra: string[] = []): string[] {
  return [...profileArgs(profileDir, name), ...HOST_ARGS, ...extra];
}

function profileArgs(profileDir: string | undefined, name: string): string[] {
  return profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", path.resolve(profileDir, name)];
}

/** SIGTERM and wait for the exit, so a profiled host has written its profile. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill();
  });
}

/** Spawn the local host → first 200; the figure includes tsx transpiling the sources (no bundle). */
async function coldStart(env: NodeJS.ProcessEnv, auth: string, body: string): Promise<number> {
  const started = performance.now();
  const { child, port } = await spawnServer(HOST_ARGS, env);
  try {
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${port}/api/postFederationSignup`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body,
      }).then((r) => r.arrayBuffer().then(() => r.status));
      if (status === 200) return performance.now() - started;
    }
  } finally {
    child.kill();
  }
}

function cpu(f: Figures): string {
  if (f.cpuUs === undefined) return "";
  const names = f.processNames ?? ["host", "Azurite"];
  const split =
    f.cpuUsByProcess === undefined
      ? ""
      : ` (${f.cpuUsByProcess.map((us, i) => `${names[i]} ${us.toFixed(0)}`).join(" + ")})`;
  return `cpu ${f.cpuUs.toFixed(0).padStart(4)} µs/req${split}   `;
}

function row(name: string, f: Figures, bare?: Figures): string {
  const ratio = bare === undefined ? "" : `  ${(f.perSecond / bare.perSecond).toFixed(2)}× bare`;
  return (
    `${name.padEnd(34)} ${f.perSecond.toFixed(0).padStart(8)} req/s   p50 ${f.p50.toFixed(3).padStart(8)} ms` +
    `   p99 ${f.p99.toFixed(3).padStart(8)} ms   ${cpu(f)}n=${f.requests}` +
    `${f.errors ? ` errors=${f.errors}` : ""}${ratio}`
  );
}

interface Results {
  readonly decision: Figures;
  readonly bare: Figures;
  readonly azurite: Figures;
  readonly replayed: Figures;
  readonly extension: Figures;
  readonly extensionAzurite: Figures;
  readonly storageFloor: Figures;
}

/** How the rows call: Basic for the B2X steps, bearer tokens for the extension rows (key set cached). */
interface Callers {
  readonly basic: Record<string, string>;
  /** The extension rows' calls: each with the next of the distinct tokens. */
  readonly bearer: (i: number) => Call;
}

/**
 * Distinct tokens the extension rows cycle through: more than the validator remembers (256,
 * functions/auth/bearer.ts), so every request is verified in full (RS256 and claims) — the case where
 * Entra sends a new token on every call. A token Entra sent again would skip the signature check.
 */
const BENCH_TOKENS = 300;

/** (a), (f) and (e) in interleaved turns, so the ratios compare like with like on a shared machine. */
async function decisionVersusBare(
  env: NodeJS.ProcessEnv,
  callers: Callers,
  seconds: number,
  concurrency: number,
  servers: ChildProcess[],
  profileDir: string | undefined,
): Promise<Pick<Results, "decision" | "bare" | "extension">> {
  const headers = callers.basic;
  // One host per row, so a profile of (a) holds (a) only.
  const memoryHost = async (name: string) => {
    const host = await spawnServer(hostArgs(profileDir, name, ["--storage", "memory"]), env);
    servers.push(host.child);
    return host;
  };
  const host = await memoryHost("decision");
  const extensionHost = await memoryHost("extension");
  const bare = await spawnServer([...profileArgs(profileDir, "bare"), "-e", BARE_SERVER], {
    ...process.env,
    BARE_BODIES: JSON.stringify(await mixResponses()),
  });
  servers.push(bare.child);
  const [decision, extension, bareFigures] = await measureInterleaved(
    [
      target(host, headers, signupCall),
      target(extensionHost, callers.basic, callers.bearer, 5_000_000),
      target(bare, headers, signupCall),
    ],
    seconds,
    concurrency,
    JIT_WARM_UP,
  );
  await Promise.all([stop(host.child), stop(extensionHost.child), stop(bare.child)]);
  return { decision: decision!, bare: bareFigures!, extension: extension! };
}

/** (c), (d) and (g): the host on Azurite, a stream of different people, the same emails replayed, extensions. */
async function fullPath(
  env: NodeJS.ProcessEnv,
  azuritePid: number | undefined,
  callers: Callers,
  seconds: number,
  concurrency: number,
  servers: ChildProcess[],
  profileDir: string | undefined,
): Promise<Pick<Results, "azurite" | "replayed" | "extensionAzurite">> {
  const headers = callers.basic;
  const host = await spawnServer(hostArgs(profileDir, "full-path"), env);
  servers.push(host.child);
  const azurite = await measure(
    target(host, headers, signupCall, 1_000_000, [azuritePid]),
    seconds,
    concurrency,
  );
  const replays = benchRequests.filter((r) => r.step === "postAttributeCollection");
  const replay = (i: number): Call => ({
    path: "/api/postAttributeCollection",
    body: JSON.stringify(replays[i % replays.length]!.body),
  });
  const replayed = await measure(target(host, headers, replay, 0, [azuritePid]), seconds, concurrency);
  const extensionAzurite = await measure(
    target(host, callers.basic, callers.bearer, 7_000_000, [azuritePid]),
    seconds,
    concurrency,
  );
  await stop(host.child);
  return { azurite, replayed, extensionAzurite };
}

/** Sign-ups from one domain sent at once for the burst count (as many as the load's concurrency). */
const BURST = 16;

interface BurstCount {
  readonly calls: readonly StorageCall[];
  readonly decisions: number;
}

/** The full-path outcomes whose storage round trips the bench counts (the rate-limited one needs a full domain). */
const COUNTED_OUTCOMES: readonly OutcomeProbe<StorageOutcome>[] = (() => {
  const accepted = benchRequests.find((r) => r.name === "accepted")!.body as Record<string, unknown>;
  const person = (email: string, extra: Record<string, unknown> = {}) => ({ ...accepted, email, ...extra });
  const justification = Object.keys(accepted).find((k) => k.endsWith("_Justification"))!;
  return [
    {
      outcome: "federationContinue",
      step: "postFederationSignup",
      body: { email: "count@partner-company.com" },
      expect: "Continue",
    },
    {
      outcome: "accepted",
      step: "postAttributeCollection",
      body: person("count@partner-company.com"),
      expect: "Continue",
    },
    {
      outcome: "retry",
      step: "postAttributeCollection",
      body: person("count@partner-company.com"),
      expect: "Continue",
    },
    {
      outcome: "blocked",
      step: "postAttributeCollection",
      body: person("count@gmail.com"),
      expect: "ShowBlockPage:domain_blocked",
    },
    {
      outcome: "validationError",
      step: "postAttributeCollection",
      body: person("short@partner-company.com", { [justification]: "too short" }),
      expect: "ValidationError:justification_too_short",
    },
  ];
})();

/**
 * Storage round trips per decision on the full path: the host on Azurite behind a counting proxy (not the
 * measured rows, so the proxy adds nothing to their latency), one decision per outcome, after a warm-up
 * that creates the tables. Fresh table names, so the rows (c)/(d) left behind do not change the outcome.
 */
async function storageCallsPerDecision(
  azurite: Azurite,
  emu: GraphEmulator,
  password: string,
  headers: Record<string, string>,
  servers: ChildProcess[],
): Promise<{ counts: OutcomeCount<StorageOutcome>[]; burst: BurstCount }> {
  const counter = await startStorageCallCounter(azurite);
  try {
    const host = await spawnServer(HOST_ARGS, {
      ...hostEnv(password, emu, counter.connectionString),
      SIGNUP_RATE_LIMIT_TABLE: "BenchCountLimits",
      SIGNUP_EVENT_MARKERS_TABLE: "BenchCountMarkers",
    });
    servers.push(host.child);
    const post = async (step: string, body: unknown) => {
      const response = await fetch(`http://127.0.0.1:${host.port}/api/${step}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    await post("postAttributeCollection", {
      ...(COUNTED_OUTCOMES[1]!.body as object),
      email: "warm@partner-company.com",
    });
    const counts = await countCallsPerOutcome(counter, post, COUNTED_OUTCOMES);
    for (const [i, count] of counts.entries())
      if (count.answer !== COUNTED_OUTCOMES[i]!.expect)
        throw new Error(`storage-call probe ${count.outcome} answered ${count.answer}`);
    // A burst: BURST accepted sign-ups from one domain at once (a company's onboarding day).
    const mark = counter.calls.length;
    const accepted = COUNTED_OUTCOMES.find((o) => o.outcome === "accepted")!.body as object;
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        post("postAttributeCollection", { ...accepted, email: `burst${i}@partner-company.com` }),
      ),
    );
    if (answers.some((a) => a.action !== "Continue")) throw new Error("a burst sign-up was not accepted");
    host.child.kill();
    return { counts, burst: { calls: counter.calls.slice(mark), decisions: BURST } };
  } finally {
    await counter.close();
  }
}

/** The machine-readable figures; one JSON line, the last the benchmark prints. */
interface Summary {
  /** (a) req/s ÷ (e) req/s, both measured in this run. */
  readonly decision_path_ratio: number;
  /** (c) p99 in ms: HTTP + Azurite, distinct people. */
  readonly full_path_p99_ms: number;
  /** (h) p99 in ms: the same Table/Queue calls straight from the SDK, no host (the floor of (c)). */
  readonly full_path_floor_p99_ms: number;
  /** Table/Queue calls per decision on the full path, per outcome, next to the minimum the guarantees need. */
  readonly storage_calls_per_decision: Readonly<Record<string, { calls: number; minimum: number }>>;
  /** The deployed `app.js` in bytes. */
  readonly bundle_bytes: number;
  /** (f) req/s ÷ (e) req/s: the extension path (token validated, memory) next to the bare server. */
  readonly extension_decision_path_ratio: number;
  /** (f) p99 in ms. */
  readonly extension_decision_path_p99_ms: number;
  /** (g) p99 in ms: extension path with token validation and Azurite (target ≤ 50). */
  readonly extension_path_p99_ms: number;
}

function summaryLine(
  results: Results,
  bundleBytes: number,
  storageCalls: Summary["storage_calls_per_decision"],
) {
  const summary: Summary = {
    decision_path_ratio: round(results.decision.perSecond / results.bare.perSecond, 2),
    full_path_p99_ms: round(results.azurite.p99, 1),
    full_path_floor_p99_ms: round(results.storageFloor.p99, 1),
    storage_calls_per_decision: storageCalls,
    bundle_bytes: bundleBytes,
    extension_decision_path_ratio: round(results.extension.perSecond / results.bare.perSecond, 2),
    extension_decision_path_p99_ms: round(results.extension.p99, 1),
    extension_path_p99_ms: round(results.extensionAzurite.p99, 1),
  };
  return JSON.stringify(summary);
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** "n× floor" for server CPU per request: how many bare servers' worth of CPU one request costs. */
function cpuTimes(f: Figures, floor: Figures): string {
  return f.cpuUs === undefined || floor.cpuUs === undefined
    ? "n/a"
    : `${(f.cpuUs / floor.cpuUs).toFixed(1)}×`;
}

const USAGE = `usage: npm run bench:connector [-- --seconds <s>] [--concurrency <n>] [--profile <dir>]

Connector latency and throughput next to a bare Node.js server, cold start and bundle size (figures only).
  --seconds <s>        duration of each scenario (default 3)
  --concurrency <n>    requests in flight (default 16)
  --profile <dir>      CPU-profile the hosts and the bare server into <dir>/decision, extension,
                       full-path and bare (summary: npm run bench:profile -- --from <dir>/decision)
  -h, --help           this text`;

async function main(): Promise<void> {
  const values = parseCommandLine("bench:connector", USAGE, {
    seconds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "16" },
    profile: { type: "string" },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, ${seconds} s per scenario, concurrency ${concurrency}`,
  );

  const pkg = await buildConnectorPackage({ outDir: path.join(ROOT, ".tmp", "bench-connector") });
  const engine = await engineOnly(seconds);
  const stages = await stageCosts();

  const password = randomBytes(18).toString("base64url");
  const auth = `Basic ${Buffer.from(`bench:${password}`).toString("base64")}`;
  const headers = { authorization: auth, "content-type": "application/json" };
  const servers: ChildProcess[] = [];
  const emu = await startGraphEmulator();
  const azuriteProcess = await startAzurite();
  try {
    const tokens: string[] = [];
    for (let i = 0; i < BENCH_TOKENS; i++)
      tokens.push(await emu.identityPlatform.mint({ audience: BENCH_API_APP_ID, lifetimeSeconds: 3600 }));
    const callers: Callers = {
      basic: headers,
      bearer: (i) => ({
        ...extensionCall(i),
        headers: { authorization: `Bearer ${tokens[i % BENCH_TOKENS]}`, "content-type": "application/json" },
      }),
    };
    const { decision, bare, extension } = await decisionVersusBare(
      hostEnv(password, emu),
      callers,
      seconds,
      concurrency,
      servers,
      values.profile,
    );
    const env = hostEnv(password, emu, azuriteProcess.connectionString);
    const { azurite, replayed, extensionAzurite } = await fullPath(
      env,
      azuriteProcess.pid,
      callers,
      seconds,
      concurrency,
      servers,
      values.profile,
    );
    const floor = await measureStorageFloor(
      azuriteProcess.connectionString,
      azuriteProcess.pid,
      seconds,
      concurrency,
    );
    const { counts, burst } = await storageCallsPerDecision(azuriteProcess, emu, password, headers, servers);
    const cold = await coldStart(env, auth, JSON.stringify({ email: "cold@partner-company.com" }));
    const responses = await mixResponses();
    const meanBytes = responses.reduce((n, b) => n + Buffer.byteLength(b), 0) / responses.length;

    console.log("");
    console.log(row("(a) decision path (HTTP, memory)", decision, bare));
    console.log(row("(b) engine only (in-process)", engine, bare));
    console.log(row("(c) HTTP + Azurite, distinct emails", azurite, bare));
    console.log(row("(d) HTTP + Azurite, emails replayed", replayed, bare));
    console.log(row("(e) bare node:http", bare));
    console.log(row("(f) extension path (token, memory)", extension, bare));
    console.log(row("(g) extension path (token, Azurite)", extensionAzurite, bare));
    console.log(row("(h) storage floor of (c), SDK only", floor, bare));
    console.log("");
    console.log(
      `mix per ${BENCH_MIX.length}: ${BENCH_MIX.join(", ")}; mean response ${meanBytes.toFixed(0)} bytes ` +
        `(the bare server answers the same bytes)`,
    );
    console.log("storage round trips per decision (full path, counted through a proxy; [minimum]):");
    for (const c of counts)
      console.log(
        `  ${c.outcome.padEnd(20)} ${String(c.calls.length).padStart(2)} [${STORAGE_CALLS_MINIMUM[c.outcome]}]  ${describeCalls(c.calls)}`,
      );
    const burstPerDecision = burst.calls.length / burst.decisions;
    console.log(
      `  ${`accepted ×${burst.decisions} at once`.padEnd(20)} ${burstPerDecision.toFixed(2)} [${STORAGE_CALLS_MINIMUM.accepted}]  ` +
        `per decision, ${burst.decisions} sign-ups from one domain sent together: ${tallyCalls(burst.calls)}`,
    );
    console.log("where a decision-path request's CPU goes, stage by stage in process (µs per call):");
    for (const { stage, us } of stages) console.log(`  ${us.toFixed(2).padStart(7)}  ${stage}`);
    const cost = (stage: string) => stages.find((s) => s.stage.startsWith(stage))!.us;
    const kept = cost("Basic check") + cost("handler");
    if (bare.cpuUs !== undefined)
      console.log(
        `  floor of (a) with these parts kept: bare ${bare.cpuUs.toFixed(0)} + Basic check and handler ` +
          `${kept.toFixed(0)} = ${(bare.cpuUs + kept).toFixed(0)} µs, ${((bare.cpuUs + kept) / bare.cpuUs).toFixed(1)}× bare ` +
          `(measured (a): ${cpuTimes(decision, bare)})`,
      );
    console.log(`cold start (spawn local host via tsx → first 200): ${cold.toFixed(0)} ms`);
    const budget = pkg.bundleBytes <= BUNDLE_BUDGET_BYTES ? "within" : "OVER";
    console.log(
      `bundle app.js ${(pkg.bundleBytes / 1024).toFixed(1)} KiB (${budget} 1.5 MiB), lazy @azure/identity ` +
        `${(pkg.identityBundleBytes / 1024).toFixed(1)} KiB, zip ${(pkg.zipBytes / 1024).toFixed(1)} KiB`,
    );
    console.log(
      `targets: decision path ${(decision.perSecond / bare.perSecond).toFixed(2)}× bare req/s (≥ 0.5), ` +
        `server CPU per request ${cpuTimes(decision, bare)} bare's (≤ 2×), ` +
        `decision path p99 ${decision.p99.toFixed(3)} ms (≤ 5); floors: (e) bare node:http for (a), ` +
        `(b) engine only for the decision itself`,
    );
    console.log(
      `full path p99 ${azurite.p99.toFixed(3)} ms (≤ 50 on a quiet machine); its storage floor (h), the same ` +
        `Table/Queue calls straight from the SDK: p99 ${floor.p99.toFixed(3)} ms; (c) takes ` +
        `${cpuTimes(azurite, floor)} the floor's server CPU per decision`,
    );
    console.log(
      `extension path (a new bearer token verified in full per request, warm key set): ${(extension.perSecond / bare.perSecond).toFixed(2)}× bare req/s, ` +
        `server CPU per request ${cpuTimes(extension, bare)} bare's, p99 ${extension.p99.toFixed(3)} ms in memory, ` +
        `${extensionAzurite.p99.toFixed(3)} ms with Azurite (≤ 50, against Entra's 200 ms minimum timeout)`,
    );
    console.log(
      summaryLine(
        { decision, bare, azurite, replayed, extension, extensionAzurite, storageFloor: floor },
        pkg.bundleBytes,
        {
          ...Object.fromEntries(
            counts.map((c) => [
              c.outcome,
              { calls: c.calls.length, minimum: STORAGE_CALLS_MINIMUM[c.outcome] },
            ]),
          ),
          acceptedBurst: { calls: round(burstPerDecision, 2), minimum: STORAGE_CALLS_MINIMUM.accepted },
        },
      ),
    );
  } finally {
    for (const child of servers) child.kill();
    await azuriteProcess.stop();
    await emu.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:connector failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
