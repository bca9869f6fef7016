/** Custom rules: typed outcomes, per-rule time budgets, and the identity-verification example. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CustomRule } from "../../../functions/engine/custom-rule";
import {
  identityVerificationRule,
  type IdentityVerifier,
} from "../../../functions/engine/examples/identity-verification";
import { processRequest } from "../../../functions/engine/pipeline";
import { ATTRIBUTE_IDS, memoryDeps, partnerRequest, policyWith } from "./fixtures";

const claimsOf = (d: { response: unknown }) => d.response as Record<string, unknown>;

/**
 * A verifier that answers after `delayMs` (or never: then only the rule's time budget can end the call),
 * and records whether it saw the abort.
 */
function fakeVerifier(status: "verified" | "rejected" | "review", delayMs: number | "never" = 0) {
  const seen = { aborted: false, calls: 0 };
  const verifier: IdentityVerifier = {
    verify: ({ signal }) =>
      new Promise((resolve) => {
        seen.calls++;
        const timer =
          delayMs === "never"
            ? undefined
            : setTimeout(() => resolve({ status, reference: "case-42" }), delayMs);
        signal.addEventListener("abort", () => {
          seen.aborted = true;
          clearTimeout(timer);
        });
      }),
  };
  return { verifier, seen };
}

test("the identity-verification example continues and stores its reference under the attribute's claim key", async () => {
  const { verifier } = fakeVerifier("verified");
  const deps = memoryDeps(undefined, {
    customRules: [identityVerificationRule({ verifier, referenceAttribute: "PartnerRole" })],
  });
  const d = await processRequest("postAttributeCollection", partnerRequest(), deps);
  assert.equal(d.reason, "allowed");
  assert.equal(
    claimsOf(d)[ATTRIBUTE_IDS.PartnerRole!],
    "case-42",
    "a custom rule's claims win over enrichment",
  );
  assert.equal(claimsOf(d).jobTitle, "Partner User", "built-in claims are kept");
});

test("the example blocks a rejected identity with a localised message and the custom_rule reason", async () => {
  const { verifier } = fakeVerifier("rejected");
  const deps = memoryDeps(undefined, { customRules: [identityVerificationRule({ verifier })] });
  const d = await processRequest("postAttributeCollection", partnerRequest({ ui_locales: "fr-FR" }), deps);
  assert.equal(d.reason, "custom_rule:identity_verification");
  assert.equal(d.response.action, "ShowBlockPage");
  assert.equal(claimsOf(d).userMessage, "Nous n'avons pas pu vérifier votre identité.");
  assert.equal(deps.events.events[0]?.reason, "custom_rule:identity_verification");
});

test("a slow rule is cut off at its timeout and blocks when onTimeout is block; the call is aborted", async () => {
  // The verifier never answers, so the decision can only come from the 50 ms budget running out.
  const { verifier, seen } = fakeVerifier("verified", "never");
  const deps = memoryDeps(undefined, {
    customRules: [identityVerificationRule({ verifier, timeoutMs: 50 })],
  });
  const d = await processRequest("postAttributeCollection", partnerRequest(), deps);
  assert.equal(seen.calls, 1);
  assert.equal(d.reason, "custom_rule:identity_verification");
  assert.equal(d.response.action, "ShowBlockPage");
  assert.ok(seen.aborted, "the rule's signal was aborted");
  assert.match(deps.logger.warnings[0]?.message ?? "", /timed out; block/);
});

test("a slow rule with onTimeout continue is skipped and the sign-up continues", async () => {
  const { verifier } = fakeVerifier("rejected", 5_000);
  const deps = memoryDeps(undefined, {
    customRules: [identityVerificationRule({ verifier, timeoutMs: 30, onTimeout: "continue" })],
  });
  const d = await processRequest("postAttributeCollection", partnerRequest(), deps);
  assert.equal(d.reason, "allowed");
});

