/**
 * A forced exit of `npm run local` kills every process the run started, including a Pulumi plugin whose
 * parent (the engine) is already gone — the orphan `pulumi-language-nodejs` of a double Ctrl-C. The
 * engine starts each plugin as the leader of its own process group; the fake engine here does the same.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import { waitUntilReady } from "../../local/readiness";
import { descendantsOf, processTable } from "../../local/run-processes";
import { repoRoot } from "../helpers/pulumi";

/**
 * The run: a plain child, and a fake engine that starts a "plugin" in a process group of its own, which
 * starts a "program" in that group. Commands on stdin: `remember` (the first Ctrl-C), `engine-dies`
 * (the engine is killed, the plugin is re-parented), `kill` (the forced second Ctrl-C).
 */
const RUN = `
const { spawn } = require("node:child_process");
const readline = require("node:readline");
const { RunProcesses } = require(${JSON.stringify(path.join(repoRoot, "local", "run-processes.ts"))});
const forever = "setInterval(() => {}, 1000)";
const plugin = \`const p = require("node:child_process").spawn(process.execPath, ["-e", \${JSON.stringify(forever)}], { stdio: "ignore" });
  console.log(JSON.stringify({ plugin: process.pid, program: p.pid })); \${forever}\`;
const engine = \`const c = require("node:child_process").spawn(process.execPath, ["-e", \${JSON.stringify(plugin)}], { stdio: ["ignore", "inherit", "ignore"], detached: true });
  \${forever}\`;
const plain = spawn(process.execPath, ["-e", forever], { stdio: "ignore" });
const eng = spawn(process.execPath, ["-e", engine], { stdio: ["ignore", "pipe", "ignore"] });
const processes = new RunProcesses();
eng.stdout.once("data", (d) => {
  const pids = JSON.parse(String(d).trim());
  console.log(JSON.stringify({ plain: plain.pid, engine: eng.pid, ...pids }));
});
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "remember") { processes.remember(); console.log("remembered"); }
  if (line === "engine-dies") { eng.once("exit", () => console.log("engine gone")); eng.kill("SIGKILL"); }
  if (line === "kill") { console.log(JSON.stringify({ killed: processes.killAll() })); process.exit(130); }
});
`;

/** Gone, or a zombie waiting to be reaped (it runs nothing any more). */
function gone(pid: number): boolean {
  try {
    const stat = execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).trim();
    return stat === "" || stat.startsWith("Z");
  } catch {
    return true;
  }
}

test("a forced exit kills the run's children and a re-parented plugin's whole process group", async (t) => {
  // Detached: the run leads its own process group, as `npm run local` does in a terminal.
  const run = spawn(process.execPath, ["--import", "tsx", "-e", RUN], {
    cwd: repoRoot,
    detached: true,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let buffer = "";
  run.stdout.on("data", (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const pids: Record<string, number> = {};
  t.after(() => {
    for (const pid of [run.pid!, pids.plugin!].filter(Boolean))
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
  });
  const said = (text: string) => waitUntilReady(`the run to say ${text}`, () => lines.includes(text));
  await waitUntilReady("the run's processes", () => lines.length > 0);
  Object.assign(pids, JSON.parse(lines[0]!) as Record<string, number>);
  for (const name of ["plain", "engine", "plugin", "program"])
    assert.ok(pids[name] && !gone(pids[name]), `${name} started`);

  run.stdin.write("remember\n");
  await said("remembered");
  run.stdin.write("engine-dies\n");
  await said("engine gone");
  await waitUntilReady("the plugin to be re-parented", () => {
    const table = processTable();
    return !descendantsOf(table, run.pid!).has(pids.plugin!);
  });

  const exited = new Promise((resolve) => run.once("exit", resolve));
  run.stdin.write("kill\n");
  await exited;
  const { killed } = JSON.parse(lines.find((l) => l.startsWith('{"killed"'))!) as { killed: number[] };
  assert.ok(killed.includes(pids.plugin!) && killed.includes(pids.program!) && killed.includes(pids.plain!));
  await waitUntilReady("every process of the run to be gone", () =>
    ["plain", "plugin", "program"].every((name) => gone(pids[name]!)),
  );
});
