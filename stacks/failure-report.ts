/**
 * The one short block every failed `npm run stamp` / `npm run local` ends with: what failed, each problem
 * with its key path and fix, and where the full log is — instead of the engine's whole output, an
 * ANSI-coloured object dump, or the previous run's `Outputs:`.
 */
import { stripVTControlCharacters } from "node:util";

export interface Failure {
  /** What failed, e.g. `preview of stack 'staging' (tenant 1111…)`. */
  readonly what: string;
  /** Each problem on one line, starting with its key path where it has one. */
  readonly problems: readonly string[];
  /** The full log(s) of the run. @default none: the failure happened before anything ran */
  readonly logs?: readonly string[];
}

const MAX_PROBLEMS = 20;
const MAX_LINE = 400;

function oneLine(text: string): string {
  const line = stripVTControlCharacters(text).replace(/\s+/g, " ").trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 3)}...` : line;
}

/**
 * ```
 * FAILED: preview of stack 'staging' (tenant 11111111-2222-3333-4444-555555555555)
 *   - entra-signup:connector.hosting.baseUrll: unknown key "baseUrll" (did you mean "baseUrl"?): …
 *   Full log: /repo/.tmp/stamp/staging.log
 * ```
 */
export function failureBlock(failure: Failure): string {
  const problems = failure.problems.map(oneLine).filter(Boolean);
  const shownProblems = problems.slice(0, MAX_PROBLEMS).map((p) => `  - ${p}`);
  if (problems.length > MAX_PROBLEMS)
    shownProblems.push(`  - ... and ${problems.length - MAX_PROBLEMS} more (see the log)`);
  if (problems.length === 0) shownProblems.push("  - (no error message; see the log)");
  const logs = failure.logs ?? [];
  const tail = logs.length
    ? `  Full log${logs.length > 1 ? "s" : ""}: ${logs.join(", ")}`
    : "  Nothing was changed.";
  return [`FAILED: ${oneLine(failure.what)}`, ...shownProblems, tail].join("\n");
}

/** Engine lines that only say "it failed" and carry no reason. */
const GENERIC = [
  /^(update|preview|destroy|refresh) failed$/i,
  /^an unhandled error occurred: program failed/i,
  /^Running program '.*' failed with an unhandled exception:?$/i,
  /^program failed$/i,
  /^one or more errors occurred/i,
  /^code: -?\d+$/,
  /^(stdout|stderr|err\?):/,
];

/**
 * The reasons in an engine failure (the Automation API error text: the engine's stdout and stderr):
 * each `error:` diagnostic and thrown error's first line, the problem lists of a configuration error, once
 * each, without colour codes or object dumps. Empty when the text has none.
 */
export function engineProblems(text: string): string[] {
  const lines = stripVTControlCharacters(text).split("\n");
  const found: string[] = [];
  const add = (line: string) => {
    const clean = oneLine(line);
    if (clean && !GENERIC.some((g) => g.test(clean)) && !found.includes(clean)) found.push(clean);
  };
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const thrown = /^(?:<ref \*\d+> )?(?:\w+\.)?(?:Run|Resource|Input|Settings|Policy)?Error: (.+)$/.exec(
      line,
    );
    const diagnostic = /^error: (.+)$/.exec(line);
    const message = thrown?.[1] ?? diagnostic?.[1];
    if (message === undefined) continue;
    // A message that introduces a list (`… has 2 problem(s):`) is followed by `  - <problem>` lines.
    if (/:\s*$/.test(message)) {
      const items: string[] = [];
      for (const next of lines.slice(i + 1)) {
        const item = /^\s+- (.+)$/.exec(next);
        if (!item) break;
        items.push(item[1]!);
      }
      if (items.length) {
        items.forEach(add);
        continue;
      }
    }
    add(message);
  }
  return found;
}
