/**
 * The tenant kind a config targets against the tenantType Graph reports: a match passes, a mismatch
 * names the other product and the key to set, and B2C or unknown types always stop.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  EXPECTED_TENANT_TYPE,
  TENANT_KINDS,
  tenantKindMismatch,
  tenantKindOf,
} from "../../contract/tenantKind";

const tenantId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

test("each kind accepts exactly the tenantType it expects", () => {
  assert.deepEqual(TENANT_KINDS, ["workforce", "external"]);
  assert.deepEqual(EXPECTED_TENANT_TYPE, { workforce: "AAD", external: "CIAM" });
  for (const kind of TENANT_KINDS) {
    assert.equal(tenantKindMismatch(kind, tenantId, EXPECTED_TENANT_TYPE[kind]), undefined);
    assert.equal(tenantKindOf(EXPECTED_TENANT_TYPE[kind]), kind);
  }
});

test("a workforce config on a CIAM tenant names the external product and tells to set tenant.kind: external", () => {
  const m = tenantKindMismatch("workforce", tenantId, "CIAM");
  assert.ok(m);
  assert.match(m.problem, /is an external \(CIAM\) tenant/);
  assert.match(m.problem, /B2X self-service sign-up user flows and API connectors don't apply there/);
  assert.match(m.problem, /authentication events flows and custom authentication extensions/);
  assert.match(m.fix, /set tenant\.kind: external/);
});

test("an external config on an AAD tenant names the B2X product and tells to set tenant.kind: workforce", () => {
  const m = tenantKindMismatch("external", tenantId, "AAD");
  assert.ok(m);
  assert.match(m.problem, /is a workforce tenant \(tenantType AAD\)/);
  assert.match(m.problem, /signs guests up with B2X self-service sign-up user flows and API connectors/);
  assert.match(m.fix, /set tenant\.kind: workforce/);
});

test("Azure AD B2C and unknown tenant types stop either kind", () => {
  for (const kind of TENANT_KINDS) {
    const b2c = tenantKindMismatch(kind, tenantId, "AAD B2C");
    assert.match(b2c?.problem ?? "", /an Azure AD B2C tenant/);
    const unknown = tenantKindMismatch(kind, tenantId, "Something");
    assert.match(unknown?.problem ?? "", /unknown kind \(tenantType 'Something'\)/);
    assert.doesNotMatch(unknown?.fix ?? "", /tenant\.kind/, "no kind fits, so no kind is suggested");
  }
  assert.equal(tenantKindOf("AAD B2C"), undefined);
  assert.equal(tenantKindOf("aad"), undefined, "tenantType is compared exactly");
});
