/**
 * functions/engine/tokenClaims.ts: the claims of an OnTokenIssuanceStart answer are exactly what the
 * sign-up engine wrote for the same email domain (same matching, same templates, same refusals), the
 * user's domain is recovered from `mail` or a guest's `#EXT#` UPN, and no answer exceeds the deploy-time
 * worst case or Entra's 3 KB.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parsePolicy, type PolicyInput } from "../../contract/policy/load";
import {
  CLAIMS_SIZE_LIMIT_BYTES,
  tokenClaimsSchema,
  worstCaseClaimsBytes,
  type TokenClaimsInput,
} from "../../contract/tokenClaims";
import { jsonBytes, tokenClaimsFor, userEmailDomain } from "../../functions/engine/tokenClaims";
import seed from "../../contract/policy/examples/seed-partner-policy.json";
import { APP, ATTRIBUTE_IDS, NOW, partnerRequest, run } from "./engine/fixtures";

const appIds = ["7d3e1f5a-9b2c-4e8d-a1f0-6c5b4a3d2e1f"];
const config = (claims: TokenClaimsInput["claims"]) => tokenClaimsSchema.parse({ claims, appIds });

/** The seed policy with the approval workflow for outsiders and a templated attribute. */
const policy = parsePolicy({
  ...(seed as PolicyInput),
  companyMatch: undefined,
  requiredAttributes: undefined,
  justification: undefined,
  approval: { when: { notInAllowList: true } },
  enrichment: {
    ...(seed as PolicyInput).enrichment,
    attributes: { Badge: "{role} at {companyName} ({domain})", PartnerRole: "{role}-{domain}" },
  },
});
const attributeClaims = config([
  { id: "PartnerRole", source: { attribute: "PartnerRole" } },
  { id: "Badge", source: { attribute: "Badge" } },
  { id: "ApprovedAt", source: { attribute: "ApprovedAt" } },
]);
const ids: Record<string, string> = { ...ATTRIBUTE_IDS, Badge: `extension_${APP}_Badge` };

test("attribute claims equal what the enrichment wrote at sign-up, and nothing where sign-up is refused", () => {
  const emails = [
    "ann@partner-company.com",
    "ann@PARTNER-company.com",
    "bo@eu.trusted-vendor.org",
    "bo@trusted-vendor.org",
    "cy@consulting-firm.net",
    "cy@sub.consulting-firm.net", // not includeSubdomains: an outsider, approved by a reviewer
    "di@unknown.example",
    "eve@gmail.com",
    "eve@mail.hotmail.com",
  ];
  const approved = {
    approval: {
      id: "a1",
      email: "x",
      domain: "x",
      status: "approved" as const,
      createdAt: NOW.toISOString(),
      decidedAt: NOW.toISOString(),
    },
    rateLimit: { allowed: true },
  };
  const outcomes: string[] = [];
  for (const email of emails) {
    const signUp = run("postAttributeCollection", partnerRequest({ email }), policy, {
      attributeIds: ids,
      facts: approved,
    });
    const { claims } = tokenClaimsFor(attributeClaims, policy, { mail: email });
    outcomes.push(String(signUp.response.action));
    if (signUp.response.action !== "Continue") {
      assert.equal(signUp.response.action, "ShowBlockPage", email);
      assert.deepEqual(claims, {}, `${email}: refused at sign-up, so no claim`);
      continue;
    }
    const written = (name: string) => signUp.response[ids[name]!];
    assert.equal(claims.PartnerRole, written("PartnerRole"), `${email} PartnerRole`);
    assert.equal(claims.Badge, written("Badge"), `${email} Badge`);
    assert.ok(written("ApprovedAt"), "the engine writes the approval time at sign-up");
    assert.equal("ApprovedAt" in claims, false, `${email}: a stored time is not recomputed at token time`);
  }
  // gmail.com is blocked; mail.hotmail.com is not (the block entry has no includeSubdomains).
  assert.deepEqual(outcomes.filter((a) => a === "ShowBlockPage").length, 1);
  // An approved outsider: the default role; the Badge template has no {companyName}, so no Badge.
  assert.deepEqual(tokenClaimsFor(attributeClaims, policy, { mail: "cy@sub.consulting-firm.net" }).claims, {
    PartnerRole: "External-sub.consulting-firm.net",
  });
  assert.deepEqual(tokenClaimsFor(attributeClaims, policy, { mail: "ann@partner-company.com" }).claims, {
    PartnerRole: "Partner-partner-company.com",
    Badge: "Partner at Partner Company (partner-company.com)",
  });
});

