/**
 * How `npm run local` ends when it fails: the engine's full output goes to `<stateDir>/logs/pulumi.log`,
 * and the terminal gets one short block (what failed, each problem, where the log is).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StackConfigError } from "../stacks/config-check";
import { engineProblems, failureBlock } from "../stacks/failure-report";

/** The run's full log: every progress line, and the whole error of a failed run. */
export function runLog(stateDir: string): { file: string; write: (line: string) => void } {
  const file = path.join(stateDir, "logs", "pulumi.log");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
  return { file, write: (line) => fs.appendFileSync(file, `${line}\n`) };
}

/** The one block a failed `npm run local` ends with. */
export function localFailureBlock(
  err: unknown,
  log: { file: string; write: (line: string) => void },
): string {
  if (err instanceof StackConfigError) {
    return failureBlock({
      what: `npm run local: ${err.file} has ${err.problems.length} problem(s); no service or engine was started`,
      problems: err.problems,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  log.write(`\n${message}`);
  const fromEngine = engineProblems(message);
  return failureBlock({
    what: "npm run local (pulumi up of the local stack)",
    problems: fromEngine.length
      ? fromEngine
      : message
          .split("\n")
          .filter((l) => l.trim())
          .slice(0, 5),
    logs: [log.file],
  });
}
