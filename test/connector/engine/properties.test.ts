/**
 * Property-based tests: whatever arrives, `decide` (and `processRequest`) answer with a contract-valid
 * response (docs/graph-contract.md §6.5) and never throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decide } from "../../../functions/engine/decide";
import { normalizeEmail } from "../../../functions/engine/normalize";
import { processRequest } from "../../../functions/engine/pipeline";
import { STEPS, type ApprovalRequest, type Decision, type Step } from "../../../functions/engine/types";
import { parsePolicy, type Policy } from "../../../contract/policy/load";
import { APP, ATTRIBUTE_IDS, memoryDeps, NOW, seedPolicy } from "./fixtures";

const approvalPolicy = parsePolicy({
  domains: {
    allow: [{ domain: "partner-company.com", role: "Partner", companyName: "Partner Company" }],
    block: ["gmail.com"],
  },
  issuers: { allow: ["google", "mail"], whenMissing: "block" },
  approval: { when: { notInAllowList: true } },
  requiredAttributes: ["CompanyName"],
  companyMatch: {},
  justification: { minLength: 5 },
  normalizeNames: {},
  enrichment: {
    roleAttribute: "PartnerRole",
    approvedAtAttribute: "ApprovedAt",
    defaultRole: "Guest",
    claims: { jobTitle: "{role} User" },
  },
  rateLimit: { perDomain: 3, windowHours: 1, onStoreError: "failClosed" },
  events: { enabled: true },
});
const policies: Policy[] = [seedPolicy, approvalPolicy, parsePolicy({})];

/** Asserts the response contract (docs/graph-contract.md §6.5) for one decision. */
function assertContract(d: Decision, step: Step): void {
  const r = d.response as Record<string, unknown>;
  assert.equal(typeof r.version, "string");
  assert.ok((r.version as string).length > 0, "version is non-empty");
  assert.equal(d.step, step);
  assert.ok(typeof d.reason === "string" && d.reason.length > 0, "a reason code");
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, "the response is plain JSON");
  switch (r.action) {
    case "Continue":
      assert.equal(d.httpStatus, 200);
      assert.equal(d.reason, "allowed");
      for (const [k, v] of Object.entries(r))
        assert.ok(v !== null && v !== "" && v !== undefined, `claim ${k} is not empty`);
      break;
    case "ShowBlockPage":
      assert.equal(d.httpStatus, 200);
      assert.ok(typeof r.userMessage === "string" && r.userMessage.trim().length > 0);
      break;
    case "ValidationError":
      assert.equal(d.httpStatus, 400);
      assert.equal(r.status, 400);
      assert.equal(step, "postAttributeCollection", "ValidationError only at postAttributeCollection");
      assert.ok(typeof r.userMessage === "string" && r.userMessage.trim().length > 0);
      break;
    default:
      assert.fail(`unknown action ${String(r.action)}`);
  }
}

