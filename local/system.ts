/**
 * The whole sign-up system on one machine: Azurite, the Graph emulator (a seeded local tenant), the
 * connector host and the sign-up simulator as background services, and the real `pulumi up` of the
 * same program (`index.ts`) on the `local` stack with `Pulumi.local.yaml`, pointed at them.
 *
 * The stack runs from a generated project folder inside the state folder whose Pulumi.yaml points
 * `main:` back at the repository. That keeps the repository's Pulumi.local.yaml the single source of
 * truth while ports and paths for this machine are applied to a working copy — so tests can run a
 * private system on free ports without touching the repository.
 */
import { cleanUpKilledRun } from "./cleanup";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { assertStackConfig, stackConfigFromFile } from "../stacks/config-check";
import { lineSplitter, printableOutputs } from "../stacks/engine-output";
import { NAMESPACE } from "../stacks/settings";
import { connectionStringFor } from "./azurite";
import {
  listServices,
  portConflicts,
  PortInUseError,
  startService,
  stopService,
  type ServiceSpec,
} from "./daemons";
import { PlainSecretError, plainSecretKeys, readLocalSecrets, rememberSalt } from "./secrets";
import { paths, repoRoot } from "./state-folder";

export { paths, repoRoot } from "./state-folder";

/** Only ever protects throwaway local state; real stacks use their own passphrase or a KMS. */
export const LOCAL_PASSPHRASE = "entra-signup-local";
export const LOCAL_STACK = "local";

export interface LocalPorts {
  readonly graph: number;
  readonly connector: number;
  readonly simulator: number;
  readonly azuriteBlob: number;
  readonly azuriteQueue: number;
  readonly azuriteTable: number;
}

export const DEFAULT_PORTS: LocalPorts = {
  graph: 4100,
  connector: 7071,
  simulator: 4300,
  azuriteBlob: 10000,
  azuriteQueue: 10001,
  azuriteTable: 10002,
};

export const PORT_FLAGS: Record<keyof LocalPorts, string> = {
  graph: "--graph-port",
  connector: "--connector-port",
  simulator: "--simulator-port",
  azuriteBlob: "--azurite-blob-port",
  azuriteQueue: "--azurite-queue-port",
  azuriteTable: "--azurite-table-port",
};

/**
 * Which kind of tenant the local system emulates: `workforce` (B2X user flows + API connectors) or
 * `external` (Entra External ID: an events flow + custom authentication extensions).
 */
export type LocalTenantKind = "workforce" | "external";
export const LOCAL_TENANT_KINDS: readonly LocalTenantKind[] = ["workforce", "external"];

/** The repository's stack config file of each kind. */
export function localConfigFile(kind: LocalTenantKind = "workforce"): string {
  return path.join(
    repoRoot,
    kind === "external" ? "Pulumi.local-external.yaml" : `Pulumi.${LOCAL_STACK}.yaml`,
  );
}

export interface LocalSystemOptions {
  /** Where pid files, logs, emulator state, connector settings and the Pulumi backend live. */
  readonly stateDir: string;
  readonly ports: LocalPorts;
  /** The tenant the emulator plays. @default "workforce" */
  readonly tenantKind?: LocalTenantKind;
  /** The stack config file to use. @default {@link localConfigFile} of the tenant kind */
  readonly configFile?: string;
  readonly onProgress?: (line: string) => void;
  /** `down()` awaits this after the destroy, while every service still runs (tests inspect the emulator). */
  readonly beforeStop?: () => Promise<void>;
}

/** The working project of the local stack: its folder, stack file and the engine's environment. */
export interface LocalProject {
  readonly workDir: string;
  readonly stackFile: string;
  readonly env: Record<string, string>;
}

export interface LocalSystemInfo {
  readonly graphUrl: string;
  readonly connectorUrl: string;
  readonly simulatorUrl: string;
  readonly outputs: Record<string, unknown>;
  readonly changes: Record<string, number>;
}

