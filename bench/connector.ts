/**
 * `npm run bench:connector [-- --seconds 3 --concurrency 16]`: prints figures, asserts nothing.
 *  (a) decision path: `processRequest` in-process with in-memory ports (the engine's bench fixtures);
 *  (b) full HTTP path: the local connector host (child process) with Azurite, Basic auth, Table/Queue;
 *  (c) bare `node:http` server (child process) answering a same-sized JSON body;
 * (b) and (c) use the same in-process keep-alive load generator (bounded concurrency and duration).
 * Plus cold start (spawn the local host → first 200) and the package/bundle size.
 * Targets: (a) throughput ≥ 0.5× (c), (a) p99 ≤ 5 ms, bundle ≤ 1.5 MB.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { BUNDLE_BUDGET_BYTES, buildConnectorPackage } from "../functions/build";
import { benchAttributeIds, benchNow, benchPolicy, benchRequests } from "../functions/engine/bench-fixtures";
import { MemoryApprovalStore, MemoryEventSink, MemoryRateLimiter } from "../functions/engine/memory";
import { processRequest } from "../functions/engine/pipeline";
import type { DecisionLogger } from "../functions/engine/types";
import { startAzurite } from "../local/azurite";

const ROOT = path.resolve(__dirname, "..");

interface Figures {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarise(latencies: number[], elapsedMs: number, errors: number): Figures {
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

/** (a) Sequential calls: the engine is CPU-bound, so concurrency in one thread adds nothing. */
async function decisionPath(seconds: number): Promise<Figures> {
  const deps = {
    policy: benchPolicy,
    attributeIds: benchAttributeIds,
    now: () => benchNow,
    rateLimiter: new MemoryRateLimiter(),
    approvals: new MemoryApprovalStore(),
    events: new MemoryEventSink(),
    logger: silentLogger,
  };
  for (let i = 0; i < 2000; i++) {
    const r = benchRequests[i % benchRequests.length]!;
    await processRequest(r.step, r.body, deps); // warm-up: JIT and compiled-policy caches
  }
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    const r = benchRequests[i % benchRequests.length]!;
    const t = performance.now();
    await processRequest(r.step, r.body, deps);
    latencies.push(performance.now() - t);
  }
  return summarise(latencies, performance.now() - started, 0);
}

interface Target {
  readonly port: number;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly bodies: readonly string[];
}

/** Keep-alive HTTP load: `concurrency` workers, each sending back-to-back requests until time is up. */
async function load(target: Target, seconds: number, concurrency: number): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const send = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: target.port,
          path: target.path,
          method: "POST",
          agent,
          headers: target.headers,
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const body = target.bodies[next++ % target.bodies.length]!;
      const t = performance.now();
      const status = await send(body).catch(() => 0);
      if (status === 200 || status === 400) latencies.push(performance.now() - t);
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  agent.destroy();
  return summarise(latencies, elapsed, errors);
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

const BARE_SERVER = `
const body = Buffer.from(process.env.BARE_BODY);
require("node:http").createServer((req, res) => {
  req.resume();
  req.on("end", () => { res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length }); res.end(body); });
}).listen(0, "127.0.0.1", function () { console.log("listening on http://127.0.0.1:" + this.address().port); });
`;

function hostEnv(connectionString: string, password: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SIGNUP_POLICY: JSON.stringify(benchPolicy),
    SIGNUP_ATTRIBUTE_IDS: JSON.stringify(benchAttributeIds),
    CONNECTOR_AUTH_MODE: "basic",
    CONNECTOR_BASIC_USERNAME: "bench",
    CONNECTOR_BASIC_PASSWORD: password,
    AzureWebJobsStorage: connectionString,
  };
}

