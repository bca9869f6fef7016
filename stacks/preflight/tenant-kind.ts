/**
 * The tenant must be of the kind the config targets (`tenant.kind`), read before any write:
 * `GET /organization` → `tenantType` is `AAD` for a workforce tenant (B2X user flows + API connectors) and
 * `CIAM` for an external tenant (authentication events flows + custom authentication extensions). A
 * mismatch names the other product and the `tenant.kind` to set; `AAD B2C` and unknown values stop.
 * https://learn.microsoft.com/graph/api/resources/organization
 */
import { tenantKindMismatch, tenantKindOf, type TenantKind } from "../../contract/tenantKind";
import { NAMESPACE } from "../settings";
import { fail, type Finding } from "./finding";

/**
 * A failure unless `tenantType` is the one `kind` expects; `undefined` tenantType means it could not be
 * read. The key is `tenant.kind` when the tenant is of the other known kind (the fix is usually to set
 * it), `tenant.tenantId` otherwise.
 */
export function checkTenantKind(
  tenantId: string,
  tenantType: string | undefined,
  readError?: string,
  kind: TenantKind = "workforce",
): Finding[] {
  if (tenantType === undefined) {
    return [
      fail(
        "tenant kind",
        `cannot read the kind of tenant ${tenantId} (GET /organization): ${readError ?? "no organization returned"}`,
        "grant Organization.Read.All to the deploying identity (docs/permissions.md), or check tenant.tenantId",
        `${NAMESPACE}:tenant.tenantId`,
      ),
    ];
  }
  const mismatch = tenantKindMismatch(kind, tenantId, tenantType);
  if (mismatch === undefined) return [];
  const key = tenantKindOf(tenantType) === undefined ? "tenant.tenantId" : "tenant.kind";
  return [fail("tenant kind", mismatch.problem, mismatch.fix, `${NAMESPACE}:${key}`)];
}
