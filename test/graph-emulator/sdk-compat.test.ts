/**
 * The official Graph JS SDK works against the emulator. SDK v3 attaches (and otherwise strips) the bearer
 * token only for https:// Graph hosts, so against the plain-http emulator the caller supplies its own
 * auth middleware; everything else (JSON, 204s, GraphError mapping, RetryHandler on 429) is the SDK's own.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
} from "@microsoft/microsoft-graph-client";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";

class StaticBearer implements Middleware {
  private next: Middleware | undefined;
  async execute(context: Context): Promise<void> {
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set("Authorization", "Bearer emulator");
    context.options = { ...context.options, headers: Object.fromEntries(headers) };
    await this.next?.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

let emulator: GraphEmulator;
let sdk: Client;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  const auth = new StaticBearer();
  const retry = new RetryHandler(new RetryHandlerOptions(0, 2));
  auth.setNext(retry);
  retry.setNext(new HTTPMessageHandler());
  sdk = Client.initWithMiddleware({ middleware: auth, baseUrl: `${emulator.url}/`, defaultVersion: "v1.0" });
});
after(() => emulator.close());

test("the Graph SDK creates, PUTs a $ref, maps errors to GraphError and retries a 429", async () => {
  const flow = await sdk
    .api("/identity/b2xUserFlows")
    .post({ id: "Sdk", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 1 });
  assert.equal(flow.id, "B2X_1_Sdk");
  await sdk
    .api("/identity/b2xUserFlows/B2X_1_Sdk/apiConnectorConfiguration/postFederationSignup/$ref")
    .put({});
  const dup = await sdk
    .api("/identity/b2xUserFlows")
    .post({ id: "Sdk", userFlowType: "signUpOrSignIn", userFlowTypeVersion: 1 })
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  assert.ok(dup instanceof GraphError);
  assert.equal(dup.statusCode, 400);
  assert.match(dup.message, /already exists/);
  assert.match(dup.requestId ?? "", /^[0-9a-f-]{36}$/);
  emulator.faults.add({
    method: "GET",
    path: "^/identity/b2xUserFlows$",
    kind: "throttle",
    retryAfterSeconds: 0,
  });
  const list = await sdk.api("/identity/b2xUserFlows").get();
  assert.equal(list.value.length, 1);
  assert.deepEqual(
    emulator.log.slice(-2).map((e) => e.status),
    [429, 200],
  );
});
