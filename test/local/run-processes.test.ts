/**
 * A forced exit of `npm run local` kills every process the run started, including a Pulumi plugin whose
 * parent (the engine) is already gone — the orphan `pulumi-language-nodejs` of a double Ctrl-C.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import { waitUntilReady } from "../../local/readiness";
import { descendantsOf, processTable } from "../../local/run-processes";
import { repoRoot } from "../helpers/pulumi";

/** The run: a plain child, and a "pulumi-language-nodejs" grandchild whose parent exits at once. */
const RUN = `
const { spawn } = require("node:child_process");
const { RunProcesses } = require(${JSON.stringify(path.join(repoRoot, "local", "run-processes.ts"))});
const forever = ["-e", "setInterval(() => {}, 1000)"];
const plain = spawn(process.execPath, forever, { stdio: "ignore" });
const mid = spawn(process.execPath, ["-e",
  \`const c = require("node:child_process").spawn(process.execPath, \${JSON.stringify(forever)}.concat("pulumi-language-nodejs"), { stdio: "ignore" });
   console.log(c.pid); process.exit(0);\`], { stdio: ["ignore", "pipe", "ignore"] });
let out = "";
mid.stdout.on("data", (d) => (out += d));
mid.once("exit", () => {
  console.log(JSON.stringify({ plain: plain.pid, orphan: Number(out.trim()) }));
  process.stdin.once("data", () => {
    console.log(JSON.stringify({ killed: new RunProcesses().killAll() }));
    process.exit(130);
  });
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

test("a forced exit kills the run's children and a re-parented Pulumi plugin, by process group", async (t) => {
  // Detached: the run leads its own process group, as `npm run local` does in a terminal.
  const run = spawn(process.execPath, ["--import", "tsx", "-e", RUN], {
    cwd: repoRoot,
    detached: true,
    stdio: ["pipe", "pipe", "inherit"],
  });
  t.after(() => {
    try {
      process.kill(-run.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  });
  let out = "";
  run.stdout.on("data", (d: Buffer) => (out += d.toString()));
  await waitUntilReady("the run's processes", () => out.includes("\n"));
  const { plain, orphan } = JSON.parse(out.split("\n")[0]!) as { plain: number; orphan: number };
  assert.ok(!gone(plain) && !gone(orphan), "both started");
  assert.ok(
    !descendantsOf(processTable(), run.pid!).has(orphan),
    "the plugin is no longer the run's descendant",
  );

  const exited = new Promise((resolve) => run.once("exit", resolve));
  run.stdin.write("kill\n");
  await exited;
  const { killed } = JSON.parse(out.split("\n")[1]!) as { killed: number[] };
  assert.deepEqual([...killed].sort(), [plain, orphan].sort());
  await waitUntilReady("the killed processes to be gone", () => gone(plain) && gone(orphan));
});