const step = fc.constantFrom<Step>(...STEPS);
const policy = fc.constantFrom(...policies);
const scalar = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(""),
  fc.constant("   "),
);
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom(
    "ann@partner-company.com",
    " ANN@Partner-Company.COM ",
    "x@gmail.com",
    "a@b@c.com",
    "@partner-company.com",
    "max@bücher.example",
    "max@xn--bcher-kva.example",
    "eve@newco.example",
    "a".repeat(400) + "@x.com",
  ),
  fc
    .tuple(fc.string({ unit: "binary", maxLength: 10 }), fc.string({ unit: "binary", maxLength: 10 }))
    .map(([a, b]) => `${a}@${b}`),
  scalar,
);
const identities = fc.oneof(
  fc.array(
    fc.record(
      {
        signInType: scalar,
        issuer: fc.oneof(fc.constantFrom("google.com", "facebook.com", "mail", "Google"), scalar),
        issuerAssignedId: scalar,
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  ),
  scalar,
  fc.jsonValue(),
);
const realistic = fc.record(
  {
    email,
    identities,
    displayName: scalar,
    givenName: scalar,
    surname: scalar,
    lastName: scalar,
    jobTitle: scalar,
    ui_locales: fc.oneof(fc.constantFrom("en-US", "fr-FR", "fr", "de-DE en", "", "xx_YY;q=1"), scalar),
    [`extension_${APP}_CompanyName`]: fc.oneof(
      fc.constantFrom("Partner Company", " partner  COMPANY "),
      scalar,
    ),
    [`extension_${APP}_Justification`]: fc.oneof(
      fc.constant("I need access for the supplier project."),
      scalar,
    ),
    extension_Justification: scalar,
    version: scalar,
    action: scalar,
    __proto__: fc.jsonValue(),
    constructor: scalar,
  },
  { requiredKeys: [] },
);
const facts = fc.option(
  fc.record(
    {
      rateLimit: fc.record({ allowed: fc.boolean() }),
      approval: fc.record({
        id: fc.string(),
        email: fc.string(),
        domain: fc.string(),
        status: fc.constantFrom<ApprovalRequest["status"]>("pending", "approved", "denied"),
        createdAt: fc.constant(NOW.toISOString()),
      }),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

test("decide never throws and answers contract-valid responses for arbitrary JSON bodies", () => {
  fc.assert(
    fc.property(step, fc.jsonValue(), policy, (s, body, p) => {
      assertContract(decide({ step: s, request: body, policy: p, now: NOW, attributeIds: ATTRIBUTE_IDS }), s);
    }),
    { numRuns: 400 },
  );
});

test("decide never throws and answers contract-valid responses for objects built from realistic claim keys", () => {
  fc.assert(
    fc.property(step, realistic, policy, facts, fc.boolean(), (s, body, p, f, withIds) => {
      const d = decide({
        step: s,
        request: body,
        policy: p,
        now: NOW,
        attributeIds: withIds ? ATTRIBUTE_IDS : {},
        ...(f ? { facts: f } : {}),
      });
      assertContract(d, s);
    }),
    { numRuns: 600 },
  );
});

test("processRequest never rejects and answers contract-valid responses for realistic bodies", async () => {
  await fc.assert(
    fc.asyncProperty(step, realistic, policy, async (s, body, p) => {
      const deps = memoryDeps(p);
      const d = await processRequest(s, body, deps);
      assertContract(d, s);
      assert.equal(deps.logger.decisions.length, 1, "exactly one decision log line");
      assert.ok(deps.events.events.length <= 1, "at most one event");
    }),
    { numRuns: 200 },
  );
});

test("email normalisation is idempotent and case-insensitive in the domain", () => {
  fc.assert(
    fc.property(fc.emailAddress(), (raw) => {
      const once = normalizeEmail(raw);
      if (typeof once === "string") return;
      assert.deepEqual(normalizeEmail(once.email), once);
      const [local, domain] = [raw.slice(0, raw.lastIndexOf("@")), raw.slice(raw.lastIndexOf("@") + 1)];
      assert.deepEqual(normalizeEmail(`  ${local}@${domain.toUpperCase()}\t`), once);
    }),
    { numRuns: 300 },
  );
});

test("the decision depends on the email only through its normalised form", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(
        "ann@partner-company.com",
        "x@gmail.com",
        "eve@unknown.example",
        "bo@eu.trusted-vendor.org",
      ),
      fc.constantFrom(
        (e: string) => e.toUpperCase(),
        (e: string) => ` ${e} `,
        (e: string) => e,
      ),
      step,
      (e, variant, s) => {
        const a = decide({
          step: s,
          request: { email: e },
          policy: seedPolicy,
          now: NOW,
          attributeIds: ATTRIBUTE_IDS,
        });
        const b = decide({
          step: s,
          request: { email: variant(e) },
          policy: seedPolicy,
          now: NOW,
          attributeIds: ATTRIBUTE_IDS,
        });
        assert.equal(a.reason, b.reason);
        assert.equal(a.domain, b.domain);
      },
    ),
  );
});
