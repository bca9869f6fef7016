/**
 * The tenant must be a workforce tenant: B2X self-service sign-up (user flows + API connectors) exists
 * only there. `GET /organization` → `tenantType`: `AAD` (workforce), `AAD B2C`, or `CIAM` (a Microsoft
 * Entra External ID external tenant). https://learn.microsoft.com/graph/api/resources/organization
 */
import { NAMESPACE } from "../settings";
import { fail, type Finding } from "./finding";

const OTHER_KINDS: Readonly<Record<string, string>> = {
  CIAM: "a Microsoft Entra External ID external tenant (tenantType CIAM)",
  "AAD B2C": "an Azure AD B2C tenant (tenantType AAD B2C)",
};

/** A failure unless `tenantType` is `AAD`; `undefined` tenantType means it could not be read. */
export function checkTenantKind(
  tenantId: string,
  tenantType: string | undefined,
  readError?: string,
): Finding[] {
  const key = `${NAMESPACE}:tenant.tenantId`;
  if (tenantType === undefined) {
    return [
      fail(
        "tenant kind",
        `cannot read the kind of tenant ${tenantId} (GET /organization): ${readError ?? "no organization returned"}`,
        "grant Organization.Read.All to the deploying identity (docs/permissions.md), or check tenant.tenantId",
        key,
      ),
    ];
  }
  if (tenantType === "AAD") return [];
  const kind = OTHER_KINDS[tenantType] ?? `a tenant of unknown kind '${tenantType}'`;
  return [
    fail(
      "tenant kind",
      `tenant ${tenantId} is ${kind}; B2X self-service sign-up user flows and API connectors exist only in workforce tenants (tenantType AAD)`,
      tenantType === "CIAM"
        ? "point tenant.tenantId at your workforce tenant; external tenants sign customers up with authenticationEventsFlows, which this project does not deploy"
        : "point tenant.tenantId at your workforce tenant",
      key,
    ),
  ];
}
