import assert from "node:assert/strict";
import { test } from "node:test";
import {
  benchAttributeIds,
  benchNow,
  benchPolicy,
  benchRequests,
  benchSignup,
  BENCH_MIX,
} from "../../../functions/engine/bench-fixtures";
import { decide } from "../../../functions/engine/decide";

test("the bench request mix exercises the outcomes its names promise", () => {
  const reasons = Object.fromEntries(
    benchRequests.map((r) => [
      r.name,
      decide({
        step: r.step,
        request: r.body,
        policy: benchPolicy,
        now: benchNow,
        attributeIds: benchAttributeIds,
      }).reason,
    ]),
  );
  assert.deepEqual(reasons, {
    accepted: "allowed",
    "accepted-large-list": "allowed",
    "accepted-subdomain": "allowed",
    prefill: "allowed",
    "blocked-gmail": "domain_blocked",
    "blocked-unknown": "domain_not_allowed",
    "blocked-issuer": "issuer_blocked",
    "invalid-email": "invalid_email",
    "short-justification": "justification_too_short",
    "company-mismatch": "company_mismatch",
  });
});

test("the distinct-email mix gives every request its own email and the promised outcomes", () => {
  const requests = Array.from({ length: 1000 }, (_, i) => benchSignup(i));
  const emails = new Set(requests.map((r) => r.body.email));
  assert.equal(emails.size, requests.length);
  const reasons = requests.slice(0, BENCH_MIX.length).map(
    (r) =>
      decide({
        step: r.step,
        request: r.body,
        policy: benchPolicy,
        now: benchNow,
        attributeIds: benchAttributeIds,
      }).reason,
  );
  assert.deepEqual(reasons, [
    ...Array<string>(5).fill("allowed"),
    "allowed",
    "domain_blocked",
    "domain_not_allowed",
    "justification_too_short",
    "company_mismatch",
  ]);
  const accepted = requests.filter((_, i) => BENCH_MIX[i % BENCH_MIX.length] === "accepted");
  const domains = new Set(accepted.map((r) => String(r.body.email).split("@")[1]));
  assert.ok(domains.size >= 400, `accepted sign-ups spread over ${domains.size} domains`);
});
