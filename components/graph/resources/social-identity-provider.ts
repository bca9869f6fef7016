import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export type SocialIdentityProviderType = "Google" | "Facebook";

export interface SocialIdentityProviderArgs extends GraphResourceArgs {
  /** Google or Facebook. Changing it replaces the provider. */
  readonly type: pulumi.Input<SocialIdentityProviderType>;
  /** OAuth client id issued by Google/Facebook. */
  readonly clientId: pulumi.Input<string>;
  /** OAuth client secret. Stored only as a secret. */
  readonly clientSecret: pulumi.Input<string>;
  /** Name shown on the sign-in page. @default the type ("Google" / "Facebook") */
  readonly displayName?: pulumi.Input<string>;
  /** Take over the tenant's existing provider of this type instead of failing. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
  /**
   * What adopting (`adoptExisting` taking over a provider made by hand) does with `clientSecret`, which
   * Graph never returns (it reads `******`): `"trust"` records it as the one the provider holds and sends
   * nothing (the `up` output names it once); `"write"` sends it once. Set `"write"` later to send a secret
   * adopted with `"trust"`. A different client id, and any later change of the secret, are always sent.
   * See docs/crash-safety.md, "Secrets of adopted objects".
   * Learn: https://learn.microsoft.com/graph/api/resources/socialidentityprovider
   * @default "trust"
   */
  readonly adoptSecrets?: pulumi.Input<"trust" | "write">;
}

/** A tenant social identity provider (`identity/identityProviders`) that flows can offer. */
export class SocialIdentityProvider extends GraphResource {
  /** e.g. `Google-OAUTH`: what a B2xUserFlow lists in identityProviders. */
  declare readonly identityProviderId: pulumi.Output<string>;
  declare readonly type: pulumi.Output<SocialIdentityProviderType>;
  declare readonly clientId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  /** True while the client secret is one adopted as given and never sent (`adoptSecrets: "trust"`). */
  declare readonly secretAdopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: SocialIdentityProviderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "SocialIdentityProvider",
      name,
      ["identityProviderId", "secretHash", "secretSalt", "secretAdopted"],
      { ...args, clientSecret: pulumi.secret(args.clientSecret) },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["clientSecret", "secretHash"] }),
    );
  }
}
