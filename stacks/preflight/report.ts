/** Prints preflight findings: one short block per failure (what, key path, fix), notes after them. */
import type { Finding } from "./finding";

export function formatReport(stack: string, findings: readonly Finding[]): string {
  const failures = findings.filter((f) => f.level === "fail");
  const notes = findings.filter((f) => f.level === "note");
  const lines: string[] = [];
  for (const f of failures) {
    lines.push(`✗ ${f.check}: ${f.problem}`);
    if (f.key) lines.push(`    key: ${f.key}`);
    if (f.fix) lines.push(`    fix: ${f.fix}`);
  }
  for (const f of notes) {
    lines.push(`· ${f.check}: ${f.problem}${f.fix ? ` (${f.fix})` : ""}`);
  }
  lines.push(
    failures.length === 0
      ? `preflight: stack '${stack}' is ready to deploy`
      : `preflight: stack '${stack}' has ${failures.length} problem(s); nothing was changed`,
  );
  return lines.join("\n");
}
