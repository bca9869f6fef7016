/**
 * Relating the connector policy to the user flow: every attribute the policy writes or pre-fills must be
 * on the flow's page, because Entra drops a returned claim for any attribute that is not.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { attributesMissingFromPage } from "../../contract/policyFlow";

const SEED = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, "..", "..", "contract", "policy", "examples", "seed-partner-policy.json"),
    "utf8",
  ),
) as Record<string, unknown>;

test("the seed policy's jobTitle enrichment is refused on a page without jobTitle, with key path and fix", () => {
  const page = [
    "email",
    "displayName",
    "givenName",
    "surname",
    "CompanyName",
    "Justification",
    "PartnerRole",
    "ApprovedAt",
  ];
  const problems = attributesMissingFromPage(SEED, page);
  assert.deepEqual(
    problems.map((p) => [p.keyPath, p.attribute]),
    [["enrichment.claims.jobTitle", "jobTitle"]],
  );
  assert.match(problems[0]!.message, /^enrichment\.claims\.jobTitle writes 'jobTitle'/);
  assert.match(problems[0]!.message, /add 'jobTitle' to the user flow's page/);
  assert.deepEqual(attributesMissingFromPage(SEED, [...page, "jobTitle"]), []);
});

test("every kind of write is checked: pre-fill, role, approved-at, enrichment attributes and claims, names", () => {
  const policy = {
    prefill: { attributes: { CompanyName: "{companyName}" }, claims: { city: "{domain}" } },
    enrichment: {
      roleAttribute: "PartnerRole",
      approvedAtAttribute: "ApprovedAt",
      attributes: { Tier: "{role}" },
      claims: { jobTitle: "{role} User" },
    },
    normalizeNames: { fields: ["givenName", "surname"] },
  };
  assert.deepEqual(
    attributesMissingFromPage(policy, ["email"]).map((p) => p.keyPath),
    [
      "prefill.attributes.CompanyName",
      "prefill.claims.city",
      "enrichment.roleAttribute",
      "enrichment.approvedAtAttribute",
      "enrichment.attributes.Tier",
      "enrichment.claims.jobTitle",
      "normalizeNames.fields.0",
      "normalizeNames.fields.1",
    ],
  );
  const prefill = attributesMissingFromPage(policy, ["email"])[0]!;
  assert.match(prefill.message, /pre-fills 'CompanyName'/);
});

test("names compare case-insensitively; normalizeNames without fields covers the three name claims", () => {
  assert.deepEqual(
    attributesMissingFromPage({ enrichment: { roleAttribute: "partnerrole" } }, ["PartnerRole"]),
    [],
  );
  assert.deepEqual(
    attributesMissingFromPage({ normalizeNames: {} }, ["givenName"]).map((p) => p.attribute),
    ["surname", "displayName"],
  );
});

test("a policy that writes nothing, or is not an object, has no findings", () => {
  for (const policy of [{}, { domains: { allow: ["a.com"] } }, null, "x", [], { enrichment: "junk" }])
    assert.deepEqual(attributesMissingFromPage(policy, []), [], JSON.stringify(policy));
});
