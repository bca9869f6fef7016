/**
 * Tenant stamping: create (or select) a stack for a tenant and environment, give it configuration from
 * a template or from an existing stack, then preview or apply it — through the Automation API, so the
 * same program, engine and state backend are used as for a hand-run `pulumi up`.
 */
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Document } from "yaml";
import { closestName } from "../functions/policy/did-you-mean";
import { stackConfigProblems } from "./config-check";
import { formatChanges, lineSplitter, printableOutputs } from "./engine-output";
import { engineProblems, failureBlock } from "./failure-report";
import { NAMESPACE } from "./settings";
import {
  configOf,
  dropSecrets,
  keepStackOwnEntries,
  parseStackDocument,
  readStackDocument,
  setConfigPath,
  stackFilePath,
  tenantOf,
} from "./stack-file";

export { formatChanges } from "./engine-output";

export interface StampTarget {
  /** Directory (tenant) id of the tenant to stamp. */
  readonly tenantId: string;
  /** Environment name (picks `stacks/templates/<env>.yaml` when it exists). */
  readonly env: string;
  /** Stack name. @default `<env>` for a single stamp, `<env>-<first 8 chars of tenant>` with --all */
  readonly stack?: string;
  /** Copy non-secret configuration from this existing stack instead of a template. */
  readonly from?: string;
  /** Extra config values by path under the project namespace, e.g. `{ "tenant.graphBaseUrl": "…" }`. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Secret config values (e.g. googleClientSecret), written with `secret: true`. */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * The GitHub environment whose OIDC identity (a federated credential on an app in this tenant) may
   * deploy this stack; the stamp workflow runs the stack's job in it (docs/permissions.md).
   * @default the stack name
   */
  readonly githubEnvironment?: string;
}

export interface StampOptions {
  /** The Pulumi project folder (Pulumi.yaml). @default the repository root */
  readonly workDir: string;
  /** Where `<env>.yaml` / `default.yaml` templates live. @default stacks/templates next to this file */
  readonly templatesDir?: string;
  /** Apply (`up`) instead of only previewing. */
  readonly apply: boolean;
  /** Only check the config, create/select the stack and write its file (for preflight); no engine run. */
  readonly prepareOnly?: boolean;
  /** Extra environment for the engine (backend URL, passphrase, …). @default the current environment */
  readonly envVars?: Record<string, string>;
  /** Receives one progress line at a time, already prefixed with the stack name. */
  readonly onProgress?: (line: string) => void;
  /** Where each stack's full log (`<stack>.log`) is written. @default `<workDir>/.tmp/stamp` */
  readonly logDir?: string;
}

