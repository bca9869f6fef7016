import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

/** One claim a token issuance start extension returns, and its name in the token. */
export interface MappedClaimArgs {
  /** The key the extension's API returns; case-sensitive, non-empty (Entra error 1003026). */
  readonly id: string;
  /** The claim's name in the token. @default - the id */
  readonly jwtClaimType?: string;
}

export interface ClaimsMappingPolicyArgs extends GraphResourceArgs {
  /** Display name of the policy. */
  readonly displayName: pulumi.Input<string>;
  /** The claims to map from the extension (`Source: CustomClaimsProvider`), in this order. */
  readonly claims: pulumi.Input<MappedClaimArgs[]>;
  /**
   * Client ids (appId) of the apps whose service principals get the policy. An app whose service principal
   * already has another claims mapping policy is refused, naming that policy.
   */
  readonly appIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over a policy with the same display name instead of creating another. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * A claims mapping policy that puts the extension's claims into tokens, assigned to each app's service
 * principal; never the organization default
 * (https://learn.microsoft.com/graph/api/serviceprincipal-post-claimsmappingpolicies).
 */
export class ClaimsMappingPolicy extends GraphResource {
  declare readonly policyId: pulumi.Output<string>;
  /** Service principal object id of each app, in `appIds` order. */
  declare readonly servicePrincipalIds: pulumi.Output<string[]>;

  constructor(name: string, args: ClaimsMappingPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super("ClaimsMappingPolicy", name, ["policyId", "servicePrincipalIds"], args, opts);
  }
}
