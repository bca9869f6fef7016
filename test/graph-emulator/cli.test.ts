/** The `npm run graph-emulator` CLI: prints its URL, stops on SIGTERM, explains a busy port in one line. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { test } from "node:test";
import { startGraphEmulator } from "../../local/graph-emulator/index";
import { waitUntilReady } from "../../local/readiness";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "local/graph-emulator/cli.ts");

function runCli(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, out: () => stdout, err: () => stderr };
}

test("a port already in use gives one clear line naming the port and the --port flag", async () => {
  const busy = await startGraphEmulator({ port: 0 });
  try {
    const run = runCli(["--port", String(busy.port)]);
    const [code] = await run.exited;
    assert.equal(code, 1);
    const lines = run.err().trim().split("\n");
    assert.equal(lines.length, 1, run.err());
    assert.match(lines[0] ?? "", new RegExp(`port ${busy.port} is already in use.*--port`));
  } finally {
    await busy.close();
  }
});

test("the CLI prints a URL that serves Graph and exits cleanly on SIGTERM", async () => {
  const run = runCli(["--port", "0", "--tenant-id", "22222222-2222-4222-8222-222222222222"]);
  await waitUntilReady("the emulator CLI's URL", () => /listening on (http:\/\/\S+)/.test(run.out()), {
    failed: () => (run.child.exitCode === null ? undefined : `the CLI exited: ${run.err()}`),
  });
  const url = /listening on (http:\/\/\S+)/.exec(run.out())?.[1];
  assert.ok(url, `no URL printed; stdout=${run.out()} stderr=${run.err()}`);
  const info = (await (await fetch(`${url}/_emulator/info`)).json()) as { tenantId: string };
  assert.equal(info.tenantId, "22222222-2222-4222-8222-222222222222");
  const res = await fetch(`${url}/v1.0/identity/b2xUserFlows`, { headers: { Authorization: "Bearer t" } });
  assert.equal(res.status, 200);
  run.child.kill("SIGTERM");
  const [code] = await run.exited;
  assert.equal(code, 0);
});
