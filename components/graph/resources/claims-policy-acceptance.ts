import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export interface MappedClaimsAcceptanceArgs extends GraphResourceArgs {
  /**
   * Client id of a single-tenant app (signInAudience `AzureADMyOrg`). A multi-tenant app is refused at
   * preview, with the reason and the alternative (a custom signing key). Another app replaces the resource.
   */
  readonly appId: pulumi.Input<string>;
}

/**
 * `api.acceptMappedClaims: true` (with v2 access tokens) on a single-tenant app, so it accepts tokens
 * carrying claims from a claims mapping policy; the values found are put back on delete
 * (https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration).
 */
export class MappedClaimsAcceptance extends GraphResource {
  declare readonly applicationObjectId: pulumi.Output<string>;
  declare readonly signInAudience: pulumi.Output<string>;

  constructor(name: string, args: MappedClaimsAcceptanceArgs, opts?: pulumi.CustomResourceOptions) {
    super("MappedClaimsAcceptance", name, ["applicationObjectId", "signInAudience"], args, opts);
  }
}