test("the user's email domain: mail first, then the UPN; a guest's #EXT# UPN gives its home domain", () => {
  const cases: Array<[Record<string, unknown> | undefined, string | undefined]> = [
    [
      { mail: "Ann@Partner-Company.COM", userPrincipalName: "ann@contoso.onmicrosoft.com" },
      "partner-company.com",
    ],
    [{ userPrincipalName: "ann@partner-company.com" }, "partner-company.com"],
    [
      { userPrincipalName: "alice_contoso.com#EXT#@tenant.onmicrosoft.com", userType: "Guest" },
      "contoso.com",
    ],
    [{ userPrincipalName: "a_b_c_Bücher.example#ext#@tenant.onmicrosoft.com" }, "xn--bcher-kva.example"],
    [
      { mail: "", userPrincipalName: "bob_eu.trusted-vendor.org#EXT#@t.onmicrosoft.com" },
      "eu.trusted-vendor.org",
    ],
    [{ mail: "not an email", userPrincipalName: "x@y.example" }, "y.example"],
    [{ userPrincipalName: "nounderscore#EXT#@t.onmicrosoft.com" }, undefined],
    [{ userPrincipalName: "a_localhost#EXT#@t.onmicrosoft.com" }, undefined],
    [{ userPrincipalName: "3f2a…guid@tenant.onmicrosoft.com" }, "tenant.onmicrosoft.com"],
    [{ mail: 42, userPrincipalName: ["x@y.z"] }, undefined],
    [{ displayName: "Eve" }, undefined],
    [undefined, undefined],
  ];
  for (const [user, domain] of cases) assert.equal(userEmailDomain(user), domain, JSON.stringify(user));
});

test("a domain table: exact beats parent, the most specific parent wins, default for the rest", () => {
  const tier = config([
    {
      id: "tier",
      source: {
        domainTable: {
          entries: [
            { domain: "*.example.com", value: "sub" },
            { domain: "a.example.com", includeSubdomains: true, value: ["a", "b"] },
            { domain: "example.com", value: "apex" },
          ],
          default: "other",
        },
      },
    },
  ]);
  const at = (mail: string | undefined) => tokenClaimsFor(tier, policy, { mail }).claims.tier;
  assert.equal(at("x@example.com"), "apex");
  assert.deepEqual(at("x@a.example.com"), ["a", "b"]);
  assert.deepEqual(at("x@deep.a.example.com"), ["a", "b"]);
  assert.equal(at("x@b.example.com"), "sub");
  assert.equal(at("x@elsewhere.org"), "other");
  assert.equal(at(undefined), "other", "no domain at all: the default still applies");
  const noDefault = config([
    { id: "tier", source: { domainTable: { entries: [{ domain: "example.com", value: "apex" }] } } },
  ]);
  assert.deepEqual(tokenClaimsFor(noDefault, policy, { mail: "x@elsewhere.org" }).claims, {});
});

test("an answer over 3 KB at run time leaves out the largest claims, named in `dropped`", () => {
  // Only reachable if the deploy-time check was bypassed (it refuses this config): the route must still
  // never send Entra an answer it rejects with 1003025.
  const big = (n: number) => Array.from({ length: n }, (_, i) => `group-${String(i).padStart(4, "0")}`);
  const oversized = config([
    { id: "small", source: { domainTable: { entries: [{ domain: "a.com", value: "s" }] } } },
    { id: "groups", source: { domainTable: { entries: [{ domain: "a.com", value: big(200) }] } } },
    { id: "more", source: { domainTable: { entries: [{ domain: "a.com", value: big(100) }] } } },
  ]);
  const result = tokenClaimsFor(oversized, policy, { mail: "x@a.com" });
  assert.deepEqual(result.dropped, ["groups"]);
  assert.deepEqual(Object.keys(result.claims), ["small", "more"]);
  assert.ok(jsonBytes(result.claims) <= CLAIMS_SIZE_LIMIT_BYTES);
});

test("no answer is bigger than the deploy-time worst case, whatever the domain", () => {
  const text = fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 25 })
    .filter((s) => s.trim() === s && s !== "");
  const value = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }));
  const label = fc.stringMatching(/^[a-z0-9]{1,12}$/);
  const domain = fc.oneof(
    fc.constantFrom("p0.example", "p1.example", "x.p0.example", "t0.example", "gmail.com"),
    fc.array(label, { minLength: 2, maxLength: 4 }).map((l) => l.join(".")),
  );
  fc.assert(
    fc.property(
      fc.array(fc.record({ role: text, companyName: text }), { minLength: 1, maxLength: 3 }),
      fc.array(value, { minLength: 1, maxLength: 3 }),
      domain,
      (allow, tableValues, userDomain) => {
        const p = parsePolicy({
          domains: {
            allow: allow.map((e, i) => ({ domain: `p${i}.example`, includeSubdomains: true, ...e })),
            block: ["gmail.com"],
          },
          approval: { when: { notInAllowList: true } },
          enrichment: {
            roleAttribute: "Role",
            defaultRole: "External",
            attributes: { Label: "{role}/{companyName}@{domain}" },
          },
        });
        const c = config([
          { id: "Role", source: { attribute: "Role" } },
          { id: "Label", source: { attribute: "Label" } },
          {
            id: "Table",
            source: {
              domainTable: {
                entries: tableValues.map((v, i) => ({ domain: `t${i}.example`, value: v })),
                default: "d",
              },
            },
          },
        ]);
        const { claims, dropped } = tokenClaimsFor(c, p, { mail: `someone@${userDomain}` });
        assert.deepEqual(dropped, []);
        assert.ok(jsonBytes(claims) <= worstCaseClaimsBytes(c, p));
        for (const v of Object.values(claims))
          assert.ok(typeof v === "string" ? v.length > 0 : v.length > 0 && v.every((s) => s.length > 0));
      },
    ),
  );
});