/** Azurite's connection string for the local system's fixed ports. */
export function azuriteConnectionString(ports: LocalPorts): string {
  return connectionStringFor({
    blob: ports.azuriteBlob,
    queue: ports.azuriteQueue,
    table: ports.azuriteTable,
  });
}

const tsx = ["--import", "tsx"];

export function serviceSpecs(
  opts: LocalSystemOptions,
): Record<"azurite" | "graph" | "connector" | "simulator", ServiceSpec> {
  const p = paths(opts.stateDir);
  const { ports } = opts;
  const azuriteBin = path.join(
    path.dirname(require.resolve("azurite/package.json")),
    "dist",
    "src",
    "azurite.js",
  );
  return {
    azurite: {
      name: "azurite",
      command: "node",
      args: [
        azuriteBin,
        "--silent",
        "--skipApiVersionCheck",
        "--disableTelemetry",
        "--location",
        p.azurite,
        "--blobPort",
        String(ports.azuriteBlob),
        "--queuePort",
        String(ports.azuriteQueue),
        "--tablePort",
        String(ports.azuriteTable),
      ],
      ports: [ports.azuriteBlob, ports.azuriteQueue, ports.azuriteTable],
      portFlags: [PORT_FLAGS.azuriteBlob, PORT_FLAGS.azuriteQueue, PORT_FLAGS.azuriteTable],
      cwd: repoRoot,
    },
    graph: {
      name: "graph-emulator",
      command: "node",
      args: [
        ...tsx,
        "local/graph-emulator/cli.ts",
        "--port",
        String(ports.graph),
        "--state-file",
        p.graphState,
        "--tenant-type",
        opts.tenantKind === "external" ? "CIAM" : "AAD",
      ],
      ports: [ports.graph],
      portFlags: [PORT_FLAGS.graph],
      cwd: repoRoot,
    },
    connector: {
      name: "connector-host",
      command: "node",
      args: [
        ...tsx,
        "local/connector-host/cli.ts",
        "--port",
        String(ports.connector),
        "--settings",
        p.connectorSettings,
      ],
      ports: [ports.connector],
      portFlags: [PORT_FLAGS.connector],
      cwd: repoRoot,
      env: { AzureWebJobsStorage: azuriteConnectionString(ports) },
    },
    simulator: {
      name: "simulator",
      command: "node",
      args: [
        ...tsx,
        "local/simulator/cli.ts",
        "--port",
        String(ports.simulator),
        "--graph-url",
        `http://127.0.0.1:${ports.graph}`,
      ],
      ports: [ports.simulator],
      portFlags: [PORT_FLAGS.simulator],
      cwd: repoRoot,
    },
  };
}

/**
 * Writes the working project (Pulumi.yaml with `main:` → repository, and Pulumi.local.yaml with this
 * machine's ports and paths and the local secrets applied) and returns the stack.
 *
 * A secret key in plain text in the config file is refused before anything is written (PlainSecretError)
 * — unless `plainSecrets` is "drop" (`--down`: a destroy runs no program, so the value is left out and
 * named in `dropped`).
 */
export async function localStack(
  opts: LocalSystemOptions,
  plainSecrets: "refuse" | "drop" = "refuse",
  dropped: string[] = [],
): Promise<Stack> {
  const p = paths(opts.stateDir);
  const repoConfig = readLocalConfig(opts, plainSecrets === "refuse");
  for (const key of plainSecretKeys(repoConfig)) {
    delete repoConfig[`${NAMESPACE}:${key}`];
    dropped.push(key);
  }
  fs.mkdirSync(p.project, { recursive: true });
  fs.mkdirSync(p.backend, { recursive: true });
  fs.mkdirSync(p.pulumiHome, { recursive: true });
  // The program file itself: the repository's package.json `main` is the library entry, not the program.
  const main = path.join(path.relative(p.project, repoRoot) || ".", "index.ts");
  const project = parseYaml(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as Record<
    string,
    unknown
  >;
  fs.writeFileSync(path.join(p.project, "Pulumi.yaml"), stringifyYaml({ ...project, main }));

  const secrets = readLocalSecrets(opts.stateDir);
  const config = { ...applyLocalOverrides(repoConfig, opts), ...secrets.config };
  const target = path.join(p.project, `Pulumi.${LOCAL_STACK}.yaml`);
  // Keep the encryption salt of this state folder: the one in the secrets file (it outlives `--down`),
  // else the one the engine wrote on an earlier run.
  const previous = fs.existsSync(target)
    ? (parseYaml(fs.readFileSync(target, "utf8")) as Record<string, unknown>)
    : {};
  const salt = secrets.encryptionsalt ? { encryptionsalt: secrets.encryptionsalt } : {};
  fs.writeFileSync(target, stringifyYaml({ ...previous, ...salt, config }), { mode: 0o600 });

  const envVars = localEnv(opts.stateDir);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: LOCAL_STACK, workDir: p.project },
    { workDir: p.project, pulumiHome: p.pulumiHome, envVars },
  );
  rememberSalt(opts.stateDir, target);
  return stack;
}