test("a throwing rule or a malformed outcome is treated like a timeout", async () => {
  const throwing: CustomRule = {
    name: "crm",
    steps: ["postAttributeCollection"],
    timeoutMs: 100,
    onTimeout: "block",
    evaluate: () => Promise.reject(new Error("crm down")),
  };
  const garbage: CustomRule = {
    ...throwing,
    name: "garbage",
    evaluate: () => Promise.resolve({ nope: 1 } as never),
  };
  for (const rule of [throwing, garbage]) {
    const deps = memoryDeps(undefined, { customRules: [rule] });
    const d = await processRequest("postAttributeCollection", partnerRequest(), deps);
    assert.equal(d.reason, `custom_rule:${rule.name}`);
    assert.match(deps.logger.warnings[0]?.message ?? "", /failed; block/);
  }
});

test("custom rules only run on their steps, after built-in rules pass, and can ask for a ValidationError", async () => {
  let calls = 0;
  const rule: CustomRule = {
    name: "vat",
    steps: ["postAttributeCollection", "postFederationSignup"],
    timeoutMs: 100,
    onTimeout: "block",
    evaluate: (ctx) => {
      calls++;
      assert.equal(ctx.email, "ann.lee@partner-company.com");
      assert.equal(ctx.attribute("CompanyName"), "Partner Company");
      return Promise.resolve({ action: "validationError", message: "Please enter your VAT number." });
    },
  };
  const deps = memoryDeps(undefined, { customRules: [rule] });
  await processRequest("postAttributeCollection", partnerRequest({ email: "x@gmail.com" }), deps);
  assert.equal(calls, 0, "a request the domain rule refused never reaches custom rules");
  const d = await processRequest("postAttributeCollection", partnerRequest(), deps);
  assert.equal(d.httpStatus, 400);
  assert.deepEqual(d.response, {
    version: "1.0.0",
    action: "ValidationError",
    status: 400,
    userMessage: "Please enter your VAT number.",
    code: "custom_rule:vat",
  });
  const fed = await processRequest("postFederationSignup", partnerRequest(), deps);
  assert.equal(fed.response.action, "ShowBlockPage", "no ValidationError at postFederationSignup");
  assert.equal(fed.httpStatus, 200);
});

test("a custom rule's default message comes from the policy catalogue (custom_rule:<name>)", async () => {
  const policy = policyWith({
    messages: { fallbackLocale: "en", locales: { en: { "custom_rule:sanctions": "Blocked by screening." } } },
  });
  const rule: CustomRule = {
    name: "sanctions",
    steps: ["postAttributeCollection"],
    timeoutMs: 100,
    onTimeout: "block",
    evaluate: () => Promise.resolve({ action: "block" }),
  };
  const d = await processRequest(
    "postAttributeCollection",
    partnerRequest(),
    memoryDeps(policy, { customRules: [rule] }),
  );
  assert.equal(claimsOf(d).userMessage, "Blocked by screening.");
});

test("claim names like __proto__ and constructor are returned as own claims, never touch a prototype", async () => {
  const rule: CustomRule = {
    name: "odd_claims",
    steps: ["postAttributeCollection"],
    timeoutMs: 1_000,
    onTimeout: "block",
    evaluate: () =>
      Promise.resolve({ action: "continue", claims: JSON.parse('{"__proto__":"p","constructor":"c"}') }),
  };
  const d = await processRequest(
    "postAttributeCollection",
    partnerRequest(),
    memoryDeps(undefined, { customRules: [rule] }),
  );
  assert.equal(d.reason, "allowed");
  const body = JSON.parse(JSON.stringify(d.response)) as Record<string, unknown>;
  assert.equal(Object.getOwnPropertyDescriptor(body, "__proto__")?.value, "p");
  assert.equal(body.constructor, "c");
  assert.equal(Object.getPrototypeOf(d.response), Object.prototype);
});
