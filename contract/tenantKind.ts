/**
 * The two tenant kinds one config can target, and how each is recognised before any write:
 * `GET /organization` → `tenantType` is `AAD` for a workforce tenant (B2X user flows + API connectors) and
 * `CIAM` for an external tenant (Microsoft Entra External ID: authentication events flows + custom
 * authentication extensions). Any other value (`AAD B2C`, or one Graph adds later) stops the deployment.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/organization,
 * https://learn.microsoft.com/entra/external-id/tenant-configurations,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-overview
 */
// Plain constants and functions only (no imports): preflight, settings and the component all read them.

/** `tenant.kind` values. `workforce` is the default and today's behaviour. */
export const TENANT_KINDS = ["workforce", "external"] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

/** The `organization.tenantType` each kind expects. */
export const EXPECTED_TENANT_TYPE: Readonly<Record<TenantKind, string>> = {
  workforce: "AAD",
  external: "CIAM",
};

/** The sign-up product each kind deploys, in Microsoft's words (used in every mismatch message). */
export const SIGN_UP_PRODUCT: Readonly<Record<TenantKind, string>> = {
  workforce: "B2X self-service sign-up user flows and API connectors",
  external: "authentication events flows and custom authentication extensions (Microsoft Entra External ID)",
};

/** How a tenant of each known `tenantType` is named to a person. */
const TENANT_TYPE_NAMES: Readonly<Record<string, string>> = {
  AAD: "a workforce tenant (tenantType AAD)",
  CIAM: "an external (CIAM) tenant (Microsoft Entra External ID, tenantType CIAM)",
  "AAD B2C": "an Azure AD B2C tenant (tenantType AAD B2C)",
};

/** The kind whose tenants report `tenantType`, or `undefined` for `AAD B2C` and unknown values. */
export function tenantKindOf(tenantType: string): TenantKind | undefined {
  return TENANT_KINDS.find((k) => EXPECTED_TENANT_TYPE[k] === tenantType);
}

/** One mismatch between `tenant.kind` and the tenant's `tenantType`: what is wrong, and the fix. */
export interface TenantKindMismatch {
  readonly problem: string;
  readonly fix: string;
}

/**
 * `undefined` when a tenant reporting `tenantType` can take a config for `kind`; otherwise the mismatch,
 * naming the other product (a workforce config on a CIAM tenant is told to set `tenant.kind: external`,
 * and an external config on an AAD tenant is told that B2X is the product there). `AAD B2C` and unknown
 * values always stop: this project deploys neither B2C user flows nor custom policies.
 */
export function tenantKindMismatch(
  kind: TenantKind,
  tenantId: string,
  tenantType: string,
): TenantKindMismatch | undefined {
  if (EXPECTED_TENANT_TYPE[kind] === tenantType) return undefined;
  const other = tenantKindOf(tenantType);
  const is = `tenant ${tenantId} is ${TENANT_TYPE_NAMES[tenantType] ?? `a tenant of unknown kind (tenantType '${tenantType}')`}`;
  if (other === "external")
    return {
      problem: `${is}; ${SIGN_UP_PRODUCT.workforce} don't apply there — it signs customers up with ${SIGN_UP_PRODUCT.external}`,
      fix: "set tenant.kind: external to deploy the same attributes, page and connector policy as an external-tenant sign-up (stacks/README.md), or point tenant.tenantId at your workforce tenant",
    };
  if (other === "workforce")
    return {
      problem: `${is}; ${SIGN_UP_PRODUCT.external} exist only in external tenants — a workforce tenant signs guests up with ${SIGN_UP_PRODUCT.workforce}`,
      fix: "set tenant.kind: workforce (or remove it) to deploy the B2X user flow and API connectors, or point tenant.tenantId at your external tenant",
    };
  return {
    problem: `${is}; this project deploys ${SIGN_UP_PRODUCT.workforce} (tenant.kind workforce, tenantType AAD) or ${SIGN_UP_PRODUCT.external} (tenant.kind external, tenantType CIAM), nothing else`,
    fix: `point tenant.tenantId at ${kind === "external" ? "an external (CIAM)" : "a workforce (AAD)"} tenant`,
  };
}
