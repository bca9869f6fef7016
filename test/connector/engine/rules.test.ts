/** Each built-in rule and each contract response, through `decide` with focused policies. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { needs } from "../../../functions/engine/decide";
import { DEFAULT_MESSAGES } from "../../../functions/engine/messages";
import { REASON_CODES } from "../../../contract/policy/reasons";
import type { ApprovalRequest } from "../../../functions/engine/types";
import { parsePolicy, type Policy } from "../../../contract/policy/load";
import { ATTRIBUTE_IDS, NOW, partnerRequest, run, seedPolicy } from "./fixtures";

const approval = (status: ApprovalRequest["status"]): ApprovalRequest => ({
  id: "r1",
  email: "eve@newco.example",
  domain: "newco.example",
  status,
  createdAt: NOW.toISOString(),
  ...(status === "pending" ? {} : { decidedAt: "2026-03-02T00:00:00.000Z", decidedBy: "admin" }),
});

test("a body that is not a JSON object gets a bad_request block page", () => {
  for (const body of [null, [], "text", 42, true, undefined]) {
    const d = run("postAttributeCollection", body);
    assert.equal(d.reason, "bad_request", JSON.stringify(body));
    assert.equal(d.response.action, "ShowBlockPage");
    assert.equal(d.httpStatus, 200);
  }
});

test("a missing or malformed email gets a block page, never a ValidationError (the user cannot edit it)", () => {
  assert.equal(run("postAttributeCollection", { displayName: "x" }).reason, "missing_email");
  const d = run("postAttributeCollection", partnerRequest({ email: "a@b@partner-company.com" }));
  assert.equal(d.reason, "invalid_email");
  assert.equal(d.response.action, "ShowBlockPage");
});

test("an unknown step gets a bad_request block page instead of an exception", () => {
  const d = run("preTokenIssuance" as never, partnerRequest());
  assert.equal(d.reason, "bad_request");
  assert.equal(d.response.action, "ShowBlockPage");
});

test("the block-list wins over the allow-list and applies to IDN, mixed case and subdomain forms", () => {
  const policy = parsePolicy({
    domains: {
      allow: [{ domain: "bücher.example", includeSubdomains: true }],
      block: ["*.spam.bücher.example"],
    },
  });
  assert.equal(run("postFederationSignup", { email: "A@BÜCHER.example" }, policy).reason, "allowed");
  assert.equal(run("postFederationSignup", { email: "a@xn--bcher-kva.example" }, policy).reason, "allowed");
  assert.equal(run("postFederationSignup", { email: "a@shop.bücher.example" }, policy).reason, "allowed");
  const blocked = run("postFederationSignup", { email: " a@x.SPAM.xn--bcher-kva.example " }, policy);
  assert.equal(blocked.reason, "domain_blocked");
  assert.equal(blocked.domain, "x.spam.xn--bcher-kva.example");
});

test("a block-list alone lets every other domain through", () => {
  const policy = parsePolicy({ domains: { block: ["gmail.com"] } });
  assert.equal(run("postAttributeCollection", { email: "a@anything.example" }, policy).reason, "allowed");
  assert.equal(run("postAttributeCollection", { email: "a@GMAIL.com" }, policy).reason, "domain_blocked");
});

test("issuer block-list matches identities[].issuer case-insensitively by contains", () => {
  const policy = parsePolicy({ issuers: { block: ["facebook"] } });
  const fb = {
    email: "a@x.example",
    identities: [{ signInType: "federated", issuer: "Facebook.com", issuerAssignedId: "1" }],
  };
  assert.equal(run("postFederationSignup", fb, policy).reason, "issuer_blocked");
  assert.equal(
    run("postAttributeCollection", fb, policy).reason,
    "issuer_blocked",
    "email OTP users may skip step 1",
  );
  assert.equal(run("postFederationSignup", { email: "a@x.example" }, policy).reason, "allowed");
});

test("issuer allow-list: a non-matching issuer is refused, and so is a request without identities", () => {
  const policy = parsePolicy({ issuers: { allow: ["google", "mail"], steps: ["postFederationSignup"] } });
  const with_ = (issuer: string) => ({ email: "a@x.example", identities: [{ issuer }] });
  assert.equal(run("postFederationSignup", with_("google.com"), policy).reason, "allowed");
  assert.equal(run("postFederationSignup", with_("facebook.com"), policy).reason, "issuer_not_allowed");
  assert.equal(
    run("postAttributeCollection", with_("facebook.com"), policy).reason,
    "allowed",
    "steps limit the rule",
  );
  assert.equal(
    run("postFederationSignup", { email: "a@x.example" }, policy).reason,
    "issuer_not_allowed",
    "an allow-list fails closed without identities",
  );
  const strict = parsePolicy({ issuers: { allow: ["google"], whenMissing: "block" } });
  assert.equal(
    run("postFederationSignup", { email: "a@x.example", identities: "junk" }, strict).reason,
    "issuer_not_allowed",
  );
});

test("a validation failure at postFederationSignup becomes a block page (that step has no form to correct)", () => {
  const policy = parsePolicy({ requiredAttributes: ["CompanyName"] });
  assert.equal(
    run("postFederationSignup", { email: "a@x.example" }, policy).reason,
    "allowed",
    "attributes are not collected yet",
  );
  assert.equal(run("postAttributeCollection", { email: "a@x.example" }, policy).httpStatus, 400);
});

const approvalPolicy: Policy = parsePolicy({
  domains: { allow: [{ domain: "partner-company.com", role: "Partner" }] },
  approval: { when: { notInAllowList: true }, pendingMessage: "Your sign-up request is pending approval." },
  enrichment: { roleAttribute: "PartnerRole", approvedAtAttribute: "ApprovedAt", defaultRole: "External" },
  rateLimit: { perDomain: 2, windowHours: 24, onStoreError: "failClosed" },
});

test("needs: approval and rate-limit look-ups apply at postAttributeCollection only, keyed by normalised email", () => {
  const input = { policy: approvalPolicy, now: NOW, attributeIds: ATTRIBUTE_IDS };
  assert.deepEqual(
    needs({ ...input, step: "postFederationSignup", request: { email: "Eve@NewCo.example" } }),
    {},
  );
  assert.deepEqual(
    needs({
      ...input,
      step: "postAttributeCollection",
      request: { email: " Eve@NewCo.example", displayName: "Eve" },
    }),
    {
      approval: { email: "eve@newco.example", domain: "newco.example", displayName: "Eve" },
      rateLimit: { domain: "newco.example", email: "eve@newco.example", limit: 2, windowMs: 86_400_000 },
    },
  );
  assert.deepEqual(
    needs({ ...input, step: "postAttributeCollection", request: { email: "ann@partner-company.com" } })
      .approval,
    undefined,
  );
  assert.deepEqual(needs({ ...input, step: "postAttributeCollection", request: { email: "bad" } }), {});
  assert.deepEqual(needs({ ...input, step: "postAttributeCollection", request: null }), {});
});

test("approval: a domain outside the allow-list continues past step 1, then pending → block, denied → block, approved → continue", () => {
  const req = { email: "eve@newco.example" };
  assert.equal(run("postFederationSignup", req, approvalPolicy).reason, "allowed");
  const pending = run("postAttributeCollection", req, approvalPolicy, {
    facts: { approval: approval("pending") },
  });
  assert.equal(pending.reason, "pending_approval");
  assert.equal(pending.response.userMessage, "Your sign-up request is pending approval.");
  assert.equal(
    run("postAttributeCollection", req, approvalPolicy, { facts: { approval: approval("denied") } }).reason,
    "approval_denied",
  );
  const ok = run("postAttributeCollection", req, approvalPolicy, {
    facts: { approval: approval("approved"), rateLimit: { allowed: true } },
  });
  assert.equal(ok.reason, "allowed");
  assert.equal(ok.response[ATTRIBUTE_IDS.PartnerRole!], "External");
  assert.equal(
    ok.response[ATTRIBUTE_IDS.ApprovedAt!],
    "2026-03-02T00:00:00.000Z",
    "the reviewer's decision time",
  );
});

test("storage facts that are missing fail safe: approval always closed, rate limit per onStoreError", () => {
  const req = { email: "eve@newco.example" };
  assert.equal(run("postAttributeCollection", req, approvalPolicy).reason, "store_unavailable");
  const closed = run("postAttributeCollection", { email: "ann@partner-company.com" }, approvalPolicy);
  assert.equal(closed.reason, "store_unavailable");
  assert.equal(
    run("postAttributeCollection", partnerRequest(), seedPolicy).reason,
    "allowed",
    "seed fails open",
  );
});

test("rate-limit fact refused → rate_limited block page", () => {
  const d = run("postAttributeCollection", partnerRequest(), seedPolicy, {
    facts: { rateLimit: { allowed: false } },
  });
  assert.equal(d.reason, "rate_limited");
  assert.equal(d.response.action, "ShowBlockPage");
  assert.equal(d.httpStatus, 200);
});

test("decide never throws on a garbage policy: it answers internal_error", () => {
  const d = run("postAttributeCollection", partnerRequest(), { nonsense: true } as unknown as Policy);
  assert.equal(d.reason, "internal_error");
  assert.equal(d.response.action, "ShowBlockPage");
  assert.ok(String(d.response.userMessage).length > 0);
});

test("claims never overwrite the envelope, email or identities", () => {
  const policy = parsePolicy({ normalizeNames: {} });
  const d = run(
    "postAttributeCollection",
    { email: "a@x.example", action: "ShowBlockPage", version: 3 },
    policy,
  );
  assert.equal(d.response.action, "Continue");
  assert.equal(d.response.version, "1.0.0");
  assert.equal(d.response.email, undefined);
});

test("every reason code has a description and a default English message", () => {
  for (const [code, description] of Object.entries(REASON_CODES)) {
    assert.ok(description.length > 10, code);
    assert.ok(code in DEFAULT_MESSAGES, code);
  }
});
