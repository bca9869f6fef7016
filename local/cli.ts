/**
 * `npm run local` — the whole sign-up system on this machine, then the sign-up page's URL.
 * `npm run local -- --down` — destroy the local stack and stop every local service.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PortInUseError, StateFolderBusyError, lockStateFolder, stopService } from "./daemons";
import { StackConfigError } from "../stacks/config-check";
import { localFailureBlock, runLog } from "./failure";
import { DEFAULT_PORTS, PORT_FLAGS, down, repoRoot, up, type LocalPorts } from "./system";

const usage = `usage: npm run local [-- --down] [--state-dir <dir>] ${Object.values(PORT_FLAGS)
  .map((f) => `[${f} <port>]`)
  .join(" ")}`;

export function parseLocalArgs(argv: string[]) {
  const portOptions = Object.fromEntries(
    Object.values(PORT_FLAGS).map((f) => [f.slice(2), { type: "string" as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: {
      down: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
      "state-dir": { type: "string" },
      ...portOptions,
    },
  });
  const ports: Record<string, number> = { ...DEFAULT_PORTS };
  for (const [key, flag] of Object.entries(PORT_FLAGS)) {
    const raw = (values as Record<string, string | boolean | undefined>)[flag.slice(2)];
    if (raw === undefined) continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`${flag} '${String(raw)}' is not a port number`);
    ports[key] = port;
  }
  const taken = new Map<number, string>();
  for (const [key, port] of Object.entries(ports)) {
    const other = taken.get(port);
    if (other)
      throw new Error(
        `${PORT_FLAGS[key as keyof LocalPorts]} and ${PORT_FLAGS[other as keyof LocalPorts]} both use port ${port}`,
      );
    taken.set(port, key);
  }
  const stateDir = path.resolve(values["state-dir"] ?? path.join(repoRoot, ".local"));
  return { down: values.down, help: values.help, ports: ports as unknown as LocalPorts, stateDir };
}

function print(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseLocalArgs>;
  try {
    args = parseLocalArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`local: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  let release: () => void;
  try {
    release = lockStateFolder(args.stateDir);
  } catch (err) {
    if (!(err instanceof StateFolderBusyError)) throw err;
    console.error(`local: ${err.message}`);
    return 2;
  }
  try {
    return args.down ? await runDown(args) : await runUp(args);
  } finally {
    release();
  }
}

async function runDown(args: ReturnType<typeof parseLocalArgs>): Promise<number> {
  try {
    const result = await down({ stateDir: args.stateDir, ports: args.ports, onProgress: print });
    print(
      `down: ${result.destroyed ? "stack destroyed" : "no local stack"}; stopped ${result.stopped.join(", ") || "nothing"}`,
    );
    return 0;
  } catch (err) {
    console.error(`local: ${(err as Error).message}`);
    return err instanceof PortInUseError ? 2 : 1;
  }
}

async function runUp(args: ReturnType<typeof parseLocalArgs>): Promise<number> {
  const startedAt = Date.now();
  const started: string[] = [];
  const log = runLog(args.stateDir);
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    print("interrupted: cancelling the update and stopping what this run started (Ctrl-C again to force)");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    const info = await up(
      {
        stateDir: args.stateDir,
        ports: args.ports,
        onProgress: (line) => {
          print(line);
          log.write(line);
        },
      },
      started,
      controller.signal,
    );
    if (interrupted) throw new Error("interrupted");
    print(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`);
    console.log("\nCreated in the local tenant:");
    for (const [key, value] of Object.entries(info.outputs))
      console.log(`  ${key}: ${JSON.stringify(value)}`);
    console.log(`\nGraph emulator:  ${info.graphUrl}`);
    console.log(`Connector host:  ${info.connectorUrl}`);
    console.log(`\nSign-up page:    ${info.simulatorUrl}\n`);
    console.log(
      "Change Pulumi.local.yaml and run `npm run local` again to update; `npm run local -- --down` stops everything.",
    );
    return 0;
  } catch (err) {
    for (const name of started.reverse()) await stopService(args.stateDir, name);
    if (interrupted) {
      print(`stopped ${started.join(", ") || "nothing (services of earlier runs keep running)"}`);
      return 130;
    }
    console.error(`\n${localFailureBlock(err, log)}`);
    return err instanceof PortInUseError || err instanceof StackConfigError ? 2 : 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
