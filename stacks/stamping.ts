/**
 * Tenant stamping: create (or select) a stack for a tenant and environment, give it configuration from
 * a template or from an existing stack, then preview or apply it — through the Automation API, so the
 * same program, engine and state backend are used as for a hand-run `pulumi up`.
 */
import { LocalWorkspace, type Stack, type StackSettings } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { formatChanges, lineSplitter, printableOutputs } from "./engine-output";
import { NAMESPACE } from "./settings";

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
}

export interface StampOptions {
  /** The Pulumi project folder (Pulumi.yaml). @default the repository root */
  readonly workDir: string;
  /** Where `<env>.yaml` / `default.yaml` templates live. @default stacks/templates next to this file */
  readonly templatesDir?: string;
  /** Apply (`up`) instead of only previewing. */
  readonly apply: boolean;
  /** Extra environment for the engine (backend URL, passphrase, …). @default the current environment */
  readonly envVars?: Record<string, string>;
  /** Receives one progress line at a time, already prefixed with the stack name. */
  readonly onProgress?: (line: string) => void;
}

export interface StampResult {
  readonly stack: string;
  readonly tenantId: string;
  readonly ok: boolean;
  /** Resource changes: create/update/delete/same counts from the engine's summary. */
  readonly changes: Record<string, number>;
  readonly outputs: Record<string, unknown>;
  readonly error?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TARGET_FIELDS = ["tenantId", "env", "stack", "from", "set", "secrets"];

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
  for (const [i, t] of targets.entries()) {
    const label = check.source ? `${check.source} entry ${i + 1}` : `target ${i + 1}`;
    const where = targets.length > 1 || check.source ? `${label}: ` : "";
    if (typeof t !== "object" || t === null) {
      problems.push(`${where}expected an object like { tenantId, env }`);
      continue;
    }
    for (const key of Object.keys(t).filter((k) => !TARGET_FIELDS.includes(k)))
      problems.push(`${where}unknown field '${key}'; a target has ${TARGET_FIELDS.join(", ")}`);
    if (typeof t.tenantId !== "string" || !GUID.test(t.tenantId))
      problems.push(`${where}--tenant '${t.tenantId}' is not a directory (tenant) id GUID`);
    if (typeof t.env !== "string" || !/^[A-Za-z0-9_.-]{1,50}$/.test(t.env))
      problems.push(`${where}--env '${t.env}' must be letters, digits, '.', '_' or '-'`);
    const name = stackNameFor(t, targets.length > 1);
    if (names.has(name))
      problems.push(`${where}stack name '${name}' is used twice: give the targets distinct stack names`);
    names.add(name);
    if (check.workDir !== undefined) {
      try {
        buildConfig(t, check.workDir, check.templatesDir);
      } catch (err) {
        problems.push(`${where}${(err as Error).message}`);
      }
    }
  }
  return problems;
}

