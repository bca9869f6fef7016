/**
 * The simulator's token claims page and its client of the emulator's sign-in route: a refused sign-in
 * shows Entra's code like the sign-up failure page does, the extension call keeps its token redacted, and
 * the raw ID token is never kept.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { GraphReader } from "../../local/simulator/graph";
import { tokenClaimsPage } from "../../local/simulator/token-claims-page";
import { signInToApp } from "../../local/simulator/token-sign-in";

const APP = { appId: "1fc41a76-3050-4529-8095-9af8897cf63d", displayName: "Partner Portal" };
let answer: { status: number; body: unknown } = { status: 200, body: {} };
let received: unknown;
let server: http.Server;
let reader: GraphReader;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received = { path: req.url, body: JSON.parse(Buffer.concat(chunks).toString()) };
      res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  reader = new GraphReader(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
after(() => new Promise<void>((r) => server.close(() => r())));

const attempt = {
  attempt: 1,
  at: "2026-01-01T00:00:00.000Z",
  url: "http://127.0.0.1:7071/api/onTokenIssuanceStart",
  headers: { "Content-Type": "application/json", Authorization: "Bearer <redacted>" },
  request: { type: "microsoft.graph.authenticationEvent.tokenIssuanceStart" },
  status: 500,
  response: { oops: true },
  error: "1003002 InvalidHTTPStatus: the extension answered HTTP 500, not 200",
  latencyMs: 12,
};

test("a sign-in the extension fails shows the 1003xxx code and the call on the page", async () => {
  answer = {
    status: 400,
    body: {
      error: { code: "1003002", message: "InvalidHTTPStatus: the extension answered HTTP 500, not 200" },
      tokenIssuanceStart: { extensionDisplayName: "token claims", attempts: [attempt] },
    },
  };
  const signIn = await signInToApp(reader, APP, "user-1");
  assert.deepEqual(received, { path: "/_emulator/sign-ins", body: { appId: APP.appId, userId: "user-1" } });
  assert.equal(signIn.claims, undefined);
  assert.equal(signIn.error?.code, "1003002");
  const html = tokenClaimsPage("s1", signIn, [APP]);
  assert.match(html, /data-testid="error-message" data-code="1003002"/);
  assert.match(html, /1003002 InvalidHTTPStatus/);
  assert.match(html, /data-step="tokenIssuanceStart"/);
  assert.match(html, /Bearer &lt;redacted&gt;/);
  assert.doesNotMatch(html, /data-testid="token-claims"/);
});

test("a sign-in with claims keeps the decoded claims, never the ID token, and shows one cell per claim", async () => {
  answer = {
    status: 200,
    body: {
      idToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
      claims: { aud: APP.appId, partner_role: "Partner", groups: ["a", "b"] },
      tokenIssuanceStart: null,
    },
  };
  const signIn = await signInToApp(reader, APP, "user-1");
  assert.doesNotMatch(JSON.stringify(signIn), /eyJ/);
  assert.deepEqual(signIn.calls, []);
  const html = tokenClaimsPage("s1", signIn, [APP]);
  assert.match(html, /data-testid="token-claim-partner_role">Partner</);
  assert.match(html, /data-testid="token-claim-groups">\[&quot;a&quot;,&quot;b&quot;\]</);
  assert.match(html, /data-testid="no-token-listener"/);
});

test("an emulator that does not answer is shown as an error, not a crash", async () => {
  const gone = new GraphReader("http://127.0.0.1:9");
  const signIn = await signInToApp(gone, APP, "user-1");
  assert.equal(signIn.error?.code, "emulator");
  assert.match(signIn.error?.message ?? "", /did not answer/);
});
