/**
 * The import structure, read from the source: the deploy side (index.ts, src/, components/, stacks/,
 * policy/) never imports the Function App's folder, the Function App never imports the deploy side, the
 * ground floor (contract/) imports no other folder of ours, and no two folders import each other in a
 * cycle. Imports are read as text (static, dynamic and require), so a type-only import counts too.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const root = path.resolve(__dirname, "..", "..");
const SOURCE_ROOTS = [
  "index.ts",
  "src",
  "contract",
  "components",
  "stacks",
  "policy",
  "functions",
  "local",
  "bench",
];

function sources(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [full];
  return fs
    .readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|cts)$/.test(e.name) && !e.parentPath.includes("node_modules"))
    .map((e) => path.join(e.parentPath, e.name));
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

/** Top-level room of a file: `index.ts`, or its first folder. */
const roomOf = (file: string) => path.relative(root, file).split(path.sep)[0]!;

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of SOURCE_ROOTS.flatMap(sources)) {
    const text = fs.readFileSync(file, "utf8");
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1]!;
      if (!specifier.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(root + path.sep)) continue;
      out.push({ from: roomOf(file), to: roomOf(target), file: path.relative(root, file), specifier });
    }
  }
  return out;
}

const all = edges();
const crossing = (from: readonly string[], to: readonly string[]) =>
  all.filter((e) => from.includes(e.from) && to.includes(e.to)).map((e) => `${e.file} → ${e.specifier}`);

test("the source tree is read (a guard against a scanner that finds nothing)", () => {
  assert.ok(all.length > 200, `only ${all.length} relative imports found`);
  assert.ok(all.some((e) => e.from === "components" && e.to === "contract"));
  assert.ok(all.some((e) => e.from === "functions" && e.to === "contract"));
});

test("nothing on the deploy side imports the Function App's folder", () => {
  assert.deepEqual(crossing(["index.ts", "src", "components", "stacks", "policy"], ["functions"]), []);
});

test("nothing in the Function App imports the deploy side or the local tools", () => {
  assert.deepEqual(
    crossing(["functions"], ["index.ts", "src", "components", "stacks", "policy", "local", "bench"]),
    [],
  );
});

test("the ground floor imports no other folder of ours", () => {
  assert.deepEqual(
    all.filter((e) => e.from === "contract" && e.to !== "contract").map((e) => `${e.file} → ${e.specifier}`),
    [],
  );
});

test("no import cycle between folders", () => {
  const graph = new Map<string, Set<string>>();
  for (const e of all)
    if (e.from !== e.to) (graph.get(e.from) ?? graph.set(e.from, new Set()).get(e.from)!).add(e.to);
  const cycles: string[] = [];
  const visit = (node: string, trail: string[]) => {
    for (const next of graph.get(node) ?? []) {
      if (trail.includes(next)) cycles.push([...trail.slice(trail.indexOf(next)), next].join(" → "));
      else visit(next, [...trail, next]);
    }
  };
  for (const start of graph.keys()) visit(start, [start]);
  assert.deepEqual([...new Set(cycles)], []);
});
