/**
 * The local connector host bounds what a client can hold: credentials and the declared size are
 * checked before any body byte is read, headers and bodies that stall are cut off, and a client that
 * goes away is a debug line, not a host error. Raw sockets, so a test can send half a request and stop.
 * The time bounds are made small here; the tests wait for the server to act, they never time it.
 */
import type { LogLevel } from "@azure/functions";
import assert from "node:assert/strict";
import { once } from "node:events";
import * as net from "node:net";
import { after, before, test } from "node:test";
import { startConnectorHost, type ConnectorHost } from "../../local/connector-host/server";
import { attributeCollection, basicAuthHeader, basicSettings } from "./helpers/fixtures";

const logs: { level: LogLevel; message: string }[] = [];
let host: ConnectorHost;

before(async () => {
  const { AzureWebJobsStorage: _unused, ...env } = basicSettings("unused");
  host = await startConnectorHost({
    port: 0,
    storage: "memory",
    env,
    limits: { headersMs: 300, bodyMs: 300 },
    log: (level, message) => logs.push({ level, message }),
  });
});
after(() => host.close());

const BODY = JSON.stringify(attributeCollection("jo@partner-company.com", "Partner Company"));

function head(headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `POST /api/postAttributeCollection HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** Sends `text`, keeps the socket open, and resolves with all it received once the server closes it. */
async function sendAndStall(text: string): Promise<string> {
  const socket = net.connect(host.port, "127.0.0.1");
  await once(socket, "connect");
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  socket.on("error", () => {}); // a reset after the answer still counts as closed
  socket.write(text);
  await once(socket, "close");
  return received;
}

function statusOf(response: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
}

async function waitForLog(pattern: RegExp): Promise<{ level: LogLevel; message: string }> {
  for (;;) {
    const found = logs.find((entry) => pattern.test(entry.message));
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test("wrong credentials are refused from the headers alone: 401 and the connection closes, no body read", async () => {
  const response = await sendAndStall(
    head({
      authorization: basicAuthHeader("entra-connector", "wrong"),
      "content-type": "application/json",
      "content-length": 50_000,
    }),
  );
  assert.equal(statusOf(response), 401);
  assert.match(response, /^connection: close$/im);
});

test("no credentials at all are refused before the body too", async () => {
  const response = await sendAndStall(head({ "content-type": "application/json", "content-length": 100 }));
  assert.equal(statusOf(response), 401);
});

test("a declared Content-Length over the limit is refused with 413 before the body, even when authenticated", async () => {
  for (const size of [65_537, 5 * 1024 * 1024]) {
    const response = await sendAndStall(
      head({ authorization: basicAuthHeader(), "content-type": "application/json", "content-length": size }),
    );
    assert.equal(statusOf(response), 413, `Content-Length ${size}`);
    assert.match(response, /payload_too_large/);
  }
});

test("headers that never finish: the server closes the connection", async () => {
  const response = await sendAndStall(
    "POST /api/postAttributeCollection HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ",
  );
  assert.ok(response === "" || statusOf(response) === 408, `unexpected answer: ${response}`);
});

test("an authenticated body that stalls: 408 and the connection is closed", async () => {
  const response = await sendAndStall(
    head({
      authorization: basicAuthHeader(),
      "content-type": "application/json",
      "content-length": BODY.length,
    }) + BODY.slice(0, 10),
  );
  assert.equal(statusOf(response), 408);
  assert.match(response, /request_timeout/);
});

test("a whole request within the bounds is answered and the connection stays open for the next", async () => {
  const socket = net.connect(host.port, "127.0.0.1");
  await once(socket, "connect");
  const request =
    head({
      authorization: basicAuthHeader(),
      "content-type": "application/json",
      "content-length": BODY.length,
    }) + BODY;
  let received = "";
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  socket.write(request + request);
  while ((received.match(/HTTP\/1\.1 200/g) ?? []).length < 2) await once(socket, "data");
  assert.equal(socket.destroyed, false);
  socket.destroy();
});

test("a client that disconnects mid-body is logged at debug, never as an error, and gets no answer", async () => {
  const errorsBefore = logs.filter((entry) => entry.level === "error").length;
  const socket = net.connect(host.port, "127.0.0.1");
  await once(socket, "connect");
  // `Expect: 100-continue`: the server answers "100 Continue" once it has taken the request on, so
  // the client knows the host is reading the body when it leaves.
  socket.write(
    head({
      authorization: basicAuthHeader(),
      "content-type": "application/json",
      "content-length": BODY.length,
      expect: "100-continue",
    }),
  );
  await once(socket, "data");
  socket.write(BODY.slice(0, 10));
  socket.destroy();
  const entry = await waitForLog(/client closed the connection before sending the whole body/);
  assert.equal(entry.level, "debug");
  assert.equal(logs.filter((e) => e.level === "error").length, errorsBefore);
});
