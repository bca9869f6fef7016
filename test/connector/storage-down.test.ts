/**
 * Storage unreachable: the ports throw a typed error quickly and the engine applies the policy's
 * onStoreError (failOpen lets partners through; failClosed blocks). Never a 5xx, never a hang.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { test } from "node:test";
import { connectionStringFor } from "../../local/azurite";
import { startConnectorHost } from "../../local/connector-host/server";
import { attributeCollection, basicAuthHeader, basicSettings, seedPolicy } from "./helpers/fixtures";
import { reply } from "./helpers/host";

/** A port nobody listens on: bind one, then close it. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function decideWithDeadStorage(onStoreError: "failOpen" | "failClosed", logs: string[] = []) {
  const port = await deadPort();
  const policy = { ...seedPolicy(), rateLimit: { perDomain: 50, windowHours: 24, onStoreError } };
  const host = await startConnectorHost({
    port: 0,
    env: basicSettings(connectionStringFor({ blob: port, queue: port, table: port }), {
      SIGNUP_POLICY: JSON.stringify(policy),
      SIGNUP_STORAGE_TIMEOUT_MS: "500",
    }),
    log: (_level, message) => logs.push(message),
  });
  try {
    const response = await fetch(`${host.url}/api/postAttributeCollection`, {
      method: "POST",
      headers: { authorization: basicAuthHeader(), "content-type": "application/json" },
      body: JSON.stringify(attributeCollection("jo@partner-company.com", "Partner Company")),
    });
    return await reply(response);
  } finally {
    await host.close();
  }
}

test("failOpen: an unreachable store lets an allowed partner continue", async () => {
  const r = await decideWithDeadStorage("failOpen");
  assert.equal(r.status, 200);
  assert.equal(r.json.action, "Continue");
});

test("failClosed: an unreachable store blocks with store_unavailable", async () => {
  const r = await decideWithDeadStorage("failClosed");
  assert.equal(r.status, 200);
  assert.equal(r.json.action, "ShowBlockPage");
  assert.equal(r.json.code, "store_unavailable");
});

test("the rate limiter's failure is logged with its real cause, not just `Error`", async () => {
  const logs: string[] = [];
  await decideWithDeadStorage("failOpen", logs);
  const line = logs.find((l) => l.includes("rate limiter failed"));
  assert.ok(line, `a warning was logged: ${logs.join("\n")}`);
  assert.match(line, /storage unavailable during rate limit[^:]*: .*(ECONNREFUSED|aborted|connect)/i);
  assert.doesNotMatch(line, /rate limit[^:]*: Error"/);
});
