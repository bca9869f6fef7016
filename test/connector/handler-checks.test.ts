/**
 * The connector handler as the Azure Functions worker calls it (no local host in front): it makes the
 * headers-only checks itself, and a request the local host admitted before reading its body is not
 * authenticated twice, while a new request with the same credentials text is checked again.
 */
import { HttpRequest, InvocationContext } from "@azure/functions";
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryApprovalStore, MemoryEventSink, MemoryRateLimiter } from "../../functions/engine/memory";
import { connectorFunctions } from "../../functions/registry";
import { createRuntime, type ConnectorRuntime } from "../../functions/runtime";
import { loadSettings } from "../../functions/settings";
import { attributeCollection, basicAuthHeader, basicSettings } from "./helpers/fixtures";

function setup() {
  let authentications = 0;
  const base = createRuntime(loadSettings(basicSettings("UseDevelopmentStorage=true")), {
    ports: {
      rateLimiter: new MemoryRateLimiter(),
      approvals: new MemoryApprovalStore(),
      events: new MemoryEventSink(),
    },
  });
  const runtime: ConnectorRuntime = {
    ...base,
    authenticate: (request, now) => {
      authentications++;
      return base.authenticate(request, now);
    },
  };
  const registration = connectorFunctions(() => runtime).find((r) => r.name === "postAttributeCollection")!;
  return { registration, authentications: () => authentications };
}

function request(authorization: string): HttpRequest {
  const body = JSON.stringify(attributeCollection("jo@partner-company.com", "Partner Company"));
  return new HttpRequest({
    method: "POST",
    url: "http://127.0.0.1/api/postAttributeCollection",
    headers: { authorization, "content-type": "application/json", "content-length": String(body.length) },
    body: { string: body },
  });
}

const context = () =>
  new InvocationContext({ functionName: "postAttributeCollection", logHandler: () => {} });

test("called directly, the handler refuses wrong credentials and an oversized declared body itself", async () => {
  const { registration } = setup();
  const wrong = await registration.options.handler(
    request(basicAuthHeader("entra-connector", "nope")),
    context(),
  );
  assert.equal((wrong as { status: number }).status, 401);
  const big = request(basicAuthHeader());
  big.headers.set("content-length", String(10 * 1024 * 1024));
  assert.equal(((await registration.options.handler(big, context())) as { status: number }).status, 413);
});

test("a request checked before its body was read is authenticated once; the next request is checked again", async () => {
  const { registration, authentications } = setup();
  const first = request(basicAuthHeader());
  assert.equal(registration.refuseBeforeBody?.(first), undefined);
  const answer = (await registration.options.handler(first, context())) as { status: number };
  assert.equal(answer.status, 200);
  assert.equal(authentications(), 1);
  const second = request(basicAuthHeader());
  await registration.options.handler(second, context());
  assert.equal(authentications(), 2);
});