export interface StampResult {
  readonly stack: string;
  readonly tenantId: string;
  readonly ok: boolean;
  /** Resource changes: create/update/delete/same counts from the engine's summary. */
  readonly changes: Record<string, number>;
  readonly outputs: Record<string, unknown>;
  /** The failure's first problem (set when `ok` is false). */
  readonly error?: string;
  /** Every problem of a failure, each on one line with its key path and fix. */
  readonly problems?: readonly string[];
  /** The stack's full log. */
  readonly log?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TARGET_FIELDS = ["tenantId", "env", "stack", "from", "set", "secrets", "githubEnvironment"];
/** Stack names, env names and GitHub environment names stamping accepts. */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Checks targets before touching any stack; returns every problem found. With `workDir`, also builds
 * each target's configuration, so a missing template or `--from` stack fails before any stack runs.
 * `source` names where the targets came from (`tenants.yaml`) so a problem points at its entry.
 */
export function validateTargets(
  targets: readonly StampTarget[],
  check: { workDir?: string; templatesDir?: string; source?: string } = {},
): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const environments = new Map<string, string>();
  const many = targets.length > 1;
  for (const [i, t] of targets.entries()) {
    const label = check.source ? `${check.source} entry ${i + 1}` : `target ${i + 1}`;
    const where = targets.length > 1 || check.source ? `${label}: ` : "";
    if (typeof t !== "object" || t === null) {
      problems.push(`${where}expected an object like { tenantId, env }`);
      continue;
    }
    const entryProblems: string[] = [];
    for (const key of Object.keys(t).filter((k) => !TARGET_FIELDS.includes(k))) {
      const near = closestName(key, TARGET_FIELDS);
      entryProblems.push(
        `unknown field '${key}'${near ? ` (did you mean '${near}'?)` : ""}; a target has ${TARGET_FIELDS.join(", ")}`,
      );
    }
    if (typeof t.tenantId !== "string" || !GUID.test(t.tenantId))
      entryProblems.push(`--tenant '${t.tenantId}' is not a directory (tenant) id GUID`);
    if (typeof t.env !== "string" || !NAME.test(t.env))
      entryProblems.push(`--env '${t.env}' must be letters, digits, '.', '_' or '-'`);
    if (t.stack !== undefined && (typeof t.stack !== "string" || !NAME.test(t.stack)))
      entryProblems.push(`--stack '${t.stack}' must be 1-100 letters, digits, '.', '_' or '-'`);
    if (t.from !== undefined && typeof t.from !== "string")
      entryProblems.push(`from: '${String(t.from)}' must be the name of an existing stack`);
    if (t.set !== undefined && (t.set === null || typeof t.set !== "object" || Array.isArray(t.set)))
      entryProblems.push(`set: expected a map of config paths to values, e.g. { "apps.priority": 10 }`);
    const environment = t.githubEnvironment;
    if (environment !== undefined && (typeof environment !== "string" || !NAME.test(environment)))
      entryProblems.push(
        `githubEnvironment '${String(environment)}' must be 1-100 letters, digits, '.', '_' or '-'`,
      );
    const name = stackNameFor(t, targets.length > 1);
    if (names.has(name))
      entryProblems.push(`stack name '${name}' is used twice: give the targets distinct stack names`);
    names.add(name);
    const env = githubEnvironmentFor(t, many);
    const other = environments.get(env.toLowerCase());
    if (other !== undefined && other.toLowerCase() !== String(t.tenantId).toLowerCase())
      entryProblems.push(
        `githubEnvironment '${env}' is also used for tenant ${other}: one GitHub environment holds one tenant's identity; give this target its own githubEnvironment`,
      );
    else environments.set(env.toLowerCase(), String(t.tenantId));
    if (check.workDir !== undefined && entryProblems.length === 0) {
      try {
        const retarget = retargetProblem(t, name, tenantOf, readStackDocument(check.workDir, name));
        if (retarget) entryProblems.push(retarget);
        const config = buildConfig(t, check.workDir, check.templatesDir, name);
        const secretsToSet = Object.keys(t.secrets ?? {});
        entryProblems.push(...stackConfigProblems(config, { stack: name, secretsToSet }));
      } catch (err) {
        entryProblems.push((err as Error).message);
      }
    }
    problems.push(...entryProblems.map((p) => `${where}${p}`));
  }
  return problems;
}

/**
 * Stamping must never re-point an existing stack at another tenant (with --up that would move a deployed
 * stack's objects): the problem that refuses it, naming both tenants and how to stamp a second stack.
 */
export function retargetProblem<T>(
  target: StampTarget,
  stack: string,
  tenantIn: (source: T) => string | undefined,
  existing: T | undefined,
  where = `Pulumi.${stack}.yaml`,
): string | undefined {
  const current = existing === undefined ? undefined : tenantIn(existing);
  if (current === undefined || current.toLowerCase() === String(target.tenantId).toLowerCase())
    return undefined;
  const suggestion = `${target.env}-${String(target.tenantId).slice(0, 8)}`;
  return (
    `stack '${stack}' already targets tenant ${current} (${where}); refusing to re-point it at tenant ${target.tenantId}. ` +
    `To stamp tenant ${target.tenantId} as a second stack, give it its own name: --stack ${suggestion === stack ? `${suggestion}-2` : suggestion} (or another --env)`
  );
}

/** Secret keys of the `--from` stack that the new stack does not get (encrypted with the source's key). */
export function secretsNotCopied(target: StampTarget, workDir: string): string[] {
  if (!target.from) return [];
  const doc = readStackDocument(workDir, target.from);
  if (!doc) return [];
  return dropSecrets(doc)
    .map((k) => (k.startsWith(`${NAMESPACE}:`) ? k.slice(NAMESPACE.length + 1) : k))
    .filter((k) => !(k in (target.secrets ?? {})));
}

export function githubEnvironmentFor(target: StampTarget, many: boolean): string {
  return target.githubEnvironment ?? stackNameFor(target, many);
}

export function stackNameFor(target: StampTarget, many: boolean): string {
  return target.stack ?? (many ? `${target.env}-${String(target.tenantId ?? "").slice(0, 8)}` : target.env);
}

