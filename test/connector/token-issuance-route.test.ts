/**
 * The `onTokenIssuanceStart` route on the local connector host (the same function table as Azure): a call
 * with an Entra-shaped token minted by the Graph emulator gets one `provideClaimsForToken` action with the
 * claims the policy gives the user's email domain; every bad token is a 401 with no body; a payload of
 * another event is a 400.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { generateKeyPair, SignJWT } from "jose";
import { tokenIssuers } from "../../contract/authenticationEvents";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { startConnectorHost, type ConnectorHost } from "../../local/connector-host/server";
import { approvalPolicy } from "./helpers/fixtures";
import { reply, type Reply } from "./helpers/host";
import { API_APP_ID, provideClaims, tokenIssuanceEnv, tokenIssuanceStart } from "./helpers/tokenIssuance";

const ROUTE = "/api/onTokenIssuanceStart";
let emu: GraphEmulator;
const hosts: ConnectorHost[] = [];
let external: ConnectorHost;
let workforce: ConnectorHost;
const logs: string[] = [];

async function host(env: Record<string, string>): Promise<ConnectorHost> {
  const started = await startConnectorHost({
    port: 0,
    storage: "memory",
    env,
    log: (_level, message) => logs.push(message),
  });
  hosts.push(started);
  return started;
}

before(async () => {
  emu = await startGraphEmulator();
  const ext = tokenIssuers({
    kind: "external",
    cloud: "global",
    tenantId: emu.tenantId,
    subdomain: "contoso",
  });
  const wf = tokenIssuers({ kind: "workforce", cloud: "global", tenantId: emu.tenantId });
  external = await host(tokenIssuanceEnv(emu.tenantId, ext, emu.keySetUri));
  workforce = await host(tokenIssuanceEnv(emu.tenantId, wf, emu.keySetUri));
});
after(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  await emu.close();
});

type Mint = Parameters<GraphEmulator["identityPlatform"]["mint"]>[0];
const mint = (request: Partial<Mint> = {}) => emu.identityPlatform.mint({ audience: API_APP_ID, ...request });
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

async function call(
  target: ConnectorHost,
  body: unknown,
  authorization: string | null,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return reply(
    await fetch(`${target.url}${ROUTE}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(authorization === null ? {} : { authorization }),
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

const as = async (
  user: Record<string, unknown> | undefined,
  target = external,
  request: Partial<Mint> = {},
) => call(target, tokenIssuanceStart(emu.tenantId, user), `Bearer ${await mint(request)}`);

describe("onTokenIssuanceStart: claims for a valid token", () => {
  test("a partner domain gets its role and tier, as plain application/json with one action", async () => {
    const answer = await as({ mail: "Alice@Partner-Company.com", userType: "Member", id: "u1" });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("content-type"), "application/json");
    assert.deepEqual(answer.json, provideClaims({ PartnerRole: "Partner", partnerTier: "gold" }));
  });

  test("both external issuer forms and the workforce issuer are accepted where configured", async () => {
    const user = { mail: "alice@partner-company.com" };
    const expected = provideClaims({ PartnerRole: "Partner", partnerTier: "gold" });
    for (const issuerForm of ["tenantId", "subdomain"] as const)
      assert.deepEqual((await as(user, external, { issuerForm })).json, expected, issuerForm);
    assert.deepEqual((await as(user, workforce, { kind: "workforce" })).json, expected, "workforce");
  });

  test("a subdomain: the allow-list's includeSubdomains role and the table's most specific entry", async () => {
    assert.deepEqual(
      (await as({ mail: "bob@eu.trusted-vendor.org" })).json,
      provideClaims({ PartnerRole: "Vendor", partnerTier: ["silver", "vendor"] }),
    );
    assert.deepEqual(
      (await as({ mail: "bob@labs.trusted-vendor.org" })).json,
      provideClaims({ PartnerRole: "Vendor", partnerTier: "silver-labs" }),
    );
  });

  test("an unknown domain the policy refuses gets no role, only the table's default", async () => {
    for (const mail of ["carol@unknown-company.example", "carol@gmail.com"])
      assert.deepEqual((await as({ mail })).json, provideClaims({ partnerTier: "standard" }), mail);
  });

  test("a B2B guest's #EXT# user principal name gives back its home domain", async () => {
    const guest = {
      userPrincipalName: "dave_smith_Consulting-Firm.net#EXT#@contoso.onmicrosoft.com",
      userType: "Guest",
      displayName: "Dave Smith",
    };
    assert.deepEqual(
      (await as(guest, workforce, { kind: "workforce" })).json,
      provideClaims({ PartnerRole: "Consultant", partnerTier: "standard" }),
    );
  });

  test("a user without any email (social sign-in, four fields) still gets an object of claims", async () => {
    const social = { id: "u9", displayName: "Eve", givenName: "Eve", surname: "Doe" };
    assert.deepEqual((await as(social)).json, provideClaims({ partnerTier: "standard" }));
    assert.deepEqual((await as(undefined)).json, provideClaims({ partnerTier: "standard" }));
  });

  test("with approval for domains outside the allow-list, an unknown domain gets the default role", async () => {
    const ext = tokenIssuers({ kind: "external", cloud: "global", tenantId: emu.tenantId });
    const approving = await host(
      tokenIssuanceEnv(emu.tenantId, ext, emu.keySetUri, { SIGNUP_POLICY: JSON.stringify(approvalPolicy()) }),
    );
    assert.deepEqual(
      (await as({ mail: "carol@unknown-company.example" }, approving)).json,
      provideClaims({ PartnerRole: "External", partnerTier: "standard" }),
    );
    assert.deepEqual(
      (await as({ mail: "carol@gmail.com" }, approving)).json,
      provideClaims({ partnerTier: "standard" }),
      "a blocked domain is never approved, so never enriched",
    );
  });

  test("an empty claims object, never null, when no claim applies", async () => {
    const ext = tokenIssuers({ kind: "external", cloud: "global", tenantId: emu.tenantId });
    const roleOnly = await host(
      tokenIssuanceEnv(emu.tenantId, ext, emu.keySetUri, {
        AUTH_EVENTS_TOKEN_CLAIMS: JSON.stringify({
          claims: [{ id: "PartnerRole", source: { attribute: "PartnerRole" } }],
          appIds: ["7d3e1f5a-9b2c-4e8d-a1f0-6c5b4a3d2e1f"],
        }),
      }),
    );
    const answer = await as({ mail: "carol@unknown-company.example" }, roleOnly);
    assert.equal(answer.text, JSON.stringify(provideClaims({})));
  });
});

describe("onTokenIssuanceStart: every token failure is a 401 with no body and one log line", () => {
  const wrongIssuer = () => tokenIssuers({ kind: "workforce", cloud: "global", tenantId: emu.tenantId })[0];
  const failures: Array<[string, () => Promise<string | null>, string]> = [
    ["no token", async () => null, "missing"],
    [
      "wrong azp",
      async () => `Bearer ${await mint({ claims: { azp: "11111111-2222-3333-4444-555555555555" } })}`,
      "authorized_party",
    ],
    [
      "wrong aud",
      async () => `Bearer ${await mint({ claims: { aud: "00000003-0000-0000-c000-000000000000" } })}`,
      "audience",
    ],
    ["wrong issuer", async () => `Bearer ${await mint({ claims: { iss: wrongIssuer() } })}`, "issuer"],
    [
      "expired",
      async () =>
        `Bearer ${await mint({ claims: { iat: now() - 3600, nbf: now() - 3600, exp: now() - 600 } })}`,
      "expired",
    ],
    [
      "not yet valid",
      async () => `Bearer ${await mint({ claims: { nbf: now() + 600, exp: now() + 900 } })}`,
      "not_yet_valid",
    ],
    [
      "alg none",
      async () => `Bearer ${b64({ alg: "none", typ: "JWT" })}.${(await mint()).split(".")[1]}.`,
      "algorithm",
    ],
    [
      "HS256 signed with the public key",
      async () => {
        const { keys } = await emu.identityPlatform.keySet();
        return `Bearer ${await new SignJWT(claimsOf(await mint()))
          .setProtectedHeader({ alg: "HS256", kid: keys[0]!.kid })
          .sign(new TextEncoder().encode(JSON.stringify(keys[0])))}`;
      },
      "algorithm",
    ],
    [
      "unknown kid",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return `Bearer ${await new SignJWT(claimsOf(await mint()))
          .setProtectedHeader({ alg: "RS256", kid: "not-a-published-key" })
          .sign(privateKey)}`;
      },
      "unknown_key",
    ],
    [
      "tampered payload",
      async () => {
        const [header, payload, signature] = (await mint()).split(".");
        const claims = JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>;
        return `Bearer ${header}.${b64({ ...claims, oid: "someone-else" })}.${signature}`;
      },
      "signature",
    ],
  ];

  for (const [what, authorization, reason] of failures) {
    test(`${what} → 401, empty body, reason ${reason} logged`, async () => {
      const before = logs.length;
      const answer = await call(
        external,
        tokenIssuanceStart(emu.tenantId, { mail: "alice@partner-company.com" }),
        await authorization(),
      );
      assert.equal(answer.status, 401);
      assert.equal(answer.text, "");
      const refusals = logs.slice(before).filter((line) => line.includes("signup.token_refused"));
      assert.deepEqual(
        refusals.map((line) => JSON.parse(line) as unknown),
        [{ event: "signup.token_refused", reason }],
      );
    });
  }

  test("a host without AUTH_EVENTS_* or AUTH_EVENTS_TOKEN_CLAIMS serves the route and answers 401", async () => {
    const ext = tokenIssuers({ kind: "external", cloud: "global", tenantId: emu.tenantId });
    const full = tokenIssuanceEnv(emu.tenantId, ext, emu.keySetUri);
    const withoutEvents = Object.fromEntries(
      Object.entries(full).filter(([k]) => !k.startsWith("AUTH_EVENTS_")),
    );
    const { AUTH_EVENTS_TOKEN_CLAIMS: _claims, ...withoutClaims } = full;
    for (const [env, reason] of [
      [withoutEvents, "not_configured"],
      [withoutClaims, "no_token_claims"],
    ] as const) {
      const plain = await host(env);
      assert.ok(plain.functions.some((f) => f.route === ROUTE && f.methods.includes("POST")));
      const before = logs.length;
      const answer = await as({ mail: "alice@partner-company.com" }, plain);
      assert.equal(answer.status, 401);
      assert.equal(answer.text, "");
      assert.ok(logs.slice(before).includes(JSON.stringify({ event: "signup.token_refused", reason })));
    }
  });
});

describe("onTokenIssuanceStart: the request envelope", () => {
  const event = (patch: (body: Record<string, unknown>) => void) => {
    const body = tokenIssuanceStart(emu.tenantId, { mail: "alice@partner-company.com" });
    patch(body);
    return body;
  };
  const data = (body: Record<string, unknown>) => body.data as Record<string, unknown>;

  test("Entra's other casings (@odata.Type, #-prefixed types) are accepted", async () => {
    const body = event((b) => {
      const d = data(b);
      d["@odata.Type"] = `#${String(d["@odata.type"])}`;
      delete d["@odata.type"];
    });
    const answer = await call(external, body, `Bearer ${await mint()}`);
    assert.deepEqual(answer.json, provideClaims({ PartnerRole: "Partner", partnerTier: "gold" }));
  });

  const refused: Array<[string, unknown, RegExp]> = [
    [
      "another event's type",
      () => event((b) => (b.type = "microsoft.graph.authenticationEvent.attributeCollectionStart")),
      /attributeCollectionStart.* is not microsoft\.graph\.authenticationEvent\.tokenIssuanceStart/,
    ],
    [
      "callout data of another event",
      () => event((b) => (data(b)["@odata.type"] = "microsoft.graph.onAttributeCollectionSubmitCalloutData")),
      /onAttributeCollectionSubmitCalloutData.* is not microsoft\.graph\.onTokenIssuanceStartCalloutData/,
    ],
    ["no data", () => event((b) => delete b.data), /data must be an object/],
    [
      "a user that is not an object",
      () => event((b) => ((data(b).authenticationContext as Record<string, unknown>).user = "alice@x.com")),
      /user must be an object/,
    ],
    ["a JSON array", () => [], /must be a JSON object/],
    ["not JSON", () => "{not json", /must be a JSON object/],
  ];
  for (const [what, body, message] of refused) {
    test(`${what} → 400 with the reason, no decision`, async () => {
      const answer = await call(external, (body as () => unknown)(), `Bearer ${await mint()}`);
      assert.equal(answer.status, 400);
      assert.equal(answer.json.error, "bad_request");
      assert.match(String(answer.json.message), message);
      assert.equal("data" in answer.json, false);
    });
  }

  test("a JSON body sent as text/plain → 400: Entra always sends application/json", async () => {
    const answer = await call(
      external,
      tokenIssuanceStart(emu.tenantId, { mail: "alice@partner-company.com" }),
      `Bearer ${await mint()}`,
      { "content-type": "text/plain" },
    );
    assert.equal(answer.status, 400);
    assert.match(String(answer.json.message), /Content-Type: application\/json/);
  });

  test("a declared body over SIGNUP_MAX_BODY_BYTES is refused before the token is checked", async () => {
    const before = logs.length;
    const answer = await reply(
      await fetch(`${external.url}${ROUTE}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ padding: "x".repeat(70_000) }),
      }),
    );
    assert.equal(answer.status, 413);
    assert.equal(logs.slice(before).filter((l) => l.includes("signup.token_refused")).length, 0);
  });
});
