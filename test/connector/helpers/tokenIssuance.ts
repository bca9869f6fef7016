/**
 * OnTokenIssuanceStart requests as Entra sends them (docs/external-tenant-contract.md §9.2, §9.7), the
 * `tokenClaims` config the route tests use, and the settings that switch the route on.
 */
import type { TokenClaimsInput } from "../../../contract/tokenClaims";
import { ATTRIBUTE_IDS, EXTENSIONS_APP_ID, seedPolicy, SECRETS } from "./fixtures";

/** The extension API's appId: `aud` of every token. */
export const API_APP_ID = "5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10";
export const CLIENT_APP_ID = "7d3e1f5a-9b2c-4e8d-a1f0-6c5b4a3d2e1f";

/** `PartnerRole` from the enrichment's role attribute, `partnerTier` from a domain table. */
export const TOKEN_CLAIMS: TokenClaimsInput = {
  claims: [
    { id: "PartnerRole", jwtClaimType: "partner_role", source: { attribute: "PartnerRole" } },
    {
      id: "partnerTier",
      source: {
        domainTable: {
          entries: [
            { domain: "partner-company.com", value: "gold" },
            { domain: "trusted-vendor.org", includeSubdomains: true, value: ["silver", "vendor"] },
            { domain: "labs.trusted-vendor.org", value: "silver-labs" },
          ],
          default: "standard",
        },
      },
    },
  ],
  appIds: [CLIENT_APP_ID],
};

/** Settings of a memory-storage local host serving the route for `issuers` and `keySetUri`. */
export function tokenIssuanceEnv(
  tenantId: string,
  issuers: readonly string[],
  keySetUri: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    SIGNUP_POLICY: JSON.stringify(seedPolicy()),
    SIGNUP_ATTRIBUTE_IDS: JSON.stringify(ATTRIBUTE_IDS),
    SIGNUP_EXTENSIONS_APP_ID: EXTENSIONS_APP_ID,
    CONNECTOR_AUTH_MODE: "basic",
    CONNECTOR_BASIC_USERNAME: SECRETS.username,
    CONNECTOR_BASIC_PASSWORD: SECRETS.password,
    AUTH_EVENTS_TENANT_ID: tenantId,
    AUTH_EVENTS_API_APP_ID: API_APP_ID,
    AUTH_EVENTS_ISSUERS: issuers.join(","),
    AUTH_EVENTS_KEY_SET_URI: keySetUri,
    AUTH_EVENTS_TOKEN_CLAIMS: JSON.stringify(TOKEN_CLAIMS),
    ...overrides,
  };
}

/** An OnTokenIssuanceStart request body for `user` (any subset of Graph's user fields). */
export function tokenIssuanceStart(
  tenantId: string,
  user: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return {
    type: "microsoft.graph.authenticationEvent.tokenIssuanceStart",
    source: `/tenants/${tenantId}/applications/${CLIENT_APP_ID}`,
    data: {
      "@odata.type": "microsoft.graph.onTokenIssuanceStartCalloutData",
      tenantId,
      authenticationEventListenerId: "0f2a9a2e-3b1c-4d5e-8f70-1a2b3c4d5e6f",
      customAuthenticationExtensionId: "1e3b8b3f-4c2d-4e6f-9a81-2b3c4d5e6f70",
      authenticationContext: {
        correlationId: "2f4c9c40-5d3e-4f70-8b92-3c4d5e6f7081",
        client: { ip: "2a0d:0000:0000:0000:0000:0000:e02d:78d3", locale: "en-us", market: "en-us" },
        protocol: "OAUTH2.0",
        clientServicePrincipal: {
          id: "3a5dad51-6e4f-4081-9ca3-4d5e6f708192",
          appId: CLIENT_APP_ID,
          appDisplayName: "Partner Portal",
          displayName: "Partner Portal",
        },
        resourceServicePrincipal: {
          id: "4b6ebe62-7f50-4192-8db4-5e6f708192a3",
          appId: "00000003-0000-0000-c000-000000000000",
          appDisplayName: "Microsoft Graph",
          displayName: "Microsoft Graph",
        },
        ...(user === undefined ? {} : { user }),
      },
    },
  };
}

/** The answer Entra expects for `claims`. */
export function provideClaims(claims: Record<string, unknown>): Record<string, unknown> {
  return {
    data: {
      "@odata.type": "microsoft.graph.onTokenIssuanceStartResponseData",
      actions: [{ "@odata.type": "microsoft.graph.tokenIssuanceStart.provideClaimsForToken", claims }],
    },
  };
}
