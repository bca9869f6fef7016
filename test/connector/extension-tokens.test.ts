/**
 * The attribute-collection routes refuse every call whose bearer token is not one Entra would send:
 * 401, an empty body, no decision (no `signup.decision` line), and exactly one `signup.token_refused` log
 * line with the reason and never the token. Tokens come from the Graph emulator's identity platform, whose
 * key set the connector host fetches over HTTP.
 */
import { HttpRequest, InvocationContext } from "@azure/functions";
import assert from "node:assert/strict";
import * as http from "node:http";
import { after, before, describe, test } from "node:test";
import { generateKeyPair, SignJWT } from "jose";
import { tokenIssuers } from "../../contract/authenticationEvents";
import { EXTENSION_ROUTES } from "../../contract/extensionRoutes";
import { startConnectorHost } from "../../local/connector-host/server";
import { connectorFunctions } from "../../functions/registry";
import { createRuntime } from "../../functions/runtime";
import { loadSettings } from "../../functions/settings";
import { MemoryApprovalStore, MemoryEventSink, MemoryRateLimiter } from "../../functions/engine/memory";
import { basicSettings, seedPolicy } from "./helpers/fixtures";
import { reply } from "./helpers/host";
import {
  API_APP_ID,
  extensionSettings,
  onlyAction,
  partnerSubmit,
  startExtensionHost,
  type ExtensionHost,
} from "./helpers/extension";

const SUBMIT = EXTENSION_ROUTES.attributeCollectionSubmit;
const START = EXTENSION_ROUTES.attributeCollectionStart;
let x: ExtensionHost;

before(async () => {
  x = await startExtensionHost();
});
after(() => x.stop());

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

const refusals: Array<[string, () => Promise<string | undefined>, string]> = [
  ["no token", async () => undefined, "missing"],
  [
    "wrong azp",
    async () => `Bearer ${await x.token({ azp: "11111111-2222-3333-4444-555555555555" })}`,
    "authorized_party",
  ],
  [
    "wrong aud",
    async () => `Bearer ${await x.token({ aud: "00000003-0000-0000-c000-000000000000" })}`,
    "audience",
  ],
  [
    "wrong issuer",
    async () =>
      `Bearer ${await x.token({ iss: tokenIssuers({ kind: "workforce", cloud: "global", tenantId: x.emu.tenantId })[0] })}`,
    "issuer",
  ],
  [
    "expired",
    async () => `Bearer ${await x.token({ iat: now() - 3600, nbf: now() - 3600, exp: now() - 600 })}`,
    "expired",
  ],
  [
    "not yet valid",
    async () => `Bearer ${await x.token({ nbf: now() + 600, exp: now() + 900 })}`,
    "not_yet_valid",
  ],
  [
    "alg none",
    async () => `Bearer ${b64({ alg: "none", typ: "JWT" })}.${(await x.token()).split(".")[1]}.`,
    "algorithm",
  ],
  [
    "HS256 signed with the public key",
    async () => {
      const { keys } = await x.emu.identityPlatform.keySet();
      return `Bearer ${await new SignJWT(claimsOf(await x.token()))
        .setProtectedHeader({ alg: "HS256", kid: keys[0]!.kid })
        .sign(new TextEncoder().encode(JSON.stringify(keys[0])))}`;
    },
    "algorithm",
  ],
  [
    "unknown kid",
    async () => {
      const { privateKey } = await generateKeyPair("RS256");
      return `Bearer ${await new SignJWT(claimsOf(await x.token()))
        .setProtectedHeader({ alg: "RS256", kid: "not-a-published-key" })
        .sign(privateKey)}`;
    },
    "unknown_key",
  ],
  [
    "tampered signature",
    async () => {
      const [header, payload, signature] = (await x.token()).split(".");
      const flipped = `${signature!.slice(0, 10)}${signature![10] === "A" ? "B" : "A"}${signature!.slice(11)}`;
      return `Bearer ${header}.${payload}.${flipped}`;
    },
    "signature",
  ],
];

