import assert from "node:assert/strict";
import { test } from "node:test";
import { compileDomainMatcher } from "../../../functions/engine/domain-matcher";
import { claimText, foldText, normalizeDomain, normalizeEmail } from "../../../functions/engine/normalize";

test("an email is trimmed and its domain lower-cased", () => {
  assert.deepEqual(normalizeEmail("  Ann.Lee@Partner-Company.COM \n"), {
    email: "ann.lee@partner-company.com",
    domain: "partner-company.com",
  });
});

test("an IDN domain and its punycode form normalise to the same ASCII domain", () => {
  const unicode = normalizeEmail("Max@Bücher.example");
  const puny = normalizeEmail("max@xn--bcher-kva.example");
  assert.deepEqual(unicode, { email: "max@xn--bcher-kva.example", domain: "xn--bcher-kva.example" });
  assert.deepEqual(puny, unicode);
  assert.equal(normalizeDomain("BÜCHER.example."), "xn--bcher-kva.example");
});

test("a unicode local part is kept (NFC, lower-cased)", () => {
  const composed = normalizeEmail("J\u00d6RG@partner-company.com");
  const decomposed = normalizeEmail("JO\u0308RG@partner-company.com");
  assert.deepEqual(composed, { email: "j\u00f6rg@partner-company.com", domain: "partner-company.com" });
  assert.deepEqual(decomposed, composed);
});

test("missing, blank and non-string emails are told apart", () => {
  assert.equal(normalizeEmail(undefined), "missing_email");
  assert.equal(normalizeEmail(""), "missing_email");
  assert.equal(normalizeEmail("   "), "missing_email");
  assert.equal(normalizeEmail(42), "invalid_email");
  assert.equal(normalizeEmail({ email: "a@b.com" }), "invalid_email");
});

test("malformed emails are rejected: several @, empty local part, no domain, spaces, control characters", () => {
  for (const bad of [
    "a@b@partner-company.com",
    "@partner-company.com",
    "ann@",
    "ann",
    "ann lee@partner-company.com",
    "ann@partner company.com",
    "ann\u0000@partner-company.com",
    "ann@localhost",
    "ann@127.0.0.1",
    "ann@[::1]",
    "ann@-bad-.com",
    "ann@bad..com",
    'ann"@partner-company.com',
  ]) {
    assert.equal(normalizeEmail(bad), "invalid_email", bad);
  }
});

test("huge strings are capped cheaply and rejected", () => {
  const started = performance.now();
  assert.equal(normalizeEmail(`${"a".repeat(5_000_000)}@partner-company.com`), "invalid_email");
  assert.equal(normalizeEmail(`ann@${"x".repeat(300)}.com`), "invalid_email");
  assert.equal(normalizeEmail(" ".repeat(1_000_000)), "missing_email");
  assert.ok(performance.now() - started < 500, "capping must avoid work proportional to the input");
  assert.equal(claimText("x".repeat(100_000))?.length, 4096);
});

test("typed claim values are read as text; objects and NaN are absent", () => {
  assert.equal(claimText("a"), "a");
  assert.equal(claimText(12), "12");
  assert.equal(claimText(true), "true");
  assert.equal(claimText(Number.NaN), undefined);
  assert.equal(claimText({}), undefined);
  assert.equal(claimText(null), undefined);
});

test("company names compare without case or whitespace differences", () => {
  assert.equal(foldText("  PARTNER   company\t"), foldText("Partner Company"));
});

test("domain rules: exact, *.wildcard covers subdomains only, includeSubdomains covers both", () => {
  const m = compileDomainMatcher([
    { pattern: "exact.com", value: "exact" },
    { pattern: "*.wild.com", value: "wild" },
    { pattern: "Both.COM", includeSubdomains: true, value: "both" },
    { pattern: "bücher.example", value: "idn" },
  ]);
  assert.equal(m.match("exact.com"), "exact");
  assert.equal(m.match("eu.exact.com"), undefined);
  assert.equal(m.match("wild.com"), undefined);
  assert.equal(m.match("eu.wild.com"), "wild");
  assert.equal(m.match("a.b.wild.com"), "wild");
  assert.equal(m.match("both.com"), "both");
  assert.equal(m.match("x.both.com"), "both");
  assert.equal(m.match("notboth.com"), undefined, "a suffix that is not a label boundary never matches");
  assert.equal(m.match("xn--bcher-kva.example"), "idn");
});
