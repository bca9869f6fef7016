/**
 * Every citation in the repository points at something a person who clones it has: no file refers to the
 * research specs that live beside the working copy during development, and every section a comment or
 * page cites in docs/graph-contract.md, docs/external-tenant-contract.md or docs/pulumi-notes.md
 * ("docs/graph-contract.md §6.5") is a heading of that file.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/pulumi";

/** Folders that are not the project's own text: dependencies, build output, scratch and local state. */
const excludedDirs = ["node_modules", ".git", "lib", "dist", ".tmp", ".local"];
/**
 * The CI entry point is seeded by the environment that runs the project (it states where the specs sit on
 * that machine); it is not project text and is left as it was given.
 */
const excludedFiles = new Set([".ci/run"]);

const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], {
  cwd: repoRoot,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f && !excludedFiles.has(f))
  .filter((f) => !f.split("/").some((part) => excludedDirs.includes(part)))
  .filter((f) => !/\.(png|jpe?g|gif|ico|zip|pfx|p12)$/i.test(f) && f !== "package-lock.json")
  .filter((f) => fs.existsSync(path.join(repoRoot, f)) && fs.statSync(path.join(repoRoot, f)).isFile());

const read = (f: string): string => fs.readFileSync(path.join(repoRoot, f), "utf8");

// Built from parts so this file does not match itself.
const externalMentions = [["shared", "spec"].join("/"), ["..", "shared"].join("/")];

test("no file refers to the research specs kept outside the repository", () => {
  assert.ok(files.length > 100, `the repository's files were listed (${files.length})`);
  const offenders: string[] = [];
  for (const file of files) {
    read(file)
      .split("\n")
      .forEach((line, i) => {
        if (externalMentions.some((m) => line.includes(m)))
          offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(
    offenders,
    [],
    "cite docs/graph-contract.md, docs/pulumi-notes.md or a Microsoft Learn URL instead",
  );
});

const notes = {
  "graph-contract": "docs/graph-contract.md",
  "external-tenant-contract": "docs/external-tenant-contract.md",
  "pulumi-notes": "docs/pulumi-notes.md",
} as const;
type Note = keyof typeof notes;

/** The `§X` section ids a notes file has as headings ("### docs/graph-contract.md §6.5 Responses …" → "6.5"). */
function headingIds(file: string): Set<string> {
  const ids = new Set<string>();
  for (const line of read(file).split("\n")) {
    const m = /^#{1,6}\s+§([0-9A-Z][0-9A-Z.]*)/.exec(line);
    if (m?.[1]) ids.add(m[1].replace(/\.$/, ""));
  }
  return ids;
}

/** One section id per `§` in a run like "docs/graph-contract.md §3.2/§7.2" or "§6.5, §6.7" (a trailing full stop is prose). */
const sectionIds = (run: string): string[] =>
  [...run.matchAll(/§([0-9A-Z][0-9A-Z.]*)/g)].map((m) => (m[1] ?? "").replace(/\.+$/, ""));

/**
 * "graph-contract.md §6.5", "docs/pulumi-notes.md §A3.5", "[graph-contract.md](graph-contract.md) §0.2",
 * and runs of sections after one file name ("docs/graph-contract.md §0.2 / §0.3").
 */
const citation =
  /(graph-contract|external-tenant-contract|pulumi-notes)\.md(?:`|\]\([^)]*\))?\s+((?:§[0-9A-Z][0-9A-Z.]*(?:\s*(?:,|\/|;|and)\s*(?=§))?)+)/g;

/** Row numbers of the conflict table under "## Appendix B" in docs/graph-contract.md. */
function appendixBRows(): Set<string> {
  const text = read(notes["graph-contract"]);
  const section = text.slice(text.indexOf("## Appendix B"));
  return new Set([...section.matchAll(/^\|\s*(\d+)\s*\|/gm)].map((m) => m[1] ?? ""));
}

test("every cited row of docs/graph-contract.md Appendix B exists", () => {
  const rows = appendixBRows();
  assert.ok(rows.has("1") && rows.has("14"), "the Appendix B rows were read");
  const missing: string[] = [];
  let cited = 0;
  for (const file of files) {
    read(file)
      .split("\n")
      .forEach((line, i) => {
        for (const m of line.matchAll(/graph-contract\.md Appendix B ((?:#\d+(?:,\s*)?)+)/g)) {
          for (const n of (m[1] ?? "").match(/\d+/g) ?? []) {
            cited++;
            if (!rows.has(n)) missing.push(`${file}:${i + 1}: Appendix B #${n}`);
          }
        }
      });
  }
  assert.ok(cited >= 8, `the Appendix B citations were found (${cited})`);
  assert.deepEqual(missing, []);
});

test("every cited section of docs/graph-contract.md, docs/external-tenant-contract.md and docs/pulumi-notes.md is a heading there", () => {
  const headings = {
    "graph-contract": headingIds(notes["graph-contract"]),
    "external-tenant-contract": headingIds(notes["external-tenant-contract"]),
    "pulumi-notes": headingIds(notes["pulumi-notes"]),
  };
  assert.ok(headings["graph-contract"].has("6.5"), "graph-contract.md headings were read");
  assert.ok(headings["external-tenant-contract"].has("10"), "external-tenant-contract.md headings were read");
  assert.ok(headings["pulumi-notes"].has("A3.5"), "pulumi-notes.md headings were read");
  const missing: string[] = [];
  let cited = 0;
  for (const file of files) {
    read(file)
      .split("\n")
      .forEach((line, i) => {
        for (const m of line.matchAll(citation)) {
          for (const id of sectionIds(m[2] ?? "")) {
            cited++;
            if (!headings[m[1] as Note].has(id))
              missing.push(`${file}:${i + 1}: ${notes[m[1] as Note]} §${id}`);
          }
        }
        // Inside a notes file, a bare "§X" means a section of that same file.
        const own = (Object.keys(notes) as Note[]).find((n) => notes[n] === file);
        if (own) {
          for (const id of sectionIds(line.replace(citation, ""))) {
            cited++;
            if (!headings[own].has(id))
              missing.push(`${file}:${i + 1}: §${id} (no such heading in this file)`);
          }
        }
      });
  }
  assert.ok(cited > 80, `the code's citations were found (${cited})`);
  assert.deepEqual(missing, []);
});
