/**
 * Allow-lists and required checks fail CLOSED on missing data unless the policy says otherwise
 * explicitly (issue: an issuer allow-list let requests without `identities` through). One test per rule
 * that checks something a request may lack.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePolicy } from "../../../contract/policy/load";
import { ATTRIBUTE_IDS, partnerRequest, run } from "./fixtures";

const noIdentities = { email: "a@x.example" };

test("issuer allow-list: a request without identities is refused at both steps", () => {
  const policy = parsePolicy({ version: "1.0.0", issuers: { allow: ["google.com"] } });
  for (const step of ["postFederationSignup", "postAttributeCollection"] as const) {
    const d = run(step, noIdentities, policy);
    assert.equal(d.reason, "issuer_not_allowed", step);
    assert.equal(d.response.action, "ShowBlockPage", step);
  }
});

test("issuer allow-list: identities without a usable issuer count as missing", () => {
  const policy = parsePolicy({ issuers: { allow: ["google.com"] } });
  for (const identities of [[], "junk", [{}], [{ issuer: 42 }], [null], { issuer: "google.com" }])
    assert.equal(
      run("postFederationSignup", { ...noIdentities, identities }, policy).reason,
      "issuer_not_allowed",
      JSON.stringify(identities),
    );
});

test('issuer allow-list: whenMissing "allow" written explicitly admits Entra ID and Microsoft account users', () => {
  const policy = parsePolicy({ issuers: { allow: ["google.com"], whenMissing: "allow" } });
  assert.equal(run("postFederationSignup", noIdentities, policy).reason, "allowed");
  const google = { ...noIdentities, identities: [{ issuer: "google.com" }] };
  assert.equal(run("postFederationSignup", google, policy).reason, "allowed");
  const facebook = { ...noIdentities, identities: [{ issuer: "facebook.com" }] };
  assert.equal(run("postFederationSignup", facebook, policy).reason, "issuer_not_allowed");
});

test("issuer block-list alone: a request without identities is not refused (nothing to match)", () => {
  const policy = parsePolicy({ issuers: { block: ["facebook.com"] } });
  assert.equal(run("postFederationSignup", noIdentities, policy).reason, "allowed");
  const strict = parsePolicy({ issuers: { block: ["facebook.com"], whenMissing: "block" } });
  assert.equal(run("postFederationSignup", noIdentities, strict).reason, "issuer_not_allowed");
});

test("domain allow-list: a request without an email is refused, never allowed", () => {
  const policy = parsePolicy({ domains: { allow: ["partner-company.com"] } });
  for (const step of ["postFederationSignup", "postAttributeCollection"] as const) {
    assert.equal(run(step, { displayName: "No Mail" }, policy).reason, "missing_email", step);
    assert.equal(run(step, { email: 42 }, policy).response.action, "ShowBlockPage", step);
  }
});

test("required attributes: an absent, blank or non-text claim is a ValidationError", () => {
  const policy = parsePolicy({ requiredAttributes: ["CompanyName", "givenName"] });
  const key = ATTRIBUTE_IDS.CompanyName!;
  for (const overrides of [{ [key]: undefined }, { [key]: "   " }, { [key]: { x: 1 } }, { givenName: [] }]) {
    const d = run("postAttributeCollection", partnerRequest(overrides), policy);
    assert.equal(d.reason, "required_attribute_missing", JSON.stringify(overrides));
  }
});

test("company match: an absent company name is refused for a domain with a registered company", () => {
  const policy = parsePolicy({
    domains: { allow: [{ domain: "partner-company.com", companyName: "Partner Company" }] },
    companyMatch: {},
  });
  const d = run(
    "postAttributeCollection",
    partnerRequest({ [ATTRIBUTE_IDS.CompanyName!]: undefined }),
    policy,
  );
  assert.equal(d.reason, "company_mismatch");
});

test("justification: an absent justification is too short", () => {
  const policy = parsePolicy({ justification: { minLength: 5 } });
  const d = run(
    "postAttributeCollection",
    partnerRequest({ [ATTRIBUTE_IDS.Justification!]: undefined }),
    policy,
  );
  assert.equal(d.reason, "justification_too_short");
});

test("approval: no answer from the store refuses the sign-up whatever the rate-limit setting", () => {
  const policy = parsePolicy({
    approval: { when: { all: true } },
    rateLimit: { perDomain: 5, windowHours: 1, onStoreError: "failOpen" },
  });
  const d = run("postAttributeCollection", partnerRequest(), policy, { facts: {} });
  assert.equal(d.reason, "store_unavailable");
});

test("rate limit: no answer from the counter follows onStoreError, and failClosed refuses", () => {
  const closed = parsePolicy({ rateLimit: { perDomain: 5, windowHours: 1, onStoreError: "failClosed" } });
  assert.equal(
    run("postAttributeCollection", partnerRequest(), closed, { facts: {} }).reason,
    "store_unavailable",
  );
  const open = parsePolicy({ rateLimit: { perDomain: 5, windowHours: 1, onStoreError: "failOpen" } });
  assert.equal(run("postAttributeCollection", partnerRequest(), open, { facts: {} }).reason, "allowed");
});
