import assert from "node:assert/strict";
import { test } from "node:test";
import {
  benchAttributeIds,
  benchNow,
  benchPolicy,
  benchRequests,
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
