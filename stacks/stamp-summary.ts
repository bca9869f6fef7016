/**
 * `npm run stamp:summary -- <folder>...` — the stamp workflow's run summary: a Markdown table (tenant,
 * stack, result, changes) of the `StampOutcome` JSON files the per-tenant jobs uploaded, for
 * `$GITHUB_STEP_SUMMARY`. Exits 1 when a job failed or did not report.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatChanges } from "./engine-output";
import type { StampOutcome } from "./stamp-one";

/** Every `*.json` outcome under the folders, sorted by stack. */
export function readOutcomes(folders: readonly string[]): StampOutcome[] {
  const files = folders.flatMap((folder) =>
    fs.existsSync(folder)
      ? fs
          .readdirSync(folder, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile() && e.name.endsWith(".json"))
          .map((e) => path.join(e.parentPath, e.name))
      : [],
  );
  return files
    .map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as StampOutcome)
    .sort((a, b) => a.stack.localeCompare(b.stack));
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The Markdown table; `expected` stacks without an outcome are listed as `no result`. */
export function summaryTable(outcomes: readonly StampOutcome[], expected: readonly string[] = []): string {
  const rows = outcomes.map(
    (o) =>
      `| ${cell(o.tenant)} | ${cell(o.stack)} | ${o.result === "ok" ? "ok" : "**failed**"} | ${cell(
        o.result === "ok" ? formatChanges(o.changes) : (o.problems[0] ?? "see the job log"),
      )} |`,
  );
  for (const stack of expected.filter((s) => !outcomes.some((o) => o.stack === s)))
    rows.push(`| | ${cell(stack)} | **no result** | the job did not finish; see its log |`);
  return [
    "### Stamp",
    "",
    "| tenant | stack | result | changes |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const expectedFlag = args.indexOf("--expect");
  const expected =
    expectedFlag >= 0
      ? ((JSON.parse(args[expectedFlag + 1] ?? "{}") as { include?: Array<{ stack: string }> }).include?.map(
          (e) => e.stack,
        ) ?? [])
      : [];
  const folders =
    expectedFlag >= 0 ? args.filter((_, i) => i !== expectedFlag && i !== expectedFlag + 1) : args;
  const outcomes = readOutcomes(folders);
  console.log(summaryTable(outcomes, expected));
  const allOk =
    outcomes.every((o) => o.result === "ok") && expected.every((s) => outcomes.some((o) => o.stack === s));
  process.exit(allOk ? 0 : 1);
}