/**
 * The `config:` map of the local stack's config file. With `refuse`, a secret key in plain text there
 * throws PlainSecretError naming each key and `npm run local -- --secret <key>`.
 */
export function readLocalConfig(opts: LocalSystemOptions, refuse: boolean): Record<string, unknown> {
  const configFile = opts.configFile ?? localConfigFile(opts.tenantKind);
  const stackFile = (parseYaml(fs.readFileSync(configFile, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const config = { ...(stackFile.config ?? {}) };
  const plain = plainSecretKeys(config);
  if (refuse && plain.length > 0) throw new PlainSecretError(plain, configFile);
  return config;
}

/** Where the local stack's project lives and the environment its engine runs with. */
export function localProject(stateDir: string): LocalProject {
  const p = paths(stateDir);
  return {
    workDir: p.project,
    stackFile: path.join(p.project, `Pulumi.${LOCAL_STACK}.yaml`),
    env: localEnv(stateDir),
  };
}

function localEnv(stateDir: string): Record<string, string> {
  const p = paths(stateDir);
  return {
    PULUMI_BACKEND_URL: `file://${p.backend}`,
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? LOCAL_PASSPHRASE,
    PULUMI_HOME: p.pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
}

/** Where `cleanUpKilledRun` looks: the project's processes, its create ledger, the emulator. */
const cleanupPaths = (opts: LocalSystemOptions) => ({
  projectDir: paths(opts.stateDir).project,
  pulumiHome: paths(opts.stateDir).pulumiHome,
  graphUrl: `http://127.0.0.1:${opts.ports.graph}`,
});

/** Points the stack's Graph and connector endpoints at this machine's ports and state folder. */
export function applyLocalOverrides(
  config: Record<string, unknown>,
  opts: LocalSystemOptions,
): Record<string, unknown> {
  const out = structuredClone(config);
  const tenant = (out["entra-signup:tenant"] ??= {}) as Record<string, unknown>;
  tenant.graphBaseUrl = `http://127.0.0.1:${opts.ports.graph}`;
  tenant.graphCredential = "emulator";
  const connector = (out["entra-signup:connector"] ??= {}) as Record<string, unknown>;
  connector.hosting = {
    kind: "local",
    baseUrl: `http://127.0.0.1:${opts.ports.connector}/api`,
    settingsFile: paths(opts.stateDir).connectorSettings,
  };
  return out;
}

const sectionOf = (ports: LocalPorts) => ({
  graphUrl: `http://127.0.0.1:${ports.graph}`,
  connectorUrl: `http://127.0.0.1:${ports.connector}/api`,
  simulatorUrl: `http://127.0.0.1:${ports.simulator}/`,
});

/**
 * Brings the system up (or updates a running one). `started` collects the services this call started,
 * so an interrupted run can stop exactly those.
 */
export async function up(
  opts: LocalSystemOptions,
  started: string[] = [],
  signal?: AbortSignal,
): Promise<LocalSystemInfo> {
  const say = opts.onProgress ?? (() => undefined);
  // Every config problem at once, in a second, before any service or the engine starts.
  claimStateFolderKind(opts);
  const configFile = opts.configFile ?? localConfigFile(opts.tenantKind);
  const config = applyLocalOverrides(stackConfigFromFile(configFile), opts);
  // A secret in plain text first: its message names the file to remove it from and `--secret`.
  readLocalConfig(opts, true);
  assertStackConfig(config, path.relative(process.cwd(), configFile) || configFile, { stack: LOCAL_STACK });
  const specs = serviceSpecs(opts);
  // Every port is checked before anything starts (not after a full `pulumi up`).
  const conflicts = await portConflicts(opts.stateDir, Object.values(specs));
  if (conflicts.length > 0) throw new PortInUseError(conflicts);
  fs.mkdirSync(paths(opts.stateDir).azurite, { recursive: true });
  for (const key of ["azurite", "graph"] as const) {
    say(`starting ${specs[key].name} on port ${specs[key].ports.join(", ")}`);
    const { started: fresh } = await startService(opts.stateDir, specs[key]);
    if (fresh) started.push(specs[key].name);
    else say(`${specs[key].name} already running`);
  }
  throwIfAborted(signal);
  const stack = await localStack(opts);
  await repairInterruptedUpdate(stack, paths(opts.stateDir).backend, say);
  await cleanUpKilledRun({ stack, ...cleanupPaths(opts), untracked: false, say });
  throwIfAborted(signal);
  say("pulumi up (local stack)");
  const result = await cancellableUp(stack, say, signal);
  for (const key of ["connector", "simulator"] as const) {
    throwIfAborted(signal);
    say(`starting ${specs[key].name} on port ${specs[key].ports.join(", ")}`);
    const { started: fresh } = await startService(opts.stateDir, specs[key]);
    if (fresh) started.push(specs[key].name);
    else say(`${specs[key].name} already running (it reloads its settings)`);
  }
  const outputs = printableOutputs(result.outputs);
  return { ...sectionOf(opts.ports), outputs, changes: result.summary.resourceChanges ?? {} };
}

/**
 * One state folder holds one kind of local tenant: its kind is recorded on first use, and a run of the
 * other kind is refused (its emulator plays the other tenant type) until `--down` clears the folder.
 */
export function claimStateFolderKind(opts: LocalSystemOptions): void {
  const kind = opts.tenantKind ?? "workforce";
  const file = path.join(opts.stateDir, "tenant-kind");
  const recorded = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : undefined;
  if (recorded !== undefined && recorded !== kind && hasLocalStack(paths(opts.stateDir).backend)) {
    throw new StateFolderKindError(opts.stateDir, recorded, kind);
  }
  fs.mkdirSync(opts.stateDir, { recursive: true });
  fs.writeFileSync(file, `${kind}\n`);
}

export class StateFolderKindError extends Error {
  constructor(stateDir: string, recorded: string, wanted: string) {
    super(
      `the local system in ${stateDir} emulates ${recorded === "external" ? "an external" : "a workforce"} tenant, not ${wanted === "external" ? "an external" : "a workforce"} one: stop it first with 'npm run local -- --down${recorded === "external" ? " --tenant-kind external" : ""}', or use another --state-dir`,
    );
    this.name = "StateFolderKindError";
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Error("interrupted");
}

/**
 * `pulumi up` that an abort cancels gracefully: the engine gets exactly one SIGINT, so it finishes the
 * Graph calls in flight, records them and releases the stack lock. A second SIGINT would make it
 * terminate and leave pending operations; a Ctrl-C in the terminal already reaches the engine (same
 * process group), so the abort only forwards one when the engine has not reported it within a second.
 */
export async function cancellableUp(stack: Stack, say: (line: string) => void, signal?: AbortSignal) {
  const forward = new AbortController();
  let engineSawInterrupt = false;
  const onAbort = () =>
    setTimeout(() => {
      if (!engineSawInterrupt) forward.abort();
    }, 1_000).unref();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await stack.up({
      color: "never",
      signal: forward.signal,
      onOutput: lineSplitter((line) => {
        if (line.includes("^C received")) engineSawInterrupt = true;
        say(`  ${line}`);
      }),
    });
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Lock files of the file backend; one left behind means an engine was killed during an update. */
export function engineLocks(backendDir: string): string[] {
  const dir = path.join(backendDir, ".pulumi", "locks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Undoes what a killed or force-terminated update left behind, so the next run succeeds: a stale stack
 * lock (safe to clear: the state-folder lock guarantees no other run uses this backend) is cleared with
 * `pulumi cancel`, and pending creates are cleared by a refresh against the emulator. The local stack
 * adopts existing objects (Pulumi.local.yaml), so a create that did reach the emulator is taken over.
 */
export async function repairInterruptedUpdate(
  stack: Stack,
  backendDir: string,
  say: (line: string) => void,
): Promise<void> {
  if (engineLocks(backendDir).length > 0) {
    say("the local stack is locked by an interrupted run: clearing the lock (pulumi cancel)");
    await stack.cancel();
    for (const file of engineLocks(backendDir)) fs.rmSync(file, { force: true });
  }
  const deployment = (await stack.exportStack()).deployment as { pending_operations?: unknown[] } | undefined;
  const pending = deployment?.pending_operations?.length ?? 0;
  if (pending > 0) {
    say(`${pending} operation(s) were interrupted last time: pulumi refresh --clear-pending-creates`);
    await stack.refresh({ color: "never", clearPendingCreates: true });
  }
}

/** Whether the backend holds the local stack (the project folder may be gone after a partial clean-up). */
export function hasLocalStack(backendDir: string): boolean {
  const dir = path.join(backendDir, ".pulumi", "stacks");
  if (!fs.existsSync(dir)) return false;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .some((e) => e.isFile() && /^local\.json(\.gz)?$/.test(e.name));
}

/**
 * Destroys the local stack (while the emulator is still up), then stops every service. Works on a
 * partial state folder and with services already stopped; if the destroy fails, the services are still
 * stopped but the emulator state and backend are kept, so `--down` can simply be run again.
 * The local secrets file (`local-secrets.yaml`: the secrets set with `--secret`, encrypted, and the
 * stack's encryption salt they need) is kept, so the next `npm run local` has them again.
 */
export async function down(opts: LocalSystemOptions): Promise<{ destroyed: boolean; stopped: string[] }> {
  const say = opts.onProgress ?? (() => undefined);
  const p = paths(opts.stateDir);
  let destroyed = false;
  let failure: unknown;
  try {
    if (hasLocalStack(p.backend)) {
      say("starting the Graph emulator for the destroy");
      await startService(opts.stateDir, serviceSpecs(opts).graph);
      const dropped: string[] = [];
      const stack = await localStack(opts, "drop", dropped);
      if (dropped.length > 0)
        say(
          `left out of the destroy: ${dropped.join(", ")} (plain text in the config file; not written anywhere)`,
        );
      await repairInterruptedUpdate(stack, p.backend, say);
      await cleanUpKilledRun({ stack, ...cleanupPaths(opts), untracked: true, say });
      say("pulumi destroy (local stack)");
      await stack.destroy({ color: "never", onOutput: lineSplitter((l) => say(`  ${l}`)) });
      await stack.workspace.removeStack(LOCAL_STACK);
      destroyed = true;
    }
    await opts.beforeStop?.();
  } catch (err) {
    failure = err;
  }
  const stopped: string[] = [];
  for (const record of listServices(opts.stateDir)) {
    say(`stopping ${record.name} (pid ${record.pid})`);
    if (await stopService(opts.stateDir, record.name)) stopped.push(record.name);
  }
  if (failure !== undefined) {
    const message = failure instanceof Error ? failure.message : String(failure);
    throw new Error(
      `${message}\nstopped ${stopped.join(", ") || "nothing"}; the local state in ${opts.stateDir} is kept: run 'npm run local -- --down' again`,
    );
  }
  for (const file of [p.graphState, p.connectorSettings, path.join(opts.stateDir, "tenant-kind")])
    fs.rmSync(file, { force: true });
  fs.rmSync(p.azurite, { recursive: true, force: true });
  fs.rmSync(p.project, { recursive: true, force: true });
  return { destroyed, stopped };
}
