/**
 * `POST /_emulator/sign-ins`: the emulator plays Entra's token issuance for a user signing in to an app.
 * The OnTokenIssuanceStart listener's extension is the real connector host (memory storage) validating the
 * emulator's token, or a scripted stand-in for the answers Entra refuses; the claims mapping policy decides
 * which returned claims reach the ID token and under which names.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { tokenIssuers } from "../../contract/authenticationEvents";
import { startConnectorHost, type ConnectorHost } from "../../local/connector-host/server";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import {
  EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
  GRAPH_SP_OBJECT_ID,
} from "../../local/graph-emulator/directorySeed";
import { provideClaims, tokenIssuanceEnv } from "../connector/helpers/tokenIssuance";
import { client, type Reply } from "./helpers";

const TOKEN_EXTENSION = "#microsoft.graph.onTokenIssuanceStartCustomExtension";
const POLICY = {
  ClaimsMappingPolicy: {
    Version: 1,
    IncludeBasicClaimSet: "true",
    ClaimsSchema: [
      { Source: "CustomClaimsProvider", ID: "PartnerRole", JwtClaimType: "partner_role" },
      { Source: "CustomClaimsProvider", ID: "partnerTier" },
    ],
  },
};

interface Scripted {
  status?: number;
  contentType?: string;
  body: string;
  delayMs?: number;
}

let emu: GraphEmulator;
let call: ReturnType<typeof client>;
let host: ConnectorHost;
let fake: http.Server;
let fakeUrl = "";
let script: Scripted = { body: "" };
let fakeCalls = 0;
let apiAppId = "";
let extensionId = "";
let sampleApp: { id: string; spId: string };
let userId = "";

async function ok(reply: Promise<Reply>, status: number): Promise<Reply> {
  const r = await reply;
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r;
}

const signIn = async (appId: string, user = userId) => {
  const res = await fetch(`${emu.url}/_emulator/sign-ins`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appId, userId: user }),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
};

const pointExtensionAt = (targetUrl: string, resourceHost = "127.0.0.1") =>
  ok(
    call("PATCH", `/identity/customAuthenticationExtensions/${extensionId}`, {
      "@odata.type": TOKEN_EXTENSION,
      endpointConfiguration: { "@odata.type": "#microsoft.graph.httpRequestEndpoint", targetUrl },
      authenticationConfiguration: {
        "@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
        resourceId: `api://${resourceHost}/${apiAppId}`,
      },
    }),
    204,
  );

async function extensionApi(): Promise<void> {
  const app = await ok(
    call("POST", "/applications", { displayName: "claims api", signInAudience: "AzureADMyOrg" }),
    201,
  );
  apiAppId = app.body.appId;
  const sp = await ok(call("POST", "/servicePrincipals", { appId: apiAppId }), 201);
  await ok(
    call("PATCH", `/applications/${app.body.id}`, { identifierUris: [`api://127.0.0.1/${apiAppId}`] }),
    204,
  );
  await ok(
    call("POST", `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo`, {
      principalId: sp.body.id,
      resourceId: GRAPH_SP_OBJECT_ID,
      appRoleId: EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
    }),
    201,
  );
}

async function wireSampleApp(targetUrl: string): Promise<void> {
  const ext = await ok(
    call("POST", "/identity/customAuthenticationExtensions", {
      "@odata.type": TOKEN_EXTENSION,
      displayName: "token claims",
      endpointConfiguration: { "@odata.type": "#microsoft.graph.httpRequestEndpoint", targetUrl },
      authenticationConfiguration: {
        "@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
        resourceId: `api://127.0.0.1/${apiAppId}`,
      },
      clientConfiguration: { timeoutInMilliseconds: 2000, maximumRetries: 1 },
    }),
    201,
  );
  extensionId = ext.body.id;
  await ok(
    call("POST", "/identity/authenticationEventListeners", {
      "@odata.type": "#microsoft.graph.onTokenIssuanceStartListener",
      conditions: { applications: { includeApplications: [{ appId: emu.sampleAppId }] } },
      handler: {
        "@odata.type": "#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler",
        customExtension: { id: extensionId },
      },
    }),
    201,
  );
  const policy = await ok(
    call("POST", "/policies/claimsMappingPolicies", {
      displayName: "partner claims",
      definition: [JSON.stringify(POLICY)],
      isOrganizationDefault: false,
    }),
    201,
  );
  await ok(
    call("POST", `/servicePrincipals/${sampleApp.spId}/claimsMappingPolicies/$ref`, {
      "@odata.id": `${emu.url}/v1.0/policies/claimsMappingPolicies/${policy.body.id}`,
    }),
    204,
  );
}

const acceptMappedClaims = (value: boolean) =>
  ok(call("PATCH", `/applications/${sampleApp.id}`, { api: { acceptMappedClaims: value } }), 204);

before(async () => {
  emu = await startGraphEmulator({ tenantType: "CIAM" });
  call = client(emu);
  fake = http.createServer((req, res) => {
    fakeCalls++;
    req.resume();
    const s = script;
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(
        s.status ?? 200,
        s.contentType === "" ? {} : { "content-type": s.contentType ?? "application/json" },
      );
      res.end(s.body);
    }, s.delayMs ?? 0);
  });
  await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/api/onTokenIssuanceStart`;
  await extensionApi();
  const issuers = tokenIssuers({ kind: "external", cloud: "global", tenantId: emu.tenantId });
  host = await startConnectorHost({
    port: 0,
    storage: "memory",
    env: tokenIssuanceEnv(emu.tenantId, issuers, emu.keySetUri, { AUTH_EVENTS_API_APP_ID: apiAppId }),
    log: () => undefined,
  });
  const apps = await ok(call("GET", `/applications?$filter=appId eq '${emu.sampleAppId}'`), 200);
  const sps = await ok(call("GET", `/servicePrincipals?$filter=appId eq '${emu.sampleAppId}'`), 200);
  sampleApp = { id: apps.body.value[0].id, spId: sps.body.value[0].id };
  await wireSampleApp(`${host.url}/api/onTokenIssuanceStart`);
  const user = await ok(
    call("POST", "/users", {
      displayName: "Ada Lovelace",
      givenName: "Ada",
      surname: "Lovelace",
      mail: "ada@partner-company.com",
      userType: "Member",
    }),
    201,
  );
  userId = user.body.id;
});

after(async () => {
  await host?.close();
  await new Promise((r) => fake?.close(r));
  await emu?.close();
});

beforeEach(async () => {
  await acceptMappedClaims(true);
  await pointExtensionAt(`${host.url}/api/onTokenIssuanceStart`);
  fakeCalls = 0;
});

describe("a user's sign-in to an app with an OnTokenIssuanceStart listener", () => {
  test("calls the connector with a token it accepts and puts the mapped claims, renamed, into a signed ID token", async () => {
    const r = await signIn(emu.sampleAppId);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const keys = createLocalJWKSet(await emu.identityPlatform.keySet());
    const { payload } = await jwtVerify(r.body.idToken, keys, {
      audience: emu.sampleAppId,
      issuer: `https://${emu.tenantId}.ciamlogin.com/${emu.tenantId}/v2.0`,
    });
    assert.equal(payload.partner_role, "Partner");
    assert.equal(payload.partnerTier, "gold");
    assert.equal(payload.PartnerRole, undefined, "the policy renames PartnerRole to partner_role");
    assert.equal(payload.oid, userId);
    assert.equal(payload.tid, emu.tenantId);
    assert.equal(payload.azp, undefined);
    assert.deepEqual(r.body.claims, payload);
    const [attempt, ...more] = r.body.tokenIssuanceStart.attempts;
    assert.equal(more.length, 0);
    assert.equal(attempt.status, 200);
    assert.equal(attempt.headers.Authorization, "Bearer <redacted>");
    assert.deepEqual(attempt.response, provideClaims({ PartnerRole: "Partner", partnerTier: "gold" }));
    const context = attempt.request.data.authenticationContext;
    assert.equal(attempt.request.type, "microsoft.graph.authenticationEvent.tokenIssuanceStart");
    assert.equal(context.clientServicePrincipal.appId, emu.sampleAppId);
    assert.deepEqual(
      { id: context.user.id, mail: context.user.mail, givenName: context.user.givenName },
      { id: userId, mail: "ada@partner-company.com", givenName: "Ada" },
    );
  });

  test("in a workforce tenant the extension gets a workforce token (an external-tenant connector refuses it) and the ID token a workforce issuer", async () => {
    const issuers = tokenIssuers({ kind: "workforce", cloud: "global", tenantId: emu.tenantId });
    const workforce = await startConnectorHost({
      port: 0,
      storage: "memory",
      env: tokenIssuanceEnv(emu.tenantId, issuers, emu.keySetUri, { AUTH_EVENTS_API_APP_ID: apiAppId }),
      log: () => undefined,
    });
    emu.tenant.set({ tenantType: "AAD" });
    try {
      const refused = await signIn(emu.sampleAppId);
      assert.equal(refused.body.error.code, "1003002", "the external-tenant connector answers 401");
      assert.equal(refused.body.tokenIssuanceStart.attempts[0].status, 401);
      await pointExtensionAt(`${workforce.url}/api/onTokenIssuanceStart`);
      const r = await signIn(emu.sampleAppId);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.claims.iss, issuers[0]);
      assert.equal(r.body.claims.partner_role, "Partner");
    } finally {
      emu.tenant.set({ tenantType: "CIAM" });
      await workforce.close();
    }
  });

  test("a returned claim the mapping policy does not name stays out of the token and is reported", async () => {
    await pointExtensionAt(fakeUrl);
    script = {
      body: JSON.stringify(provideClaims({ PartnerRole: "Partner", secret_level: "9", aud: "x" })),
    };
    const r = await signIn(emu.sampleAppId);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.claims.partner_role, "Partner");
    assert.equal(r.body.claims.secret_level, undefined);
    assert.equal(r.body.claims.aud, emu.sampleAppId);
    assert.deepEqual(
      r.body.tokenIssuanceStart.ignored.map((i: { claim: string }) => i.claim),
      ["secret_level", "aud"],
    );
  });

  test("an app that does not accept mapped claims is refused with AADSTS50146 and the extension is not called", async () => {
    await pointExtensionAt(fakeUrl);
    await acceptMappedClaims(false);
    const r = await signIn(emu.sampleAppId);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, "AADSTS50146");
    assert.match(r.body.error.message, /acceptMappedClaims/);
    assert.equal(fakeCalls, 0);
  });

  test("an extension whose resourceId host differs from its targetUrl host fails with 1003015 before any call", async () => {
    await pointExtensionAt(fakeUrl, "localhost");
    const r = await signIn(emu.sampleAppId);
    assert.equal(r.body.error.code, "1003015");
    assert.equal(fakeCalls, 0);
  });
});

describe("answers Entra refuses fail the sign-in with their 1003xxx code", () => {
  const action = (claims: unknown) => ({
    "@odata.type": "microsoft.graph.tokenIssuanceStart.provideClaimsForToken",
    claims,
  });
  const data = (actions: unknown[]) =>
    JSON.stringify({ data: { "@odata.type": "microsoft.graph.onTokenIssuanceStartResponseData", actions } });
  const cases: Array<[string, Scripted, string]> = [
    ["HTTP 500", { status: 500, body: "{}" }, "1003002"],
    ["HTTP 401 with no body", { status: 401, body: "" }, "1003002"],
    ["an empty 200", { body: "" }, "1003009"],
    ["text/plain", { contentType: "text/plain", body: data([action({})]) }, "1003006"],
    ["not JSON", { body: "{nope" }, "1003003"],
    [
      "another response type",
      { body: JSON.stringify({ data: { "@odata.type": "x", actions: [] } }) },
      "1003003",
    ],
    ["no action", { body: data([]) }, "1003010"],
    ["two actions", { body: data([action({}), action({})]) }, "1003010"],
    [
      "a PascalCase action type",
      {
        body: data([
          { "@odata.type": "microsoft.graph.tokenIssuanceStart.ProvideClaimsForToken", claims: {} },
        ]),
      },
      "1003012",
    ],
    ["null claims", { body: data([action(null)]) }, "1003007"],
    ["a number value", { body: data([action({ tier: 3 })]) }, "1003003"],
    ["an empty claim key", { body: data([action({ "": "x" })]) }, "1003026"],
    ["claims over 3 KB", { body: data([action({ big: "x".repeat(3100) })]) }, "1003025"],
  ];
  for (const [what, scripted, code] of cases) {
    test(`${what} → ${code}`, async () => {
      await pointExtensionAt(fakeUrl);
      script = scripted;
      const r = await signIn(emu.sampleAppId);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code, r.body.error.message);
      assert.equal(r.body.tokenIssuanceStart.attempts.length, 1, "an HTTP answer is final: no retry");
      assert.equal(r.body.idToken, undefined);
    });
  }

  test("no answer within the extension's timeout is tried once more, then fails with 1003005", async () => {
    await pointExtensionAt(fakeUrl);
    await ok(
      call("PATCH", `/identity/customAuthenticationExtensions/${extensionId}`, {
        "@odata.type": TOKEN_EXTENSION,
        clientConfiguration: { timeoutInMilliseconds: 200, maximumRetries: 1 },
      }),
      204,
    );
    script = { body: data([action({})]), delayMs: 5000 };
    try {
      const r = await signIn(emu.sampleAppId);
      assert.equal(r.body.error.code, "1003005");
      assert.deepEqual(
        r.body.tokenIssuanceStart.attempts.map((a: { status: unknown }) => a.status),
        [null, null],
      );
    } finally {
      await ok(
        call("PATCH", `/identity/customAuthenticationExtensions/${extensionId}`, {
          "@odata.type": TOKEN_EXTENSION,
          clientConfiguration: { timeoutInMilliseconds: 2000, maximumRetries: 1 },
        }),
        204,
      );
    }
  });
});

describe("sign-ins without a listener, and refused sign-ins", () => {
  test("an app no listener includes gets an ID token without custom claims, and no call is made", async () => {
    const app = await ok(call("POST", "/applications", { displayName: "Plain App" }), 201);
    await ok(call("POST", "/servicePrincipals", { appId: app.body.appId }), 201);
    const r = await signIn(app.body.appId);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.tokenIssuanceStart, null);
    assert.equal(r.body.claims.aud, app.body.appId);
    assert.equal(r.body.claims.partner_role, undefined);
    assert.equal(r.body.claims.preferred_username, "ada@partner-company.com");
  });

  test("an unknown app or user is refused with Entra's AADSTS code; a bad body is a 400 naming the shape", async () => {
    const noApp = await signIn("00000000-0000-4000-8000-000000000bad");
    assert.equal(noApp.body.error.code, "AADSTS700016");
    const noUser = await signIn(emu.sampleAppId, "00000000-0000-4000-8000-000000000bad");
    assert.equal(noUser.body.error.code, "AADSTS50034");
    const res = await fetch(`${emu.url}/_emulator/sign-ins`, { method: "POST", body: "{}" });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /appId/);
  });
});