/**
 * The new stack file's document: the template (or the `--from` stack's file, secrets removed) with the
 * tenant and `set` values filled in, comments kept; with `stack`, what the existing `Pulumi.<stack>.yaml`
 * holds for the stack itself (secrets provider, its own secrets) is kept too.
 */
export function buildStackDocument(
  target: StampTarget,
  workDir: string,
  templatesDir = path.join(__dirname, "templates"),
  stack?: string,
): Document {
  const doc = target.from ? readFromStack(workDir, target.from) : readTemplate(templatesDir, target.env);
  setConfigPath(doc, "tenant.tenantId", target.tenantId);
  for (const [keyPath, value] of Object.entries(target.set ?? {})) setConfigPath(doc, keyPath, value);
  if (stack !== undefined) keepStackOwnEntries(doc, readStackDocument(workDir, stack));
  return doc;
}

/** The stack's configuration (keys `entra-signup:<key>`) that stamping would write. */
export function buildConfig(
  target: StampTarget,
  workDir: string,
  templatesDir = path.join(__dirname, "templates"),
  stack?: string,
): Record<string, unknown> {
  return configOf(buildStackDocument(target, workDir, templatesDir, stack));
}

function readTemplate(dir: string, env: string): Document {
  const file = [path.join(dir, `${env}.yaml`), path.join(dir, "default.yaml")].find((f) => fs.existsSync(f));
  if (!file)
    throw new Error(
      `no template for env '${env}': create stacks/templates/${env}.yaml or stacks/templates/default.yaml`,
    );
  const doc = parseStackDocument(fs.readFileSync(file, "utf8").replaceAll("${env}", env), file);
  prefixKeys(doc);
  return doc;
}

function readFromStack(workDir: string, stack: string): Document {
  const doc = readStackDocument(workDir, stack);
  if (!doc) throw new Error(`--from ${stack}: ${stackFilePath(workDir, stack)} does not exist`);
  // Secrets are encrypted with the source stack's key and cannot be carried over: the new stack
  // generates its own connector password, and other secrets must be given with --secret-env.
  dropSecrets(doc);
  // The source's secrets provider belongs to the source stack.
  for (const key of ["encryptionsalt", "secretsprovider", "encryptedkey"]) doc.delete(key);
  return doc;
}

/** Template keys may omit the `entra-signup:` namespace. */
function prefixKeys(doc: Document): void {
  const config = doc.get("config", true) as { items?: Array<{ key: unknown }> } | undefined;
  for (const pair of config?.items ?? []) {
    const key = pair.key as { value?: unknown } | string;
    const name = typeof key === "string" ? key : String(key.value);
    if (name.includes(":")) continue;
    if (typeof key === "string") pair.key = `${NAMESPACE}:${name}`;
    else key.value = `${NAMESPACE}:${name}`;
  }
}

/**
 * Stamps one tenant: check its configuration, create/select the stack, refuse a stack that targets another
 * tenant, write its config file, then preview or up. Never throws: a failure comes back with its problems,
 * one line each, and the stack's full log.
 */
