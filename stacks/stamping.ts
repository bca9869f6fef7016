/**
 * Tenant stamping: create (or select) a stack for a tenant and environment, give it configuration from
 * a template or from an existing stack, then preview or apply it — through the Automation API, so the
 * same program, engine and state backend are used as for a hand-run `pulumi up`.
 */
import { listInstalledPlugins } from "./preflight/plugins";
import { runPreflight } from "./preflight/run";
import { readStackConfig, repoRoot, settingsFromConfig } from "./preflight/stack-config";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Document } from "yaml";
import { stackConfigProblems } from "./config-check";
import { formatChanges, lineSplitter, printableOutputs } from "./engine-output";
import { engineProblems, failureBlock } from "./failure-report";
import { NAMESPACE, SettingsError } from "./settings";
import {
  configOf,
  existingTenant,
  keepStackOwnEntries,
  readStackDocument,
  stackFilePath,
} from "./stack-file";
import { buildStackDocument } from "./stamp-config";
import { retargetProblem, stackNameFor, type StampTarget } from "./stamp-targets";

export { formatChanges } from "./engine-output";
export { buildConfig, buildStackDocument, secretsNotCopied } from "./stamp-config";
export {
  githubEnvironmentFor,
  retargetProblem,
  stackNameFor,
  validateTargets,
  type StampTarget,
} from "./stamp-targets";

export interface StampOptions {
  /** The Pulumi project folder (Pulumi.yaml). @default the repository root */
  readonly workDir: string;
  /** Where `<env>.yaml` / `default.yaml` templates live. @default stacks/templates next to this file */
  readonly templatesDir?: string;
  /** Apply (`up`) instead of only previewing. */
  readonly apply: boolean;
  /** Skip the read-only preflight before preview/up (also `ENTRA_SIGNUP_SKIP_PREFLIGHT=1`). @default false */
  readonly skipPreflight?: boolean;
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
    const retarget = retargetProblem(target, stackName, existingTenant(opts.workDir, stackName));
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
      deployedTenant(await stack.exportStack()),
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

    // Preflight, read-only, before the engine touches the tenant: credential, permissions, tenant kind,
    // sign-up, app ids, name conflicts, plugins, Azure names (stacks/preflight).
    if (!opts.skipPreflight && process.env.ENTRA_SIGNUP_SKIP_PREFLIGHT !== "1") {
      stage = "preflight";
      const blocked = await preflightProblems(stackName, opts, await stack.exportStack());
      if (blocked.length) return fail(blocked);
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

/** The preflight failures for a stamped stack, as `preflight <check>: <problem> — <fix>` lines. */
async function preflightProblems(
  stackName: string,
  opts: StampOptions,
  deployment: { deployment?: { resources?: Array<{ id?: string }> } },
): Promise<string[]> {
  let settings;
  try {
    // Files the config names (policyFile, packagePath) are relative to the program (the repository).
    settings = settingsFromConfig(readStackConfig(stackName, opts.workDir), stackName, repoRoot);
  } catch (err) {
    if (err instanceof SettingsError) return err.problems.map((p) => `preflight config: ${p}`);
    throw err;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const findings = await runPreflight({
    settings,
    stack: stackName,
    operation: opts.apply ? "up" : "preview",
    managedIds: new Set((deployment.deployment?.resources ?? []).flatMap((r) => (r.id ? [r.id] : []))),
    dependencies: pkg.dependencies ?? {},
    listPlugins: () => listInstalledPlugins({ ...process.env, ...opts.envVars }),
  });
  return findings
    .filter((f) => f.level === "fail")
    .map((f) => `preflight ${f.check}: ${f.problem}${f.fix ? ` — ${f.fix}` : ""}`);
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