describe("attribute-collection routes: bearer tokens", () => {
  for (const [what, authorization, reason] of refusals) {
    test(`${what} → 401, empty body, no decision, one log line (${reason})`, async () => {
      const header = await authorization();
      const logsBefore = x.logs.length;
      const answer = await x.post(
        SUBMIT,
        partnerSubmit("jo@partner-company.com"),
        header === undefined ? {} : { authorization: header },
      );
      assert.equal(answer.status, 401);
      assert.equal(answer.text, "");
      const lines = x.logs.slice(logsBefore);
      const refused = lines.filter((l) => l.includes("signup.token_refused"));
      assert.deepEqual(
        refused.map((l) => JSON.parse(l) as unknown),
        [{ event: "signup.token_refused", reason }],
      );
      assert.equal(lines.filter((l) => l.includes("signup.decision")).length, 0, "no decision was made");
      if (header !== undefined)
        assert.ok(!lines.some((l) => l.includes(header.slice(7, 40))), "the token is never logged");
    });
  }

  test("a valid token gets a decision at both routes", async () => {
    const submit = await x.call(SUBMIT, partnerSubmit("valid@partner-company.com"));
    assert.equal(submit.status, 200);
    assert.equal(
      onlyAction(submit.json)["@odata.type"],
      "microsoft.graph.attributeCollectionSubmit.modifyAttributeValues",
    );
    const start = await x.call(START, partnerSubmit("valid@partner-company.com"));
    // A Submit payload at the Start route is refused as the wrong event, after the token passed.
    assert.equal(start.status, 400);
  });

  test("a token for the other tenant-id issuer form is accepted too", async () => {
    const token = await x.emu.identityPlatform.mint({ audience: API_APP_ID, issuerForm: "subdomain" });
    const answer = await x.post(SUBMIT, partnerSubmit("form@partner-company.com"), {
      authorization: `Bearer ${token}`,
    });
    assert.equal(answer.status, 200);
  });
});

test("without AUTH_EVENTS_* settings the routes refuse every call, even with a valid token", async () => {
  const logs: string[] = [];
  const host = await startConnectorHost({
    port: 0,
    storage: "memory",
    env: (({ AzureWebJobsStorage: _unused, ...env }) => env)(basicSettings("unused")),
    log: (_level, message) => logs.push(message),
  });
  try {
    const answer = await reply(
      await fetch(`${host.url}/api/${SUBMIT}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await x.token()}` },
        body: JSON.stringify(partnerSubmit("jo@partner-company.com")),
      }),
    );
    assert.equal(answer.status, 401);
    assert.equal(answer.text, "");
    assert.deepEqual(
      logs.filter((l) => l.includes("signup.token_refused")).map((l) => JSON.parse(l) as unknown),
      [{ event: "signup.token_refused", reason: "not_configured" }],
    );
  } finally {
    await host.close();
  }
});

test("a declared body over the size limit is refused with 413 before the token is looked at", async () => {
  const logsBefore = x.logs.length;
  // 70,000 bytes declared: over the connector's 65,536-byte default, under the host's own cap.
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request(`${x.host.url}/api/${SUBMIT}`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "70000" },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", reject);
    req.write("{");
  });
  assert.equal(status, 413);
  assert.equal(
    x.logs.slice(logsBefore).filter((l) => l.includes("signup.token_refused")).length,
    0,
    "the size limit comes first",
  );
});

test("called directly (the Azure Functions worker), the handler validates the token itself", async () => {
  const runtime = createRuntime(
    loadSettings({
      ...extensionSettings(x.emu, seedPolicy()),
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
    }),
    {
      ports: {
        rateLimiter: new MemoryRateLimiter(),
        approvals: new MemoryApprovalStore(),
        events: new MemoryEventSink(),
      },
    },
  );
  const handler = connectorFunctions(() => runtime).find((r) => r.name === SUBMIT)!.options.handler;
  const call = async (authorization?: string) => {
    const lines: string[] = [];
    const body = JSON.stringify(partnerSubmit("direct@partner-company.com"));
    const request = new HttpRequest({
      method: "POST",
      url: `http://127.0.0.1/api/${SUBMIT}`,
      headers: {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        ...(authorization ? { authorization } : {}),
      },
      body: { string: body },
    });
    const context = new InvocationContext({
      functionName: SUBMIT,
      logHandler: (_level, ...args) => lines.push(args.map(String).join(" ")),
    });
    const response = (await handler(request, context)) as { status: number; body?: unknown };
    return { response, lines };
  };
  const refused = await call(`Bearer ${await x.token({ aud: "00000003-0000-0000-c000-000000000000" })}`);
  assert.equal(refused.response.status, 401);
  assert.equal(refused.response.body, undefined);
  assert.deepEqual(refused.lines, [JSON.stringify({ event: "signup.token_refused", reason: "audience" })]);
  const accepted = await call(`Bearer ${await x.token()}`);
  assert.equal(accepted.response.status, 200);
  assert.equal(
    onlyAction(JSON.parse(String(accepted.response.body)) as Record<string, unknown>)["@odata.type"],
    "microsoft.graph.attributeCollectionSubmit.modifyAttributeValues",
  );
});