/** Spawn the local host → first 200; the figure includes tsx transpiling the sources (no bundle). */
async function coldStart(env: NodeJS.ProcessEnv, auth: string, body: string): Promise<number> {
  const started = performance.now();
  const { child, port } = await spawnServer(
    ["--import", "tsx", "local/connector-host/cli.ts", "--port", "0"],
    env,
  );
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

function row(name: string, f: Figures, bare?: Figures): string {
  const ratio = bare === undefined ? "" : `  ${(f.perSecond / bare.perSecond).toFixed(2)}× bare`;
  return (
    `${name.padEnd(26)} ${f.perSecond.toFixed(0).padStart(8)} req/s   p50 ${f.p50.toFixed(3).padStart(8)} ms` +
    `   p99 ${f.p99.toFixed(3).padStart(8)} ms   n=${f.requests}${f.errors ? ` errors=${f.errors}` : ""}${ratio}`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "3" }, concurrency: { type: "string", default: "16" } },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, ${seconds} s per scenario, concurrency ${concurrency}`,
  );

  const pkg = await buildConnectorPackage({ outDir: path.join(ROOT, ".tmp", "bench-connector") });
  const decision = await decisionPath(seconds);

  const azurite = await startAzurite();
  const password = randomBytes(18).toString("base64url");
  const auth = `Basic ${Buffer.from(`bench:${password}`).toString("base64")}`;
  const env = hostEnv(azurite.connectionString, password);
  const bodies = benchRequests.map((r) => JSON.stringify(r.body));
  const paths = benchRequests.map((r) => r.step);
  const servers: ChildProcess[] = [];
  try {
    const host = await spawnServer(["--import", "tsx", "local/connector-host/cli.ts", "--port", "0"], env);
    servers.push(host.child);
    // One path per run keeps the generator simple; postAttributeCollection carries most of the work.
    const step = paths.includes("postAttributeCollection") ? "postAttributeCollection" : paths[0]!;
    const stepBodies = bodies.filter((_, i) => paths[i] === step);
    const headers = { authorization: auth, "content-type": "application/json" };
    const sample = await fetch(`http://127.0.0.1:${host.port}/api/${step}`, {
      method: "POST",
      headers,
      body: stepBodies[0],
    });
    const sampleBody = await sample.text();
    await load({ port: host.port, path: `/api/${step}`, headers, bodies: stepBodies }, 1, concurrency); // warm-up
    const full = await load(
      { port: host.port, path: `/api/${step}`, headers, bodies: stepBodies },
      seconds,
      concurrency,
    );

    const bare = await spawnServer(["-e", BARE_SERVER], { ...process.env, BARE_BODY: sampleBody });
    servers.push(bare.child);
    await load({ port: bare.port, path: "/", headers, bodies: stepBodies }, 1, concurrency);
    const bareFigures = await load(
      { port: bare.port, path: "/", headers, bodies: stepBodies },
      seconds,
      concurrency,
    );

    const cold = await coldStart(env, auth, JSON.stringify({ email: "cold@partner-company.com" }));

    console.log("");
    console.log(row("(a) decision path", decision, bareFigures));
    console.log(row("(b) HTTP + Azurite", full, bareFigures));
    console.log(row("(c) bare node:http", bareFigures));
    console.log("");
    console.log(`response body ${Buffer.byteLength(sampleBody)} bytes (bare server answers the same bytes)`);
    console.log(`cold start (spawn local host via tsx → first 200): ${cold.toFixed(0)} ms`);
    const budget = pkg.bundleBytes <= BUNDLE_BUDGET_BYTES ? "within" : "OVER";
    console.log(
      `bundle app.js ${(pkg.bundleBytes / 1024).toFixed(1)} KiB (${budget} 1.5 MiB), lazy @azure/identity ` +
        `${(pkg.identityBundleBytes / 1024).toFixed(1)} KiB, zip ${(pkg.zipBytes / 1024).toFixed(1)} KiB`,
    );
    console.log(
      `targets: decision throughput ${(decision.perSecond / bareFigures.perSecond).toFixed(2)}× bare (≥ 0.5), ` +
        `decision p99 ${decision.p99.toFixed(3)} ms (≤ 5)`,
    );
  } finally {
    for (const child of servers) child.kill();
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:connector failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
