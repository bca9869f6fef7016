/**
 * `npm run local` — the whole sign-up system on this machine, then the sign-up page's URL.
 * `npm run local -- --down` — destroy the local stack and stop every local service.
 * `npm run local -- --secret <key>` — store a secret of the local stack (encrypted, in the state folder).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { SECRET_KEYS, type SecretKey } from "../stacks/settings";
import {
  PortInUseError,
  StateFolderBusyError,
  lockStateFolder,
  stopService,
  stopServiceNow,
} from "./daemons";
import { RunProcesses } from "./run-processes";
import { DEFAULT_STATE_DIR } from "./state-folder";
import {
  PlainSecretError,
  isSecretKey,
  localSecretsPath,
  readSecretValue,
  storeLocalSecret,
} from "./secrets";
import {
  DEFAULT_PORTS,
  LOCAL_TENANT_KINDS,
  PORT_FLAGS,
  StateFolderKindError,
  down,
  localProject,
  localStack,
  up,
  type LocalPorts,
  type LocalTenantKind,
} from "./system";
import { StackConfigError } from "../stacks/config-check";
import { localFailureBlock, runLog } from "./failure";

const column = (flag: string, text: string) => `  ${flag.padEnd(28)}${text}`;

export const usage = [
  "usage: npm run local [-- <options>]",
  "",
  column("(no options)", "start the local system (Azurite, Graph emulator, connector host, sign-up"),
  column("", "page) and run `pulumi up` of Pulumi.local.yaml on it; run again to apply changes"),
  column("--down", "destroy the local stack and stop every local service"),
  column("--secret <key>", "store a secret of the local stack: asks for the value (or reads stdin)"),
  column("", "and keeps it encrypted in <state-dir>/local-secrets.yaml; <key> is one of"),
  ...SECRET_KEYS.map((key) => column("", `  ${key}`)),
  column("--tenant-kind <kind>", "workforce (default: B2X user flow, Pulumi.local.yaml) or external"),
  column("", "(Entra External ID: events flow + custom authentication extensions,"),
  column("", "Pulumi.local-external.yaml); give --down the same kind"),
  column("--state-dir <dir>", "services, logs and local state (default .local/, .local-external/)"),
  ...Object.entries(PORT_FLAGS).map(([key, flag]) =>
    column(`${flag} <port>`, `default ${DEFAULT_PORTS[key as keyof LocalPorts]}`),
  ),
  column("-h, --help", "this text"),
].join("\n");

export function parseLocalArgs(argv: string[]) {
  const portOptions = Object.fromEntries(
    Object.values(PORT_FLAGS).map((f) => [f.slice(2), { type: "string" as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: {
      down: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      secret: { type: "string" },
      "state-dir": { type: "string" },
      "tenant-kind": { type: "string", default: "workforce" },
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
  const tenantKind = values["tenant-kind"] as LocalTenantKind;
  if (!LOCAL_TENANT_KINDS.includes(tenantKind))
    throw new Error(
      `--tenant-kind '${values["tenant-kind"]}' is not a tenant kind: use ${LOCAL_TENANT_KINDS.join(" or ")}`,
    );
  const stateDir = path.resolve(
    values["state-dir"] ?? (tenantKind === "external" ? `${DEFAULT_STATE_DIR}-external` : DEFAULT_STATE_DIR),
  );
  let secret: SecretKey | undefined;
  if (values.secret !== undefined) {
    const key = values.secret.replace(/^entra-signup:/, "");
    if (!isSecretKey(key))
      throw new Error(
        `--secret '${values.secret}' is not a secret key: use one of ${SECRET_KEYS.join(", ")}`,
      );
    if (values.down) throw new Error("--secret and --down are separate runs: run one, then the other");
    secret = key;
  }
  return {
    down: values.down,
    help: values.help,
    secret,
    ports: ports as unknown as LocalPorts,
    stateDir,
    tenantKind,
  };
}

function print(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseLocalArgs>;
  try {
    args = parseLocalArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`local: ${(err as Error).message}\n(npm run local -- --help lists the options)`);
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
    if (args.secret !== undefined) return await runSecret(args, args.secret);
    return args.down ? await runDown(args) : await runUp(args);
  } finally {
    release();
  }
}

async function runSecret(args: ReturnType<typeof parseLocalArgs>, key: SecretKey): Promise<number> {
  try {
    await localStack({ stateDir: args.stateDir, ports: args.ports, tenantKind: args.tenantKind });
    const value = await readSecretValue(key);
    await storeLocalSecret(args.stateDir, localProject(args.stateDir), key, value);
    print(
      `stored entra-signup:${key} encrypted in ${localSecretsPath(args.stateDir)}; 'npm run local' applies it (also after --down)`,
    );
    return 0;
  } catch (err) {
    console.error(`local: ${(err as Error).message}`);
    return err instanceof PlainSecretError ? 2 : 1;
  }
}

/**
 * Ctrl-C once: `onFirst` (a graceful cancel). Ctrl-C again, SIGTERM or SIGHUP (terminal closed): every
 * process this run started is killed — the engine and its plugins by process group (RunProcesses), the
 * services it started by theirs — and the run exits 130. Returns the function to call when the run ends.
 */
