/** Every command-line tool of the project answers --help (and -h) with its usage, before starting anything. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

const root = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);

/** npm script → its entry file, read from package.json so a new tool is covered (or named here). */
const scripts = (
  JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
const TOOLS = [
  "local",
  "approvals",
  "connector",
  "graph-emulator",
  "bench:graph",
  "bench:connector",
  "bench:profile",
];

for (const name of TOOLS) {
  test(`npm run ${name} -- --help prints its usage and exits 0`, async () => {
    const entry = /node --import tsx (\S+\.ts)/.exec(scripts[name] ?? "")?.[1];
    assert.ok(entry, `package.json script ${name} runs a .ts entry`);
    for (const flag of ["--help", "-h"]) {
      const { stdout } = await run(process.execPath, ["--import", "tsx", entry, flag], { cwd: root });
      assert.match(stdout, /^usage: /, `${name} ${flag}`);
    }
  });
}

test("the simulator (started by npm run local) answers --help too", async () => {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "local/simulator/cli.ts", "--help"], {
    cwd: root,
  });
  assert.match(stdout, /^usage: /);
});
