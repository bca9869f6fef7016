/**
 * `npm run stamp -- --tenant <id> --env <name> [--stack <name>] [--from <stack>] [--set path=value]…
 *                   [--secret-env key=ENV_VAR]… [--up]`
 * `npm run stamp -- --all <targets.yaml> [--concurrency 2] [--up]`
 * `npm run stamp -- --all <targets.yaml> --matrix`
 *
 * Creates a stack per tenant from `stacks/templates/<env>.yaml` (or copies an existing stack's
 * non-secret config with --from), then previews it (default) or applies it (--up). Every target is
 * checked first (fields, template, the stack's whole configuration, no re-pointing of an existing stack
 * at another tenant); a failure ends with one block: what failed, each problem, where the log is.
 * `--matrix` prints the checked targets as a GitHub Actions matrix (`.github/workflows/stamp.yml`) and
 * touches nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { failureBlock } from "./failure-report";
import {
  formatChanges,
  githubEnvironmentFor,
  secretsNotCopied,
  stackNameFor,
  stampAll,
  stampResultBlock,
  validateTargets,
  type StampTarget,
} from "./stamping";

const usage = `usage:
  npm run stamp -- --tenant <tenant id> --env <env> [--stack <name>] [--from <stack>]
                   [--set <path>=<json or text>]... [--secret-env <key>=<ENV_VAR>]... [--up]
  npm run stamp -- --all <targets.yaml> [--concurrency <n>] [--up]
  npm run stamp -- --all <targets.yaml> --matrix      (print the GitHub Actions matrix; touches nothing)
targets.yaml: a list of { tenantId, env, stack?, from?, set?: { path: value }, githubEnvironment? }`;

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pairs(list: string[] | undefined, flag: string): Array<[string, string]> {
  return (list ?? []).map((item) => {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`${flag} '${item}' must look like key=value`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

export function targetsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string" },
      env: { type: "string" },
      stack: { type: "string" },
      from: { type: "string" },
      set: { type: "string", multiple: true },
      "secret-env": { type: "string", multiple: true },
      all: { type: "string" },
      concurrency: { type: "string", default: "2" },
      up: { type: "boolean", default: false },
      matrix: { type: "boolean", default: false },
      "work-dir": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return { help: true as const };
  const secrets: Record<string, string> = {};
  for (const [key, variable] of pairs(values["secret-env"], "--secret-env")) {
    const value = env[variable];
    if (value === undefined)
      throw new Error(`--secret-env ${key}=${variable}: environment variable ${variable} is not set`);
    secrets[key] = value;
  }
  const set = Object.fromEntries(pairs(values.set, "--set").map(([k, v]) => [k, parseValue(v)]));
  let targets: StampTarget[];
  if (values.all) {
    const list = parseYaml(fs.readFileSync(values.all, "utf8")) as unknown;
    if (!Array.isArray(list)) throw new Error(`--all ${values.all}: expected a YAML list of targets`);
    // Non-objects (and a `set` that is not a map) are kept as they are, so validateTargets reports
    // them against their entry number.
    targets = (list as StampTarget[]).map((t) =>
      t !== null && typeof t === "object" && !Array.isArray(t)
        ? {
            ...t,
            set:
              t.set === undefined || (t.set !== null && typeof t.set === "object" && !Array.isArray(t.set))
                ? { ...set, ...(t.set ?? {}) }
                : t.set,
            secrets,
          }
        : t,
    );
  } else {
    if (values.matrix) throw new Error(`--matrix needs --all <targets.yaml>`);
    if (!values.tenant || !values.env)
      throw new Error(`--tenant and --env are required (or --all)\n${usage}`);
    targets = [
      { tenantId: values.tenant, env: values.env, stack: values.stack, from: values.from, set, secrets },
    ];
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`--concurrency must be a positive integer`);
  const workDir = path.resolve(values["work-dir"] ?? path.join(__dirname, ".."));
  if (values.matrix && values.up) throw new Error(`--matrix only prints the matrix; leave out --up`);
  return {
    help: false as const,
    targets,
    concurrency,
    apply: values.up,
    matrix: values.matrix,
    workDir,
    source: values.all,
  };
}

/** One matrix entry per target: what the stamp workflow's per-tenant job needs. */
export interface MatrixEntry {
  readonly stack: string;
  readonly tenant: string;
  readonly env: string;
  /** The GitHub environment whose OIDC identity may reach the tenant. */
  readonly environment: string;
}

/** The GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(…) }}`) for checked targets. */
export function matrixFor(targets: readonly StampTarget[]): { include: MatrixEntry[] } {
  const many = targets.length > 1;
  return {
    include: targets.map((t) => ({
      stack: stackNameFor(t, many),
      tenant: t.tenantId,
      env: t.env,
      environment: githubEnvironmentFor(t, many),
    })),
  };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof targetsFromArgs>;
  try {
    parsed = targetsFromArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`stamp: ${(err as Error).message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(usage);
    return 0;
  }
  const problems = validateTargets(parsed.targets, {
    workDir: parsed.workDir,
    source: parsed.source && path.basename(parsed.source),
  });
  if (problems.length) {
    console.error(
      failureBlock({
        what: `stamp refused ${parsed.targets.length === 1 ? "the target" : `${parsed.source ?? "the targets"}`}: ${problems.length} problem(s), checked before any stack was touched`,
        problems,
      }),
    );
    return 2;
  }
  if (parsed.matrix) {
    console.log(JSON.stringify(matrixFor(parsed.targets)));
    return 0;
  }
  for (const target of parsed.targets) {
    const missing = secretsNotCopied(target, parsed.workDir);
    if (missing.length === 0) continue;
    const name = stackNameFor(target, parsed.targets.length > 1);
    console.log(
      `stamp: ${name} does not get ${target.from}'s secrets (${missing.join(", ")}); set them again:` +
        missing
          .map((k) => `\n  pulumi config set --secret --stack ${name} entra-signup:${k} <value>`)
          .join("") +
        (missing.includes("connectorPassword")
          ? "\n  (without connectorPassword the new stack generates its own)"
          : ""),
    );
  }
  const started = Date.now();
  const results = await stampAll(
    parsed.targets,
    { workDir: parsed.workDir, apply: parsed.apply, onProgress: (line) => console.log(line) },
    parsed.concurrency,
  );
  console.log(`\nstamped ${results.length} stack(s) in ${((Date.now() - started) / 1000).toFixed(1)}s:`);
  for (const r of results)
    console.log(
      `  ${r.ok ? "ok  " : "FAIL"} ${r.stack} (${r.tenantId}): ${r.ok ? formatChanges(r.changes) : "failed"}`,
    );
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return 0;
  // One block at the very end: per stack, its problems and its log.
  console.error(
    `\n${
      failed.length === 1
        ? stampResultBlock(failed[0]!, { apply: parsed.apply })
        : failureBlock({
            what: `${failed.length} of ${results.length} stacks (${parsed.apply ? "pulumi up" : "pulumi preview"})`,
            problems: failed.flatMap((r) =>
              (r.problems ?? [r.error ?? "failed"]).map((p) => `${r.stack}: ${p}`),
            ),
            logs: failed.flatMap((r) => (r.log ? [r.log] : [])),
          })
    }`,
  );
  return 1;
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
