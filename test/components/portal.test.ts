/**
 * The stack's `portalLinks` output: links into the admin center of the stack's own cloud, and none at
 * all when Graph is the local emulator (its fake tenant has no portal; a link would open a real one).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { portalLinks } from "../../components/signup/portal";

const TENANT = "00000000-0000-4000-8000-000000000001";

test("portal links open the tenant in its own cloud's admin center", () => {
  const global = portalLinks({ cloud: "global", tenantId: TENANT });
  assert.equal(
    global?.userFlows,
    `https://portal.azure.com/${TENANT}/#view/Microsoft_AAD_IAM/CompanyRelationshipsMenuBlade/~/UserFlows`,
  );
  assert.ok(global?.appRegistrations.startsWith(`https://entra.microsoft.com/${TENANT}/`));
  const china = portalLinks({
    cloud: "china",
    tenantId: TENANT,
    baseUrl: "https://microsoftgraph.chinacloudapi.cn",
  });
  assert.ok(china?.userFlows.startsWith(`https://portal.azure.cn/${TENANT}/`));
});

test("a loopback Graph emulator gets no portal links, whatever its tenant id", () => {
  for (const baseUrl of ["http://127.0.0.1:4000", "http://localhost:4100", "http://[::1]:4000"])
    assert.equal(portalLinks({ cloud: "global", tenantId: TENANT, baseUrl }), undefined, baseUrl);
});
