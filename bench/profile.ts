/**
 * `npm run bench:profile -- --from <dir or .cpuprofile> [--top 25]`: where a V8 CPU profile's time went.
 * Reads the newest `.cpuprofile` in a directory (as `bench:connector --profile <dir>` writes them) and
 * prints self time by area (Node's internals, each package in node_modules, each folder of this
 * repository, GC) and by function, as a share of the busy (non-idle) time. Figures only, asserts nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseCommandLine } from "../local/cli-usage";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const ROOT = path.resolve(__dirname, "..");

/** "node internals", "@azure/functions", "functions/http", "(garbage collector)", … */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return "node internals";
  const file = url.startsWith("file://") ? new URL(url).pathname : url;
  const modules = file.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const parts = file.slice(modules + "/node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const relative = path.relative(ROOT, file);
  if (relative.startsWith("..")) return "(elsewhere)";
  const dir = path.dirname(relative);
  return dir.split(path.sep).slice(0, 2).join("/");
}

export interface SelfTime {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly byArea: ReadonlyMap<string, number>;
  readonly byFunction: ReadonlyMap<string, number>;
  /** Inclusive time: each function's own time plus that of everything it called (counted once per sample). */
  readonly totalByFunction: ReadonlyMap<string, number>;
}

export function selfTime(profile: CpuProfile): SelfTime {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)!.callFrame;
    if (frame.functionName === "(idle)") {
      idle += us;
      return;
    }
    busy += us;
    add(byArea, areaOf(frame), us);
    add(byFunction, nameOf(frame), us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = nameOf(nodes.get(at)!.callFrame);
      if (!seen.has(name)) add(totalByFunction, name, us);
      seen.add(name);
    }
  });
  return { busyMs: busy / 1000, idleMs: idle / 1000, byArea, byFunction, totalByFunction };
}

function nameOf(frame: CallFrame): string {
  const where = frame.url === "" ? "" : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
  return `${frame.functionName || "(anonymous)"}${where}`;
}

function shortUrl(url: string): string {
  const file = url.startsWith("file://") ? new URL(url).pathname : url;
  const modules = file.lastIndexOf("/node_modules/");
  if (modules >= 0) return file.slice(modules + "/node_modules/".length);
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

function newestProfile(target: string): string {
  if (fs.statSync(target).isFile()) return target;
  const files = fs
    .readdirSync(target)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(target, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (files.length === 0) throw new Error(`no .cpuprofile in ${target}: run bench:connector --profile first`);
  return files[0]!;
}

function table(title: string, entries: ReadonlyMap<string, number>, busyUs: number, top: number): string {
  const rows = [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([name, us]) =>
        `  ${((100 * us) / busyUs).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
  return [title, ...rows].join("\n");
}

const USAGE = `usage: npm run bench:profile -- --from <dir or .cpuprofile> [--top <n>]

Self time of a V8 CPU profile by area and by function, as a share of busy (non-idle) time.
  --from <path>   a .cpuprofile, or a directory (its newest .cpuprofile)
  --top <n>       functions listed (default 25)
  -h, --help    this text`;

function main(): void {
  const values = parseCommandLine("bench:profile", USAGE, {
    from: { type: "string" },
    top: { type: "string", default: "25" },
  });
  if (values.from === undefined) {
    console.error(`bench:profile: --from is required\n\n${USAGE}`);
    process.exit(2);
  }
  const file = newestProfile(values.from);
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const result = selfTime(profile);
  const busyUs = result.busyMs * 1000;
  console.log(`${file}: busy ${result.busyMs.toFixed(0)} ms, idle ${result.idleMs.toFixed(0)} ms`);
  console.log(table("self time by area:", result.byArea, busyUs, 20));
  console.log(table("self time by function:", result.byFunction, busyUs, Number(values.top)));
  console.log(
    table("total (inclusive) time by function:", result.totalByFunction, busyUs, Number(values.top)),
  );
}

if (require.main === module) main();
