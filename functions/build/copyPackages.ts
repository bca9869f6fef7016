/**
 * Copies runtime packages from the project's own node_modules into the staging folder (no network, no
 * `npm install`), keeping only what Node loads: no sources, typings, maps or docs.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const SKIP_DIRS = new Set(["src", "types", "test", "tests", "docs", ".github"]);
const SKIP_FILE = /(\.map|\.d\.ts|\.d\.mts|\.d\.cts|\.md|\.ts)$/i;

function packageDir(name: string, fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`package ${name} is not installed (run npm ci)`);
  }
}

function copyFiltered(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) copyFiltered(source, path.join(to, entry.name));
    } else if (entry.isFile() && !SKIP_FILE.test(entry.name)) {
      fs.copyFileSync(source, path.join(to, entry.name));
    }
  }
}

/** Copies `name` and its production dependencies, hoisted flat under `<stagingDir>/node_modules`. */
export function copyPackageTree(
  name: string,
  projectRoot: string,
  stagingDir: string,
): Record<string, string> {
  const versions: Record<string, string> = {};
  const visit = (pkg: string, fromDir: string) => {
    const dir = packageDir(pkg, fromDir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      version: string;
      dependencies?: Record<string, string>;
    };
    if (versions[pkg] !== undefined) {
      if (versions[pkg] !== manifest.version)
        throw new Error(`${pkg} is needed in two versions; cannot hoist`);
      return;
    }
    versions[pkg] = manifest.version;
    copyFiltered(dir, path.join(stagingDir, "node_modules", pkg));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, dir);
  };
  visit(name, projectRoot);
  return versions;
}
