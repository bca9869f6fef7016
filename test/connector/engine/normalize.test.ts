import assert from "node:assert/strict";
import { test } from "node:test";
import { compileDomainMatcher } from "../../../functions/engine/domain-matcher";
import { claimText, foldText, MAX_EMAIL_LENGTH, normalizeEmail } from "../../../functions/engine/normalize";
import { normalizeDomain } from "../../../contract/policy/domain";

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

/**
 * Runs `fn` while recording how many characters each string operation normalizeEmail uses touches (the
 * receiver's length, or the slice taken): the work a huge input costs, measured without a clock.
 */
function charactersTouched(fn: () => void): number {
  const methods = [
    "trim",
    "indexOf",
    "lastIndexOf",
    "normalize",
    "toLowerCase",
    "endsWith",
    "startsWith",
    "split",
  ] as const;
  const proto = String.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = new Map<string, (...args: unknown[]) => unknown>();
  const savedSlice = String.prototype.slice;
  const savedTest = RegExp.prototype.test;
  let most = 0;
  for (const name of methods) {
    const original = proto[name]!;
    saved.set(name, original);
    proto[name] = function (this: string, ...args: unknown[]) {
      most = Math.max(most, this.length);
      return original.apply(this, args);
    };
  }
  String.prototype.slice = function (this: string, start?: number, end?: number) {
    const part = savedSlice.call(this, start, end);
    most = Math.max(most, part.length);
    return part;
  };
  RegExp.prototype.test = function (this: RegExp, input: string) {
    most = Math.max(most, String(input).length);
    return savedTest.call(this, input);
  };
  try {
    fn();
  } finally {
    for (const [name, original] of saved) proto[name] = original;
    String.prototype.slice = savedSlice;
    RegExp.prototype.test = savedTest;
  }
  return most;
}

test("huge strings are capped before any work proportional to their length, and rejected", () => {
  const results: unknown[] = [];
  const touched = charactersTouched(() => {
    results.push(normalizeEmail(`${"a".repeat(5_000_000)}@partner-company.com`));
    results.push(normalizeEmail(`ann@${"x".repeat(300)}.com`));
    results.push(normalizeEmail(" ".repeat(1_000_000)));
  });
  assert.deepEqual(results, ["invalid_email", "invalid_email", "missing_email"]);
  assert.ok(touched > 0, "the measure sees normalizeEmail's string work");
  assert.ok(
    touched <= MAX_EMAIL_LENGTH * 4,
    `no string operation looks at more than the cap (${MAX_EMAIL_LENGTH * 4} characters); the largest saw ${touched}`,
  );
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
