import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePolicy, PolicyError } from "../../../contract/policy/load";
import { seedPolicy } from "./fixtures";

function problemsOf(json: unknown): string[] {
  try {
    parsePolicy(json);
  } catch (error) {
    assert.ok(error instanceof PolicyError, String(error));
    return error.problems;
  }
  assert.fail("expected a PolicyError");
}

test("the shipped seed partner policy is valid and keeps its rules", () => {
  assert.equal(seedPolicy.justification?.minLength, 20);
  assert.equal(seedPolicy.rateLimit?.perDomain, 50);
  assert.equal(seedPolicy.rateLimit?.onStoreError, "failOpen");
  assert.equal(seedPolicy.enrichment?.roleAttribute, "PartnerRole");
});

test("an empty policy is valid and gets defaults", () => {
  const policy = parsePolicy({});
  assert.equal(policy.version, "1.0.0");
  assert.deepEqual(policy.messages, { fallbackLocale: "en", locales: {} });
  assert.deepEqual(policy.events, { enabled: false });
});

test("defaults inside rules are applied (includeSubdomains, whenMissing, steps, onStoreError)", () => {
  const policy = parsePolicy({
    domains: { allow: [{ domain: "a.com", companyName: "A" }] },
    issuers: { block: ["facebook"] },
    rateLimit: { perDomain: 5, windowHours: 1 },
    companyMatch: {},
    justification: { minLength: 3 },
  });
  const entry = policy.domains?.allow?.[0];
  assert.ok(entry && typeof entry !== "string");
  assert.equal(entry.includeSubdomains, false);
  assert.equal(policy.issuers?.whenMissing, undefined, "the engine derives it from allow/block");
  assert.deepEqual(policy.issuers?.steps, ["postFederationSignup", "postAttributeCollection"]);
  assert.equal(policy.rateLimit?.onStoreError, "failOpen");
  assert.equal(policy.companyMatch?.attribute, "CompanyName");
  assert.equal(policy.justification?.attribute, "Justification");
});

test("parsePolicy accepts a JSON string and reports bad JSON with a fix", () => {
  assert.equal(parsePolicy('{"version":"2.0.0"}').version, "2.0.0");
  const [problem] = problemsOf("{not json");
  assert.match(problem ?? "", /^\$: not valid JSON .* — fix the JSON syntax/);
});

test("a policy with several mistakes reports all of them at once, each with its JSON path and a fix", () => {
  const problems = problemsOf({
    domians: {},
    domains: { allow: ["bad domain", 3, { domain: "ok.com", role: "" }], block: ["*.-x.com"], blok: [] },
    issuers: { whenMissing: "maybe" },
    requiredAttributes: ["Company Name"],
    justification: { minLength: 0 },
    rateLimit: { perDomain: -1, windowHours: 24, onStoreError: "explode" },
    enrichment: { claims: { favouriteColour: "{role}" }, attributes: { PartnerRole: "{rol}" } },
    messages: { fallbackLocale: "de", locales: { "not a locale": {}, fr: { domain_blokked: "x" } } },
    approval: { when: {} },
  });
  const expected: Array<[string, RegExp]> = [
    ["$", /unknown key "domians" \(did you mean "domains"\?\) — remove or fix the spelling/],
    ["domains", /unknown key "blok"/],
    ["domains.allow[0]", /"bad domain" is not a valid domain — write "example.com"/],
    ["domains.allow[1]", /use a domain string/],
    ["domains.allow[2].role", /must not be empty/],
    ["domains.block[0]", /"\*\.-x\.com" is not a valid domain/],
    ["issuers.whenMissing", /use one of "allow", "block"/],
    ["requiredAttributes[0]", /is not an attribute name — use the logical name/],
    ["justification.minLength", /give at least 1/],
    ["rateLimit.perDomain", /give at least 1/],
    ["rateLimit.onStoreError", /use one of "failOpen", "failClosed"/],
    ["enrichment.claims.favouriteColour", /not a built-in claim/],
    ["enrichment.attributes.PartnerRole", /unknown template variable \{rol\}/],
    ["messages.locales.not a locale", /not a locale tag/],
    ["messages.locales.fr.domain_blokked", /not a reason code/],
    ["messages.fallbackLocale", /has no catalogue/],
    ["approval.when", /matches no sign-up/],
  ];
  for (const [path, pattern] of expected) {
    assert.ok(
      problems.some((p) => p.startsWith(`${path}: `) && pattern.test(p)),
      `missing ${path} ${String(pattern)} in:\n${problems.join("\n")}`,
    );
  }
  assert.ok(
    problems.every((p) => p.includes(" — ")),
    "every problem names a fix",
  );
});

test("the PolicyError message lists every problem for the start-up log", () => {
  try {
    parsePolicy({ version: "", rateLimit: { perDomain: 0 } });
    assert.fail("expected PolicyError");
  } catch (error) {
    assert.ok(error instanceof PolicyError);
    assert.ok(error.problems.length >= 3, error.problems.join("\n"));
    for (const p of error.problems) assert.ok(error.message.includes(p));
  }
});

test("cross-rule mistakes are reported: overlap, notInAllowList without allow-list, companyMatch and role without data", () => {
  const problems = problemsOf({
    domains: { allow: ["a.com"], block: ["a.com"] },
    companyMatch: {},
    enrichment: { roleAttribute: "PartnerRole" },
  });
  assert.ok(problems.some((p) => p.startsWith("domains.block[0]: ") && /also allow-listed/.test(p)));
  assert.ok(problems.some((p) => p.startsWith("companyMatch: ")));
  assert.ok(problems.some((p) => p.startsWith("enrichment.roleAttribute: ")));
  const approval = problemsOf({ approval: { when: { notInAllowList: true } } });
  assert.ok(approval.some((p) => p.startsWith("approval.when.notInAllowList: ")));
});

test("parsed policies are deep-frozen so the compiled cache cannot go stale", () => {
  assert.ok(Object.isFrozen(seedPolicy));
  assert.ok(Object.isFrozen(seedPolicy.domains?.allow));
  assert.throws(() => {
    (seedPolicy as { version: string }).version = "x";
  });
});

test("message keys named after Object.prototype members are not reason codes", () => {
  for (const key of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
    const problems = problemsOf(JSON.parse(`{"messages":{"locales":{"en":{"${key}":"x"}}}}`));
    assert.ok(
      problems.some((p) => p.includes("is not a reason code")),
      `${key}: ${problems.join("; ")}`,
    );
  }
});

test("a __proto__ key anywhere in the policy is refused with its path, never dropped silently", () => {
  const problems = problemsOf(
    JSON.parse(
      '{"messages":{"locales":{"en":{"__proto__":"x"}}},"enrichment":{"attributes":{"__proto__":"{role}"}}}',
    ),
  );
  assert.deepEqual(
    problems.filter((p) => p.includes("__proto__")),
    [
      'messages.locales.en.__proto__: "__proto__" is not a valid name — remove this key',
      'enrichment.attributes.__proto__: "__proto__" is not a valid name — remove this key',
    ],
  );
});
