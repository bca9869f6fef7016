/**
 * The engine-liveness guard (docs/crash-safety.md): a dynamic-provider host knows its engine from its
 * arguments, and a write is refused once nothing listens there any more — a busy engine is never taken
 * for a dead one.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { test } from "node:test";
import {
  assertEngineAlive,
  engineAddressOf,
  EngineGoneError,
} from "../../components/graph/providers/engine-guard";

const listening = async (): Promise<net.Server> => {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return server;
};
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

test("the engine address is read from a dynamic-provider host's arguments, and only there", () => {
  const host = ["/usr/bin/node", "/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js"];
  assert.equal(engineAddressOf([...host, "127.0.0.1:43271"]), "127.0.0.1:43271");
  assert.equal(engineAddressOf([...host, "--logflow", "localhost:5000"]), "localhost:5000");
  assert.equal(engineAddressOf(["/usr/bin/node", "/x/test.ts", "127.0.0.1:43271"]), undefined);
  assert.equal(engineAddressOf(host), undefined);
});

test("a write is refused once the engine's address refuses connections; allowed while it listens", async () => {
  const engine = await listening();
  const address = `127.0.0.1:${portOf(engine)}`;
  await assertEngineAlive("POST /identity/apiConnectors", address);
  await new Promise((r) => engine.close(r));
  await assert.rejects(assertEngineAlive("POST /identity/apiConnectors", address), (e: Error) => {
    assert.ok(e instanceof EngineGoneError);
    assert.match(
      e.message,
      /engine that started this provider \(127\.0\.0\.1:\d+\) is gone; refusing POST \/identity\/apiConnectors/,
    );
    return true;
  });
  await assertEngineAlive("POST /anything", undefined); // not a provider host: nothing to check
});
