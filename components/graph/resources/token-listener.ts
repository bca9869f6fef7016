import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export interface TokenIssuanceStartListenerArgs extends GraphResourceArgs {
  /** Id of an `onTokenIssuanceStartCustomExtension` (the CustomAuthenticationExtension's `extensionId`). */
  readonly customExtensionId: pulumi.Input<string>;
  /**
   * Client ids (appId) whose tokens get the claims: the client app for ID tokens, the resource app for
   * access tokens. Changes update the listener in place.
   */
  readonly includeApplications: pulumi.Input<pulumi.Input<string>[]>;
  /** Evaluation order among listeners of the same event. @default 500 */
  readonly priority?: pulumi.Input<number>;
  /** Take over a listener for the same extension and apps instead of creating another. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * A v1.0 `onTokenIssuanceStartListener`: calls the extension when Entra issues a token to the listed apps
 * (https://learn.microsoft.com/graph/api/identitycontainer-post-authenticationeventlisteners). Listeners
 * that belong to an events flow are never changed or deleted by it.
 */
export class TokenIssuanceStartListener extends GraphResource {
  declare readonly listenerId: pulumi.Output<string>;
  declare readonly customExtensionId: pulumi.Output<string>;
  declare readonly includeApplications: pulumi.Output<string[]>;
  declare readonly priority: pulumi.Output<number>;

  constructor(name: string, args: TokenIssuanceStartListenerArgs, opts?: pulumi.CustomResourceOptions) {
    super("TokenIssuanceStartListener", name, ["listenerId"], args, opts);
  }
}
