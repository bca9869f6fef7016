/**
 * `/organization`: the tenant's one organization object, read to tell a workforce tenant (`tenantType`
 * `AAD`) from Azure AD B2C and Microsoft Entra External ID external tenants (`CIAM`).
 * https://learn.microsoft.com/graph/api/resources/organization
 */
import { collection, type RequestContext, type Route } from "../context";
import { applySelect } from "../odata";

function listOrganization(ctx: RequestContext) {
  const tenantId = ctx.store.state.tenantId;
  const initial = `emulated${tenantId.replace(/-/g, "").slice(0, 8)}.onmicrosoft.com`;
  const org: Record<string, unknown> = {
    id: tenantId,
    displayName: "Emulated tenant",
    tenantType: ctx.tenant.tenantType,
    verifiedDomains: [
      {
        capabilities: "Email, OfficeCommunicationsOnline",
        isDefault: true,
        isInitial: true,
        name: initial,
        type: "Managed",
      },
    ],
  };
  return collection(ctx, "organization", [applySelect(org, ctx.query.get("$select"))]);
}

/** Routes of the organization object. */
export const organizationRoutes: Route[] = [{ pattern: "/organization", methods: { GET: listOrganization } }];
