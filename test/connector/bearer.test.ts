/**
 * Bearer-token validation of custom authentication extension calls (functions/auth/bearer.ts) against
 * Entra-shaped tokens minted by the Graph emulator's identity platform, whose key set the validator fetches
 * over HTTP exactly as it fetches Entra's. Each way a token can be wrong is refused with its own reason.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import {
  AUTHENTICATION_EVENTS_APP_ID,
  tokenIssuers,
  tokenKeySetUri,
} from "../../contract/authenticationEvents";
import { bearerValidator, type BearerSettings } from "../../functions/auth/bearer";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";

const API_APP_ID = "5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10";
let emu: GraphEmulator;
let settings: BearerSettings;
let fetches = 0;
const countingFetch = (url: string, init: RequestInit) => {
  fetches += 1;
  return fetch(url, init);
};

before(async () => {
  emu = await startGraphEmulator();
  settings = {
    tenantId: emu.tenantId,
    audience: API_APP_ID,
    issuers: tokenIssuers({
      kind: "external",
      cloud: "global",
      tenantId: emu.tenantId,
      subdomain: "contoso",
    }),
    keySetUri: emu.keySetUri,
    authorizedParty: AUTHENTICATION_EVENTS_APP_ID,
    clockToleranceSeconds: 120,
  };
});
after(() => emu.close());

const validator = (cooldownMs = 60_000) =>
  bearerValidator(settings, { keySetCooldownMs: cooldownMs, fetch: countingFetch });
const mint = (claims: Record<string, unknown> = {}, issuerForm?: "tenantId" | "subdomain") =>
  emu.identityPlatform.mint({ audience: API_APP_ID, claims, issuerForm });
const now = () => Math.floor(Date.now() / 1000);

/** base64url of a JSON value. */
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("bearer tokens of custom authentication extensions", () => {
  test("a token as Entra sends it is accepted, in both external-tenant issuer forms", async () => {
    const verify = validator();
    for (const form of ["tenantId", "subdomain"] as const) {
      const outcome = await verify(`Bearer ${await mint({}, form)}`);
      assert.equal(outcome.ok, true, `issuer form ${form}`);
      if (outcome.ok) assert.equal(outcome.claims.azp, AUTHENTICATION_EVENTS_APP_ID);
    }
  });

  test("the key set is fetched once and then served from the cache", async () => {
    const verify = validator();
    const before = fetches;
    for (let i = 0; i < 5; i += 1) assert.equal((await verify(`Bearer ${await mint()}`)).ok, true);
    assert.equal(fetches - before, 1);
  });

  const refusals: Array<[string, () => Promise<string | null>, string]> = [
    ["no Authorization header", async () => null, "missing"],
    ["a Basic credential", async () => `Basic ${Buffer.from("a:b").toString("base64")}`, "malformed"],
    [
      "wrong azp (another client asked for the token)",
      async () => `Bearer ${await mint({ azp: "11111111-2222-3333-4444-555555555555" })}`,
      "authorized_party",
    ],
    [
      "wrong aud (a token for another API)",
      async () => `Bearer ${await mint({ aud: "00000003-0000-0000-c000-000000000000" })}`,
      "audience",
    ],
    [
      "wrong issuer (a workforce login host)",
      async () =>
        `Bearer ${await mint({ iss: tokenIssuers({ kind: "workforce", cloud: "global", tenantId: emu.tenantId })[0] })}`,
      "issuer",
    ],
    [
      "a v1 issuer",
      async () => `Bearer ${await mint({ iss: `https://sts.windows.net/${emu.tenantId}/` })}`,
      "issuer",
    ],
    [
      "another tenant's issuer host",
      async () => `Bearer ${await mint({ iss: `https://fabrikam.ciamlogin.com/${emu.tenantId}/v2.0` })}`,
      "issuer",
    ],
    [
      "another tenant (tid)",
      async () => `Bearer ${await mint({ tid: "99999999-9999-9999-9999-999999999999" })}`,
      "tenant",
    ],
    ["ver 1.0", async () => `Bearer ${await mint({ ver: "1.0" })}`, "version"],
    [
      "expired (beyond the skew)",
      async () => `Bearer ${await mint({ iat: now() - 3600, nbf: now() - 3600, exp: now() - 600 })}`,
      "expired",
    ],
    [
      "not yet valid (beyond the skew)",
      async () => `Bearer ${await mint({ nbf: now() + 600, exp: now() + 900 })}`,
      "not_yet_valid",
    ],
    ["no exp claim", async () => `Bearer ${await mint({ exp: undefined })}`, "claims"],
    [
      "alg none",
      async () => {
        const token = await mint();
        const [, payload] = token.split(".");
        return `Bearer ${b64({ alg: "none", typ: "JWT" })}.${payload}.`;
      },
      "algorithm",
    ],
    [
      "HS256 signed with the public key as the HMAC secret",
      async () => {
        const { keys } = await emu.identityPlatform.keySet();
        const publicKey = JSON.stringify(keys[0]);
        return `Bearer ${await new SignJWT(claimsOf(await mint()))
          .setProtectedHeader({ alg: "HS256", kid: keys[0]!.kid })
          .sign(new TextEncoder().encode(publicKey))}`;
      },
      "algorithm",
    ],
    [
      "an unknown kid, signed by a key that is not the tenant's",
      async () => {
        const { privateKey } = await generateKeyPair("RS256");
        return `Bearer ${await new SignJWT(claimsOf(await mint()))
          .setProtectedHeader({ alg: "RS256", kid: "not-a-published-key" })
          .sign(privateKey)}`;
      },
      "unknown_key",
    ],
    [
      "a key embedded in the header (jwk) is never used",
      async () => {
        const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
        const jwk: JWK = await exportJWK(publicKey);
        const { keys } = await emu.identityPlatform.keySet();
        return `Bearer ${await new SignJWT(claimsOf(await mint()))
          .setProtectedHeader({ alg: "RS256", kid: keys[0]!.kid, jwk })
          .sign(privateKey)}`;
      },
      "signature",
    ],
    [
      "a tampered payload (signature no longer matches)",
      async () => {
        const [header, , signature] = (await mint()).split(".");
        const claims = claimsOf(await mint());
        return `Bearer ${header}.${b64({ ...claims, aud: API_APP_ID, oid: "someone-else" })}.${signature}`;
      },
      "signature",
    ],
  ];

  for (const [what, token, reason] of refusals) {
    test(`refused: ${what} → ${reason}`, async () => {
      const outcome = await validator()(await token());
      assert.deepEqual(outcome, { ok: false, reason });
    });
  }

  test("an unknown kid after a key rollover fetches the key set again, at most once per cooldown", async () => {
    const verify = validator(60_000);
    assert.equal((await verify(`Bearer ${await mint()}`)).ok, true);
    await emu.identityPlatform.rotate();
    const fresh = `Bearer ${await mint()}`;
    // Within the cooldown the new kid is not fetched yet: refused, no second fetch.
    const before = fetches;
    assert.deepEqual(await verify(fresh), { ok: false, reason: "unknown_key" });
    assert.equal(fetches - before, 0);

    const eager = validator(0);
    assert.equal((await eager(`Bearer ${await mint()}`)).ok, true);
    await emu.identityPlatform.rotate();
    const afterRotation = fetches;
    assert.equal((await eager(`Bearer ${await mint()}`)).ok, true, "the new key is fetched on demand");
    assert.equal(fetches - afterRotation, 1);
  });

  test("a verified token is accepted again without a second signature check, until its exp or the TTL", async () => {
    const subtle = globalThis.crypto.subtle;
    type Verify = typeof subtle.verify;
    const original: Verify = subtle.verify.bind(subtle);
    let signatureChecks = 0;
    subtle.verify = ((algorithm, key, signature, data) => {
      signatureChecks += 1;
      return original(algorithm, key, signature, data);
    }) as Verify;
    try {
      let clock = Date.now();
      const verify = bearerValidator(settings, {
        fetch: countingFetch,
        now: () => clock,
        verifiedTokenTtlMs: 60_000,
      });
      const issued = Math.floor(clock / 1000);
      const token = `Bearer ${await mint({ iat: issued, nbf: issued, exp: issued + 600 })}`;
      const first = await verify(token);
      assert.equal(first.ok, true);
      assert.deepEqual(await verify(token), first, "the same claims, from memory");
      assert.equal(signatureChecks, 1);

      // A token that failed is never remembered: each attempt is checked in full.
      const [header, payload, signature] = token.slice("Bearer ".length).split(".");
      const altered = `Bearer ${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
      assert.deepEqual(await verify(altered), { ok: false, reason: "signature" });
      assert.deepEqual(await verify(altered), { ok: false, reason: "signature" });
      assert.equal(signatureChecks, 3);

      // Past the TTL the token is checked again; past exp (plus the 120 s skew) it is refused.
      clock += 60_001;
      assert.equal((await verify(token)).ok, true);
      assert.equal(signatureChecks, 4);
      clock = (issued + 600 + 120) * 1000 + 1;
      assert.deepEqual(await verify(token), { ok: false, reason: "expired" });

      // verifiedTokenTtlMs 0: every call is checked in full.
      const everyTime = bearerValidator(settings, { fetch: countingFetch, verifiedTokenTtlMs: 0 });
      const fresh = `Bearer ${await mint()}`;
      const before = signatureChecks;
      assert.equal((await everyTime(fresh)).ok, true);
      assert.equal((await everyTime(fresh)).ok, true);
      assert.equal(signatureChecks - before, 2);
    } finally {
      subtle.verify = original;
    }
  });

  test("an unreachable key set refuses the token (fail closed)", async () => {
    const verify = bearerValidator(
      { ...settings, keySetUri: "http://127.0.0.1:9/keys" },
      { keySetTimeoutMs: 2000 },
    );
    assert.deepEqual(await verify(`Bearer ${await mint()}`), { ok: false, reason: "key_set_unavailable" });
  });

  test("the production key set of each tenant kind is the documented one", () => {
    const tenantId = emu.tenantId;
    assert.equal(
      tokenKeySetUri({ kind: "external", cloud: "global", tenantId }),
      `https://${tenantId}.ciamlogin.com/${tenantId}/discovery/v2.0/keys`,
    );
    assert.equal(
      tokenKeySetUri({ kind: "workforce", cloud: "usgov", tenantId }),
      `https://login.microsoftonline.us/${tenantId}/discovery/v2.0/keys`,
    );
    assert.deepEqual(tokenIssuers({ kind: "workforce", cloud: "global", tenantId }), [
      `https://login.microsoftonline.com/${tenantId}/v2.0`,
    ]);
  });
});

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
}
