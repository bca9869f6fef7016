/**
 * The arguments of `SelfServiceSignUp` for external tenants (`tenantKind: "external"`) and for token
 * claims (both kinds). Validated with the rest of the arguments (components/signup/tenantKindChecks.ts);
 * the schemas they must satisfy are contract/extensionSettings.ts and contract/tokenClaims.ts.
 */
import type { AttachVariant } from "../../contract/extensionSettings";

/**
 * How Entra calls the sign-up custom authentication extensions (OnAttributeCollectionStart/Submit) of an
 * external tenant: their `clientConfiguration`, and how they are attached to the events flow. Refused in
 * a workforce tenant. Learn: https://learn.microsoft.com/graph/api/resources/customextensionclientconfiguration
 */
export interface SelfServiceSignUpExtensionArgs {
  /**
   * How long Entra waits for the connector's answer, in milliseconds, 200–2000. A sign-up fails when it
   * times out (error 1003005). @default 1000
   */
  readonly timeoutInMilliseconds?: number;
  /** How many times Entra retries a failed call: 0 or 1. @default 1 */
  readonly maximumRetries?: 0 | 1;
  /**
   * How the Start/Submit extensions are attached to the flow: `betaRef` (PUT the extension `$ref` on the
   * flow's handler, beta), `betaListener` (a beta attribute-collection listener) or `v1Patch` (PATCH the
   * flow's handler, v1.0). Learn: https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow
   * @default "betaRef"
   */
  readonly attachVariant?: AttachVariant;
}

/** A claim value: a non-empty string, or a non-empty array of non-empty strings (Entra accepts nothing else). */
export type TokenClaimValueArgs = string | readonly string[];

/** A value per email domain, matched like the connector policy's domain lists (most specific wins). */
export interface TokenClaimDomainTableArgs {
  readonly entries: readonly {
    /** `example.com` (that domain) or `*.example.com` (its subdomains). */
    readonly domain: string;
    /** Also match every subdomain of `domain`. @default false */
    readonly includeSubdomains?: boolean;
    readonly value: TokenClaimValueArgs;
  }[];
  /** The value for any other domain. @default - the claim is left out of the token */
  readonly default?: TokenClaimValueArgs;
}

/** One claim added to the tokens at OnTokenIssuanceStart. */
export interface TokenClaimArgs {
  /**
   * The key in the connector's answer (`claimIdInApiResponse`) and the claims mapping policy's `ID`:
   * case-sensitive, 1–128 characters, never empty (error 1003026).
   */
  readonly id: string;
  /** The claim's name in the token; not one of the claims Entra issues itself (`tid`, `roles`, …). @default - the id */
  readonly jwtClaimType?: string;
  /**
   * Where the value comes from, exactly one of: `attribute`, a custom attribute (logical name, declared
   * in `attributes`) that the connector policy's enrichment writes (`roleAttribute`,
   * `approvedAtAttribute` or a key of `enrichment.attributes`); `domainTable`, a value per email domain.
   */
  readonly source: {
    /** A custom attribute (logical name) the connector policy's enrichment writes. @default - none */
    readonly attribute?: string;
    /** A value per email domain. @default - none */
    readonly domainTable?: TokenClaimDomainTableArgs;
  };
}

/**
 * Claims added to the tokens of the listed applications by a custom authentication extension at
 * OnTokenIssuanceStart, through a claims mapping policy (`Source: CustomClaimsProvider`). Every value is
 * known at deploy time, so the worst-case answer is checked against Entra's 3 KB limit (error 1003025)
 * before anything is deployed. Not in the China cloud. In an external tenant every app must also be in
 * `apps.appIds` (the sign-up flow it signs in through).
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-claims-provider-overview
 */
export interface TokenClaimsArgs {
  /** At least one claim; ids and token names unique. */
  readonly claims: readonly TokenClaimArgs[];
  /**
   * Client ids (appId GUIDs) of the applications whose tokens get the claims: the client app for ID
   * tokens, the resource app for access tokens.
   */
  readonly appIds: readonly string[];
}
