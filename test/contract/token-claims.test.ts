/**
 * `tokenClaims`: the schema refuses what Entra refuses (empty or duplicate keys, restricted claim names,
 * non-string values), attribute sources must be written by the connector policy's enrichment, and the
 * worst-case size of the claims is a true bound, refused with the figure and the fix over 3 KB.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { parsePolicy } from "../../contract/policy/load";
import { parseTemplate, renderTemplate } from "../../contract/policy/template";
import {
  CLAIMS_SIZE_LIMIT_BYTES,
  MAX_DOMAIN_LENGTH,
  checkTokenClaims,
  claimIdsInApiResponse,
  claimsMappingPolicyClaims,
  tokenClaimsSchema,
  worstCaseClaimsBytes,
  type TokenClaimsInput,
} from "../../contract/tokenClaims";

const appId = "11111111-2222-4333-8444-555555555555";
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

const seedPolicy = parsePolicy({
  domains: {
    allow: [
      { domain: "partner-company.com", companyName: "Partner Company", role: "Partner" },
      { domain: "consulting-firm.net", companyName: "Consulting Firm", role: "Consultant" },
    ],
  },
  enrichment: {
    roleAttribute: "PartnerRole",
    approvedAtAttribute: "ApprovedAt",
    defaultRole: "External",
    attributes: { Badge: "{role} at {companyName} ({domain})" },
  },
});
const attributes = [{ name: "PartnerRole" }, { name: "ApprovedAt" }, { name: "Badge" }, { name: "Notes" }];

const config = (input: Partial<TokenClaimsInput> = {}) =>
  tokenClaimsSchema.parse({
    claims: [
      { id: "PartnerRole", source: { attribute: "PartnerRole" } },
      {
        id: "partnerTier",
        jwtClaimType: "partner_tier",
        source: {
          domainTable: {
            entries: [
              { domain: "partner-company.com", value: "Gold" },
              { domain: "*.consulting-firm.net", value: ["Silver", "Advisory"] },
            ],
            default: "Bronze",
          },
        },
      },
    ],
    appIds: [appId],
    ...input,
  });

test("the documented example parses and feeds the mapping policy and the extension's claim list", () => {
  const parsed = config();
  assert.deepEqual(checkTokenClaims(parsed, attributes, seedPolicy), []);
  assert.deepEqual(claimsMappingPolicyClaims(parsed), [
    { id: "PartnerRole" },
    { id: "partnerTier", jwtClaimType: "partner_tier" },
  ]);
  assert.deepEqual(claimIdsInApiResponse(parsed), ["PartnerRole", "partnerTier"]);
  assert.equal(parsed.claims[1]?.source.domainTable?.entries[0]?.includeSubdomains, false);
});

test("empty names, empty or non-string values, two sources and bad app ids are refused at their paths", () => {
  const result = tokenClaimsSchema.safeParse({
    claims: [
      { id: "", source: { domainTable: { entries: [{ domain: "a.com", value: "" }] } } },
      { id: "x", source: {} },
      { id: "y", source: { attribute: "A", domainTable: { entries: [{ domain: "a.com", value: "v" }] } } },
      { id: "z", source: { domainTable: { entries: [{ domain: "not a domain", value: 1 }] } } },
    ],
    appIds: ["app"],
  });
  assert.ok(!result.success);
  const paths = result.error.issues.map((i) => i.path.join("."));
  for (const expected of [
    "claims.0.id",
    "claims.0.source.domainTable.entries.0.value",
    "claims.1.source",
    "claims.2.source",
    "claims.3.source.domainTable.entries.0.domain",
    "claims.3.source.domainTable.entries.0.value",
    "appIds.0",
  ])
    assert.ok(paths.includes(expected), `${expected} in ${paths.join(", ")}`);
});

test("duplicate ids, duplicate token names, restricted claim names and a repeated app are refused", () => {
  const result = tokenClaimsSchema.safeParse({
    claims: [
      { id: "Role", source: { attribute: "PartnerRole" } },
      { id: "Role", jwtClaimType: "role2", source: { attribute: "PartnerRole" } },
      { id: "tier", jwtClaimType: "tid", source: { attribute: "PartnerRole" } },
      { id: "roles", source: { attribute: "PartnerRole" } },
      { id: "other", jwtClaimType: "role2", source: { attribute: "PartnerRole" } },
    ],
    appIds: [appId, appId.toUpperCase()],
  });
  assert.ok(!result.success);
  const byPath = new Map(result.error.issues.map((i) => [i.path.join("."), i.message]));
  assert.match(byPath.get("claims.1.id") ?? "", /"Role" is also claim 0's id/);
  assert.match(byPath.get("claims.2.jwtClaimType") ?? "", /"tid" is a claim Entra issues itself/);
  assert.match(
    byPath.get("claims.3.id") ?? "",
    /"roles" is a claim Entra issues itself \(restricted claim set\) — set jwtClaimType/,
  );
  assert.match(byPath.get("claims.4.jwtClaimType") ?? "", /"role2" is also claim 1's name in the token/);
  assert.match(byPath.get("appIds.1") ?? "", /listed twice/);
});

test("an attribute source must be declared and written by the enrichment", () => {
  const problems = checkTokenClaims(
    config({
      claims: [
        { id: "a", source: { attribute: "Missing" } },
        { id: "b", source: { attribute: "Notes" } },
      ],
    }),
    attributes,
    seedPolicy,
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.value]),
    [
      ["claims.0.source.attribute", "Missing"],
      ["claims.1.source.attribute", "Notes"],
    ],
  );
  assert.match(problems[0]!.message, /not declared in attributes — declare it/);
  assert.match(problems[1]!.message, /enrichment does not write 'Notes'.* or use a domainTable/);
});

test("an enriched attribute whose template can never render is refused", () => {
  const policy = parsePolicy({ enrichment: { attributes: { Badge: "{companyName}" } } });
  const problems = checkTokenClaims(
    config({ claims: [{ id: "b", source: { attribute: "Badge" } }] }),
    attributes,
    policy,
  );
  assert.deepEqual(
    problems.map((p) => p.path),
    ["claims.0.source.attribute"],
  );
  assert.match(problems[0]!.message, /never gives 'Badge' a value/);
});

test("the worst case counts keys, quotes and the longest value of each claim", () => {
  // {"PartnerRole":"Consultant","partnerTier":["Silver","Advisory"]}
  const expected = bytes({ PartnerRole: "Consultant", partnerTier: ["Silver", "Advisory"] });
  assert.equal(worstCaseClaimsBytes(config(), seedPolicy), expected);
  const badge = config({ claims: [{ id: "Badge", source: { attribute: "Badge" } }] });
  const longest = `Consultant at Consulting Firm (${"d".repeat(MAX_DOMAIN_LENGTH)})`;
  assert.equal(worstCaseClaimsBytes(badge, seedPolicy), bytes({ Badge: longest }));
  const approved = config({ claims: [{ id: "at", source: { attribute: "ApprovedAt" } }] });
  assert.equal(worstCaseClaimsBytes(approved, seedPolicy), bytes({ at: "+275760-09-13T00:00:00.000Z" }));
});

test("claims that could exceed Entra's 3 KB are refused with the figure, the biggest claim and the fix", () => {
  const big = config({
    claims: [
      { id: "PartnerRole", source: { attribute: "PartnerRole" } },
      {
        id: "groups",
        source: {
          domainTable: {
            entries: [
              { domain: "a.com", value: Array.from({ length: 400 }, (_, i) => `group-${i}`) },
              { domain: "b.com", value: "small" },
            ],
          },
        },
      },
    ],
  });
  const total = worstCaseClaimsBytes(big, seedPolicy);
  assert.ok(total > CLAIMS_SIZE_LIMIT_BYTES);
  const problems = checkTokenClaims(big, attributes, seedPolicy);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, "claims");
  assert.equal(problems[0]!.value, total);
  assert.match(problems[0]!.message, new RegExp(`can reach ${total} bytes`));
  assert.match(problems[0]!.message, /limit of 3072 bytes \(error 1003025 ResponseClaimsSizeExceeded/);
  assert.match(problems[0]!.message, /shorten the longest values \(groups\) or issue fewer claims/);
});

test("no answer the policy and tables can produce is bigger than the worst case", () => {
  const text = fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== "");
  const value = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 4 }));
  const entry = fc.record({ role: text, companyName: text });
  fc.assert(
    fc.property(
      fc.array(entry, { minLength: 1, maxLength: 4 }),
      fc.array(value, { minLength: 1, maxLength: 4 }),
      // Literal text only: braces would make a template variable, which the policy refuses unless known.
      fc.string({ maxLength: 20 }).filter((t) => !/[{}]/.test(t)),
      fc.integer({ min: 1, max: 63 }),
      (allow, tableValues, literal, labelLength) => {
        const policy = parsePolicy({
          domains: {
            allow: allow.map((e, i) => ({ domain: `d${i}.example`, ...e })),
          },
          enrichment: {
            roleAttribute: "Role",
            attributes: { Label: `${literal}{role}/{companyName}@{domain}` },
          },
        });
        const claims = tokenClaimsSchema.parse({
          claims: [
            { id: "Role", source: { attribute: "Role" } },
            { id: "Label", source: { attribute: "Label" } },
            {
              id: "Table",
              source: {
                domainTable: { entries: tableValues.map((v, i) => ({ domain: `t${i}.example`, value: v })) },
              },
            },
          ],
          appIds: [appId],
        });
        const bound = worstCaseClaimsBytes(claims, policy);
        const domain =
          `${"a".repeat(labelLength)}.${"b".repeat(63)}.${"c".repeat(63)}.${"e".repeat(61)}`.slice(
            0,
            MAX_DOMAIN_LENGTH,
          );
        const entries = (policy.domains?.allow ?? []).flatMap((e) => (typeof e === "string" ? [] : [e]));
        for (const e of entries)
          for (const v of tableValues) {
            const label = renderTemplate(parseTemplate(`${literal}{role}/{companyName}@{domain}`), {
              ...e,
              domain,
            });
            const answer: Record<string, unknown> = { Role: e.role, Table: v };
            if (label !== undefined) answer.Label = label;
            assert.ok(bytes(answer) <= bound, `${bytes(answer)} > ${bound}`);
          }
      },
    ),
  );
});

test("the approval time is refused as a claim source: the token route cannot recompute a stored time", () => {
  const approved = config({ claims: [{ id: "approvedAt", source: { attribute: "ApprovedAt" } }] });
  const problems = checkTokenClaims(approved, attributes, seedPolicy);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, "claims.0.source.attribute");
  assert.match(
    problems[0]!.message,
    /approval time stored at sign-up.*remove the claim, or use a domainTable/,
  );
  // The role the same enrichment computes from the domain stays a valid source.
  const role = config({ claims: [{ id: "role", source: { attribute: "PartnerRole" } }] });
  assert.deepEqual(checkTokenClaims(role, attributes, seedPolicy), []);
});
