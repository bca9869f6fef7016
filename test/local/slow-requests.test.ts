/**
 * The Graph emulator and the simulator log each request they took long to answer (local/slow-requests.ts):
 * with a threshold of 0 every request is "slow", so each one must appear once, by method, path without its
 * query, and status; without a threshold nothing is logged.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startGraphEmulator } from "../../local/graph-emulator/index";
import { startSimulator } from "../../local/simulator/server";

/** Polls until `done()`, for at most 30 s (a bound on a hang only). */
async function until(done: () => boolean): Promise<void> {
  for (let tries = 0; !done() && tries < 1_500; tries++) await new Promise((r) => setTimeout(r, 20));
}

const SLOW = /^(graph emulator|simulator): slow request (\S+) (\S+) → (\d+) in \d+ ms$/;

test("the Graph emulator logs a slow request by method, path without its query and status", async () => {
  const lines: string[] = [];
  const emulator = await startGraphEmulator({ slowRequestMs: 0, log: (line) => lines.push(line) });
  try {
    const res = await fetch(`${emulator.url}/v1.0/users?$filter=mail eq 'ada@partner-company.com'`, {
      headers: { Authorization: "Bearer test" },
    });
    await res.text();
    assert.equal(res.status, 200);
    const missing = await fetch(`${emulator.url}/v1.0/identity/b2xUserFlows/B2X_1_none`, {
      headers: { Authorization: "Bearer test" },
    });
    await missing.text();
    await until(() => lines.length >= 2);
    assert.deepEqual(
      lines.map((line) => SLOW.exec(line)?.slice(1)),
      [
        ["graph emulator", "GET", "/v1.0/users", "200"],
        ["graph emulator", "GET", "/v1.0/identity/b2xUserFlows/B2X_1_none", String(missing.status)],
      ],
    );
    assert.ok(
      lines.every((line) => !line.includes("ada@")),
      "no query in the log",
    );
  } finally {
    await emulator.close();
  }
});

test("without a threshold neither service logs requests", async () => {
  const lines: string[] = [];
  const emulator = await startGraphEmulator({ log: (line) => lines.push(line) });
  const sim = await startSimulator({ graphUrl: emulator.url, log: (line) => lines.push(line) });
  try {
    await (
      await fetch(`${emulator.url}/v1.0/organization`, { headers: { Authorization: "Bearer t" } })
    ).text();
    await (await fetch(sim.url)).text();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(lines, []);
  } finally {
    await sim.close();
    await emulator.close();
  }
});

test("the simulator logs a slow page request the same way", async () => {
  const lines: string[] = [];
  const emulator = await startGraphEmulator({});
  const sim = await startSimulator({
    graphUrl: emulator.url,
    slowRequestMs: 0,
    log: (line) => lines.push(line),
  });
  try {
    const res = await fetch(`${sim.url}?flow=B2X_1_none`);
    await res.text();
    await until(() => lines.length >= 1);
    assert.deepEqual(
      lines.map((line) => SLOW.exec(line)?.slice(1)),
      [["simulator", "GET", "/", String(res.status)]],
    );
  } finally {
    await sim.close();
    await emulator.close();
  }
});