export async function stampTenant(
  target: StampTarget,
  opts: StampOptions,
  many = false,
): Promise<StampResult> {
  const stackName = stackNameFor(target, many);
  const logDir = opts.logDir ?? path.join(opts.workDir, ".tmp", "stamp");
  fs.mkdirSync(logDir, { recursive: true });
  const log = path.join(logDir, `${stackName}.log`);
  fs.writeFileSync(log, "");
  const progress = (line: string) => {
    fs.appendFileSync(log, `${line}\n`);
    opts.onProgress?.(`[${stackName}] ${line}`);
  };
  const result = { stack: stackName, tenantId: target.tenantId, log };
  const fail = (problems: string[]): StampResult => {
    progress(`failed:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return { ...result, ok: false, changes: {}, outputs: {}, error: problems[0], problems };
  };
  let stage = "configuration";
  try {
    const doc = buildStackDocument(target, opts.workDir, opts.templatesDir, stackName);
    const retarget = retargetProblem(target, stackName, tenantOf, readStackDocument(opts.workDir, stackName));
    const secretsToSet = Object.keys(target.secrets ?? {});
    const problems = [
      ...(retarget ? [retarget] : []),
      ...stackConfigProblems(configOf(doc), { stack: stackName, secretsToSet }),
    ];
    if (problems.length) return fail(problems);

    stage = "stack selection";
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, workDir: opts.workDir },
      { workDir: opts.workDir, envVars: opts.envVars },
    );
    // The stack file may be gone (CI checks out a fresh copy) while its state remembers the tenant.
    const deployed = retargetProblem(
      target,
      stackName,
      deployedTenant,
      await stack.exportStack(),
      "its state",
    );
    if (deployed) return fail([deployed]);
    await writeStackFile(
      stack,
      opts.workDir,
      buildStackDocument(target, opts.workDir, opts.templatesDir, stackName),
      target.secrets ?? {},
    );
    if (opts.prepareOnly) {
      progress(`prepared ${stackFilePath(opts.workDir, stackName)}`);
      return { ...result, ok: true, changes: {}, outputs: {} };
    }

    stage = opts.apply ? "pulumi up" : "pulumi preview";
    progress(opts.apply ? "applying (pulumi up)" : "previewing (pulumi preview)");
    const onOutput = lineSplitter((line) => progress(line));
    if (opts.apply) {
      const up = await stack.up({ onOutput, color: "never" });
      const changes = up.summary.resourceChanges ?? {};
      progress(`done: ${formatChanges(changes)}`);
      return { ...result, ok: true, changes, outputs: printableOutputs(up.outputs) };
    }
    const preview = await stack.preview({ onOutput, color: "never" });
    progress(`done: ${formatChanges(preview.changeSummary)}`);
    return { ...result, ok: true, changes: preview.changeSummary, outputs: {} };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    fs.appendFileSync(log, `\n${message}\n`);
    const problems = engineProblems(message);
    return fail(
      problems.length
        ? problems
        : [`${stage} failed: ${message.split("\n").find((l) => l.trim()) ?? "no message"}`],
    );
  }
}

/** `pulumi up`, `pulumi preview`, or `stack preparation`. */
export function operationOf(opts: Pick<StampOptions, "apply" | "prepareOnly">): string {
  return opts.prepareOnly ? "stack preparation" : opts.apply ? "pulumi up" : "pulumi preview";
}

/**
 * The block a successful stamp ends with:
 * ```
 * OK: pulumi up of stack 'staging-1' (tenant 00000000-…)
 *   changes: 12 same
 *   Full log: /repo/.tmp/stamp/staging-1.log
 * ```
 */
export function stampResultBlock(
  result: StampResult,
  opts: Pick<StampOptions, "apply" | "prepareOnly">,
): string {
  if (!result.ok)
    return failureBlock({
      what: `${operationOf(opts)} of stack '${result.stack}' (tenant ${result.tenantId})`,
      problems: result.problems ?? [result.error ?? "unknown failure"],
      logs: result.log ? [result.log] : [],
    });
  return [
    `OK: ${operationOf(opts)} of stack '${result.stack}' (tenant ${result.tenantId})`,
    ...(opts.prepareOnly ? [] : [`  changes: ${formatChanges(result.changes)}`]),
    ...(result.log ? [`  Full log: ${result.log}`] : []),
  ].join("\n");
}

/** The tenant recorded in a stack's state: the Graph connection every Graph resource keeps in its inputs. */
function deployedTenant(state: { deployment?: unknown }): string | undefined {
  return /"tenantId":\s*"([0-9a-fA-F-]{36})"/.exec(JSON.stringify(state.deployment ?? {}))?.[1];
}

async function writeStackFile(
  stack: Stack,
  workDir: string,
  doc: Document,
  secrets: Readonly<Record<string, string>>,
) {
  // createOrSelectStack has written the stack's secrets provider (encryptionsalt) by now; keep it.
  keepStackOwnEntries(doc, readStackDocument(workDir, stack.name));
  fs.writeFileSync(stackFilePath(workDir, stack.name), doc.toString());
  for (const [key, value] of Object.entries(secrets)) {
    await stack.setConfig(`${NAMESPACE}:${key}`, { value, secret: true });
  }
}

/** Stamps many tenants with at most `concurrency` engine runs at once, in input order of start. */
export async function stampAll(
  targets: readonly StampTarget[],
  opts: StampOptions,
  concurrency: number,
): Promise<StampResult[]> {
  const results: StampResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      results[index] = await stampTenant(targets[index]!, opts, targets.length > 1);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, targets.length)) }, worker));
  return results;
}
