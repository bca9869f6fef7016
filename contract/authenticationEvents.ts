/**
 * Who may call the connector's authentication-event routes (custom authentication extensions:
 * OnAttributeCollectionStart, OnAttributeCollectionSubmit, OnTokenIssuanceStart), as both sides compute it:
 * the deploy side writes the expected issuers and key set into app settings, the connector validates every
 * bearer token against exactly those (functions/auth/bearer.ts). docs/external-tenant-contract.md §10.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-overview#protect-your-rest-api,
 * https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud
 */
// Plain constants and functions only (no imports).

/**
 * The Microsoft Entra authentication-events service: the client (`azp` in v2 tokens, `appid` in v1) of
 * every token Entra sends to a custom authentication extension.
 */
export const AUTHENTICATION_EVENTS_APP_ID = "99045fe1-7639-4a75-9d4a-577b6ca3810f";

/** `workforce` (tenantType `AAD`) or `external` (Entra External ID, tenantType `CIAM`). */
export type TokenTenantKind = "workforce" | "external";
export type TokenCloud = "global" | "usgov" | "usgovdod" | "china";

export interface TokenAuthority {
  readonly kind: TokenTenantKind;
  readonly cloud: TokenCloud;
  /** The directory (tenant) id, a GUID. */
  readonly tenantId: string;
  /**
   * External tenants: the label before `.onmicrosoft.com` of the tenant's initial domain (`contoso` for
   * `contoso.onmicrosoft.com`), the documented `{subdomain}.ciamlogin.com` host. @default - only the
   * tenant-id host is accepted
   */
  readonly subdomain?: string;
}

const WORKFORCE_LOGIN_HOST: Readonly<Record<TokenCloud, string>> = {
  global: "login.microsoftonline.com",
  usgov: "login.microsoftonline.us",
  usgovdod: "login.microsoftonline.us",
  china: "login.partner.microsoftonline.cn",
};

/**
 * The exact `iss` values a v2 token from this tenant may carry. Workforce: the cloud's login host. External:
 * Microsoft documents `https://{subdomain}.ciamlogin.com/{tid}/v2.0`, while tokens observed in production
 * carry `https://{tid}.ciamlogin.com/{tid}/v2.0`; both forms are accepted for the configured tenant and
 * nothing else (docs/external-tenant-contract.md §10). A v1 token (`https://sts.windows.net/{tid}/`) never matches.
 */
export function tokenIssuers(authority: TokenAuthority): string[] {
  const tid = authority.tenantId.toLowerCase();
  if (authority.kind === "workforce") return [`https://${WORKFORCE_LOGIN_HOST[authority.cloud]}/${tid}/v2.0`];
  const hosts = [`${tid}.ciamlogin.com`];
  if (authority.subdomain) hosts.unshift(`${authority.subdomain.toLowerCase()}.ciamlogin.com`);
  return hosts.map((host) => `https://${host}/${tid}/v2.0`);
}

/**
 * Where the tenant's signing keys are published. External tenants sign extension tokens with keys that are
 * published only on the tenant-id `ciamlogin.com` host.
 */
export function tokenKeySetUri(authority: TokenAuthority): string {
  const tid = authority.tenantId.toLowerCase();
  const host =
    authority.kind === "workforce" ? WORKFORCE_LOGIN_HOST[authority.cloud] : `${tid}.ciamlogin.com`;
  return `https://${host}/${tid}/discovery/v2.0/keys`;
}