/** Secret keys of the `--from` stack that the new stack does not get (encrypted with the source's key). */
export function secretsNotCopied(target: StampTarget, workDir: string): string[] {
  if (!target.from) return [];
  const file = path.join(workDir, `Pulumi.${target.from}.yaml`);
  if (!fs.existsSync(file)) return [];
  const config =
    (parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {};
  return Object.entries(config)
    .filter(([, v]) => v !== null && typeof v === "object" && "secure" in v)
    .map(([k]) => (k.startsWith(`${NAMESPACE}:`) ? k.slice(NAMESPACE.length + 1) : k))
    .filter((k) => !(k in (target.secrets ?? {})));
}

export function stackNameFor(target: StampTarget, many: boolean): string {
  return target.stack ?? (many ? `${target.env}-${String(target.tenantId ?? "").slice(0, 8)}` : target.env);
}

/** Builds the stack's configuration object (keys `entra-signup:<key>`) from a template or a stack. */
export function buildConfig(
  target: StampTarget,
  workDir: string,
  templatesDir = path.join(__dirname, "templates"),
): Record<string, unknown> {
  const base = target.from ? readStackConfig(workDir, target.from) : readTemplate(templatesDir, target.env);
  const config: Record<string, unknown> = structuredClone(base);
  setPath(config, "tenant.tenantId", target.tenantId);
  for (const [keyPath, value] of Object.entries(target.set ?? {})) setPath(config, keyPath, value);
  return config;
}

function readTemplate(dir: string, env: string): Record<string, unknown> {
  const file = [path.join(dir, `${env}.yaml`), path.join(dir, "default.yaml")].find((f) => fs.existsSync(f));
  if (!file)
    throw new Error(
      `no template for env '${env}': create stacks/templates/${env}.yaml or stacks/templates/default.yaml`,
    );
  const text = fs.readFileSync(file, "utf8").replaceAll("${env}", env);
  return prefixKeys((parseYaml(text) as { config?: Record<string, unknown> }).config ?? {});
}

function readStackConfig(workDir: string, stack: string): Record<string, unknown> {
  const file = path.join(workDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`--from ${stack}: ${file} does not exist`);
  const config =
    (parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> }).config ?? {};
  // Secrets are encrypted with the source stack's key and cannot be carried over: the new stack
  // generates its own connector password, and other secrets must be given with --secret-env.
  return Object.fromEntries(
    Object.entries(config).filter(([, v]) => !(v && typeof v === "object" && "secure" in (v as object))),
  );
}

function prefixKeys(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${NAMESPACE}:${k}`, v]),
  );
}

/** Sets `a.b.c` under `entra-signup:a`, creating objects on the way. */
export function setPath(config: Record<string, unknown>, keyPath: string, value: unknown): void {
  const [head, ...rest] = keyPath.split(".");
  const key = `${NAMESPACE}:${head}`;
  if (rest.length === 0) {
    config[key] = value;
    return;
  }
  let node = (config[key] ??= {}) as Record<string, unknown>;
  for (const part of rest.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[rest[rest.length - 1]!] = value;
}

/** Stamps one tenant: create/select the stack, write its config, then preview or up. Never throws. */
export async function stampTenant(
  target: StampTarget,
  opts: StampOptions,
  many = false,
): Promise<StampResult> {
  const stackName = stackNameFor(target, many);
  const progress = (line: string) => opts.onProgress?.(`[${stackName}] ${line}`);
  try {
    const config = buildConfig(target, opts.workDir, opts.templatesDir);
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, workDir: opts.workDir },
      { workDir: opts.workDir, envVars: opts.envVars },
    );
    await writeConfig(stack, config, target.secrets ?? {});
    progress(opts.apply ? "applying (pulumi up)" : "previewing (pulumi preview)");
    const onOutput = lineSplitter((line) => progress(line));
    if (opts.apply) {
      const up = await stack.up({ onOutput, color: "never" });
      const outputs = printableOutputs(up.outputs);
      progress(`done: ${formatChanges(up.summary.resourceChanges ?? {})}`);
      return {
        stack: stackName,
        tenantId: target.tenantId,
        ok: true,
        changes: up.summary.resourceChanges ?? {},
        outputs,
      };
    }
    const preview = await stack.preview({ onOutput, color: "never" });
    progress(`done: ${formatChanges(preview.changeSummary)}`);
    return {
      stack: stackName,
      tenantId: target.tenantId,
      ok: true,
      changes: preview.changeSummary,
      outputs: {},
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    progress(`failed: ${firstLines(message)}`);
    return {
      stack: stackName,
      tenantId: target.tenantId,
      ok: false,
      changes: {},
      outputs: {},
      error: message,
    };
  }
}

async function writeConfig(
  stack: Stack,
  config: Record<string, unknown>,
  secrets: Readonly<Record<string, string>>,
) {
  const settings: StackSettings = await stack.workspace.stackSettings(stack.name).catch(() => ({}));
  await stack.workspace.saveStackSettings(stack.name, {
    ...settings,
    config: { ...(settings.config ?? {}), ...config },
  });
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

function firstLines(text: string, n = 6): string {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .slice(0, n)
    .join(" | ");
}