function onInterrupt(
  stateDir: string,
  started: readonly string[],
  onFirst: () => void,
): (outcome: "succeeded" | "failed") => void {
  const processes = new RunProcesses();
  let interrupted = false;
  const forced = () => {
    processes.killAll();
    for (const name of started) stopServiceNow(stateDir, name);
    process.exit(130);
  };
  const onSigint = () => {
    if (interrupted) return forced();
    interrupted = true;
    processes.remember();
    onFirst();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", forced);
  process.on("SIGHUP", forced);
  // After an interrupted or failed run, whatever the engine left (a plugin it did not stop because it
  // was terminated by a quick second SIGINT of the terminal) is killed. A successful run leaves only its
  // detached services, which are meant to keep running.
  return (outcome) => {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", forced);
    process.off("SIGHUP", forced);
    if (interrupted || outcome === "failed") processes.killAll();
  };
}

async function runDown(args: ReturnType<typeof parseLocalArgs>): Promise<number> {
  const finish = onInterrupt(args.stateDir, [], () =>
    print("interrupted: the destroy stops after the Graph calls in flight (Ctrl-C again to force)"),
  );
  try {
    const result = await down({
      stateDir: args.stateDir,
      ports: args.ports,
      tenantKind: args.tenantKind,
      onProgress: print,
    });
    print(
      `down: ${result.destroyed ? "stack destroyed" : "no local stack"}; stopped ${result.stopped.join(", ") || "nothing"}`,
    );
    finish("succeeded");
    return 0;
  } catch (err) {
    finish("failed");
    console.error(`local: ${(err as Error).message}`);
    return err instanceof PortInUseError || err instanceof PlainSecretError ? 2 : 1;
  }
}

async function runUp(args: ReturnType<typeof parseLocalArgs>): Promise<number> {
  const startedAt = Date.now();
  const started: string[] = [];
  const log = runLog(args.stateDir);
  const controller = new AbortController();
  let interrupted = false;
  const finish = onInterrupt(args.stateDir, started, () => {
    interrupted = true;
    print("interrupted: cancelling the update and stopping what this run started (Ctrl-C again to force)");
    controller.abort();
  });
  try {
    const info = await up(
      {
        stateDir: args.stateDir,
        ports: args.ports,
        tenantKind: args.tenantKind,
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
      if (value !== undefined) console.log(`  ${key}: ${JSON.stringify(value)}`);
    // The stack sets no portalLinks against the emulator: its tenant has no admin center to link to.
    if (info.outputs.portalLinks === undefined)
      console.log(
        `  portalLinks: none (a local tenant has no admin center; Graph calls go to ${info.graphUrl})`,
      );
    console.log(`\nGraph emulator:  ${info.graphUrl}`);
    console.log(`Connector host:  ${info.connectorUrl}`);
    console.log(`\nSign-up page:    ${info.simulatorUrl}\n`);
    console.log(
      args.tenantKind === "external"
        ? "Change Pulumi.local-external.yaml and run `npm run local -- --tenant-kind external` again to update; `npm run local -- --down --tenant-kind external` stops everything."
        : "Change Pulumi.local.yaml and run `npm run local` again to update; `npm run local -- --down` stops everything.",
    );
    finish("succeeded");
    return 0;
  } catch (err) {
    for (const name of started.reverse()) await stopService(args.stateDir, name);
    finish("failed");
    if (interrupted) {
      print(`stopped ${started.join(", ") || "nothing (services of earlier runs keep running)"}`);
      return 130;
    }
    console.error(`\n${localFailureBlock(err, log)}`);
    return err instanceof PortInUseError ||
      err instanceof PlainSecretError ||
      err instanceof StackConfigError ||
      err instanceof StateFolderKindError
      ? 2
      : 1;
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
