/**
 * Starts Azurite (the project's npm copy) as a child process for tests, the local host and the
 * benchmark: in-memory, on free ports unless told otherwise, stopped by `stop()` or when the parent
 * exits. Each caller gets its own instance, so tests never share storage.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { READY_BOUND_MS } from "./readiness";

/** Azurite's well-known development account (public, documented; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  /** Base port: blob = port, queue = port + 1, table = port + 2. @default 0 (free ports) */
  readonly port?: number;
  /**
   * How long to wait for Azurite to report its three services listening. Readiness is what is awaited;
   * the bound only turns a hung start into an error, so it is generous for loaded CI machines.
   * @default 180000
   */
  readonly startTimeoutMs?: number;
}

export interface Azurite {
  readonly connectionString: string;
  readonly queuePort: number;
  readonly tablePort: number;
  readonly blobPort: number;
  /** The emulator's process id (the benchmark reads its CPU time). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const READY = /Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:]+:(\d+)/g;

function azuriteEntry(): string {
  return path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
}

export function connectionStringFor(ports: { blob: number; queue: number; table: number }): string {
  const host = "http://127.0.0.1";
  return [
    "DefaultEndpointsProtocol=http",
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${host}:${ports.blob}/${AZURITE_ACCOUNT}`,
    `QueueEndpoint=${host}:${ports.queue}/${AZURITE_ACCOUNT}`,
    `TableEndpoint=${host}:${ports.table}/${AZURITE_ACCOUNT}`,
  ].join(";");
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const base = options.port ?? 0;
  const port = (offset: number) => String(base === 0 ? 0 : base + offset);
  // Azurite refuses --location with --inMemoryPersistence, so the working folder is its scratch space.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "entra-signup-azurite-"));
  const child = spawn(
    process.execPath,
    [
      azuriteEntry(),
      ...["--blobPort", port(0), "--queuePort", port(1), "--tablePort", port(2)],
      ...["--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1"],
      "--inMemoryPersistence",
      ...["--extentMemoryLimit", "64"],
      "--skipApiVersionCheck",
      "--disableTelemetry",
      "--silent",
    ],
    { cwd, stdio: ["ignore", "pipe", "pipe"] },
  );
  // A crashed or interrupted parent must not leave Azurite running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const cleanup = () => {
    process.off("exit", killOnExit);
    fs.rmSync(cwd, { recursive: true, force: true });
  };
  try {
    const ports = await waitForPorts(child, options.startTimeoutMs ?? READY_BOUND_MS);
    return {
      connectionString: connectionStringFor(ports),
      blobPort: ports.blob,
      queuePort: ports.queue,
      tablePort: ports.table,
      pid: child.pid,
      stop: () => stopChild(child).finally(cleanup),
    };
  } catch (error) {
    await stopChild(child).finally(cleanup);
    throw error;
  }
}

function waitForPorts(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ blob: number; queue: number; table: number }> {
  return new Promise((resolve, reject) => {
    const found: Record<string, number> = {};
    let output = "";
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `Azurite did not report its blob, queue and table services listening within ${timeoutMs / 1000} s ` +
              `(heard: ${Object.keys(found).join(", ") || "none"}); the machine may be overloaded, or Azurite ` +
              `failed: its output follows.\n${output}`,
          ),
        ),
      timeoutMs,
    );
    const onData = (data: Buffer) => {
      output += data.toString();
      for (const match of output.matchAll(READY)) found[match[1]!.toLowerCase()] = Number(match[2]);
      if (found.blob !== undefined && found.queue !== undefined && found.table !== undefined) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ blob: found.blob, queue: found.queue, table: found.table });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (data: Buffer) => (output += data.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before it was ready:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
