/**
 * `npm run stamp -- --tenant <id> --env <name> [--stack <name>] [--from <stack>] [--set path=value]…
 *                   [--secret-env key=ENV_VAR]… [--up]`
 * `npm run stamp -- --all <targets.yaml> [--concurrency 2] [--up]`
 *
 * Creates a stack per tenant from `stacks/templates/<env>.yaml` (or copies an existing stack's
 * non-secret config with --from), then previews it (default) or applies it (--up).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import {
  formatChanges,
  secretsNotCopied,
  stackNameFor,
  stampAll,
  validateTargets,
  type StampTarget,
} from "./stamping";

const usage = `usage:
  npm run stamp -- --tenant <tenant id> --env <env> [--stack <name>] [--from <stack>]
                   [--set <path>=<json or text>]... [--secret-env <key>=<ENV_VAR>]... [--up]
  npm run stamp -- --all <targets.yaml> [--concurrency <n>] [--up]
targets.yaml: a list of { tenantId, env, stack?, from?, set?: { path: value } }`;

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
    // Non-objects are kept as they are, so validateTargets reports them against their entry number.
    targets = (list as StampTarget[]).map((t) =>
      t !== null && typeof t === "object" ? { ...t, set: { ...set, ...(t.set ?? {}) }, secrets } : t,
    );
  } else {
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
  return { help: false as const, targets, concurrency, apply: values.up, workDir, source: values.all };
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
    console.error(`stamp: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return 2;
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
  for (const r of results) {
    console.log(
      `  ${r.ok ? "ok  " : "FAIL"} ${r.stack} (${r.tenantId}): ${r.ok ? formatChanges(r.changes) : r.error?.split("\n")[0]}`,
    );
  }
  return results.every((r) => r.ok) ? 0 : 1;
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
