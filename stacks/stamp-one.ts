/**
 * `npm run stamp:one -- --all <targets.yaml> --stack <name> [--up | --prepare] [--result <file.json>]
 *                       [--set <path>=<value>]... [--secret-env <key>=<ENV_VAR>]...`
 *
 * One tenant's job of the stamp workflow (`.github/workflows/stamp.yml`): checks every target of the
 * file (the same validation as `npm run stamp -- --all`), then stamps only the target whose stack is
 * `--stack`. `--prepare` writes the stack and its config file without running the engine (preflight
 * reads it); otherwise it previews, or applies with `--up`. Ends with one result block; `--result`
 * also writes the result as JSON for the workflow's summary (stacks/stamp-summary.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { failureBlock } from "./failure-report";
import { matrixFor, targetsFromArgs } from "./stamp";
import { operationOf, stampResultBlock, stampTenant, validateTargets } from "./stamping";

/** What one tenant's job reports, as JSON, to the summary job. */
export interface StampOutcome {
  readonly stack: string;
  readonly tenant: string;
  readonly env: string;
  readonly environment: string;
  readonly operation: string;
  readonly result: "ok" | "failed";
  readonly changes: Record<string, number>;
  readonly problems: readonly string[];
  readonly log?: string;
}

const usage = `usage: npm run stamp:one -- --all <targets.yaml> --stack <name> [--up | --prepare] [--result <file.json>]
                         [--set <path>=<json or text>]... [--secret-env <key>=<ENV_VAR>]... [--work-dir <dir>]`;

export async function stampOne(argv: string[], print: (text: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      all: { type: "string" },
      stack: { type: "string" },
      up: { type: "boolean", default: false },
      prepare: { type: "boolean", default: false },
      result: { type: "string" },
      set: { type: "string", multiple: true },
      "secret-env": { type: "string", multiple: true },
      "work-dir": { type: "string" },
    },
  });
  if (!values.all || !values.stack) throw new Error(`--all and --stack are required\n${usage}`);
  if (values.up && values.prepare) throw new Error(`--prepare only writes the stack; leave out --up`);
  const parsed = targetsFromArgs([
    "--all",
    values.all,
    ...(values.set ?? []).flatMap((s) => ["--set", s]),
    ...(values["secret-env"] ?? []).flatMap((s) => ["--secret-env", s]),
    ...(values["work-dir"] ? ["--work-dir", values["work-dir"]] : []),
  ]);
  if (parsed.help) return 0;
  const opts = { workDir: parsed.workDir, apply: values.up, prepareOnly: values.prepare };
  const writeOutcome = (outcome: StampOutcome) => {
    if (values.result) fs.writeFileSync(values.result, `${JSON.stringify(outcome, null, 2)}\n`);
  };
  const problems = validateTargets(parsed.targets, {
    workDir: parsed.workDir,
    source: path.basename(values.all),
  });
  const entries = problems.length ? [] : matrixFor(parsed.targets).include;
  const index = entries.findIndex((e) => e.stack === values.stack);
  if (problems.length || index < 0) {
    const why = problems.length
      ? problems
      : [
          `--stack ${values.stack}: ${path.basename(values.all)} has no target with that stack; its stacks are ${entries.map((e) => e.stack).join(", ")}`,
        ];
    print(
      failureBlock({
        what: `${operationOf(opts)} of stack '${values.stack}': refused before it started`,
        problems: why,
      }),
    );
    writeOutcome({
      stack: values.stack,
      tenant: "",
      env: "",
      environment: "",
      operation: operationOf(opts),
      result: "failed",
      changes: {},
      problems: why,
    });
    return 2;
  }
  const entry = entries[index]!;
  const result = await stampTenant(parsed.targets[index]!, opts, parsed.targets.length > 1);
  print(stampResultBlock(result, opts));
  writeOutcome({
    ...entry,
    operation: operationOf(opts),
    result: result.ok ? "ok" : "failed",
    changes: result.changes,
    problems: result.problems ?? [],
    log: result.log,
  });
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  stampOne(process.argv.slice(2), (text) => console.log(text)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`stamp:one: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );
}
