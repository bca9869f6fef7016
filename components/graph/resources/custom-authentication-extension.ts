import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

/** The event an extension answers. */
export type CustomAuthenticationExtensionEventType =
  "attributeCollectionStart" | "attributeCollectionSubmit" | "tokenIssuanceStart";

export interface CustomAuthenticationExtensionArgs extends GraphResourceArgs {
  /** Name shown in the portal. Not unique in Graph: with the event type, the key for `adoptExisting`. */
  readonly displayName: pulumi.Input<string>;
  /** @default - none */
  readonly description?: pulumi.Input<string>;
  /**
   * OnAttributeCollectionStart / OnAttributeCollectionSubmit (external tenants) or OnTokenIssuanceStart.
   * Changing it replaces the extension (created first, so a flow can switch to it before the old goes).
   */
  readonly eventType: pulumi.Input<CustomAuthenticationExtensionEventType>;
  /** https URL Entra POSTs the event to (plain http only on loopback with the local emulator). */
  readonly targetUrl: pulumi.Input<string>;
  /**
   * The API application's identifier URI `api://<host of targetUrl>/<appId>` (azureAdTokenAuthentication
   * resourceId; ExtensionApiApplication.identifierUri). A different format or host is refused at preview
   * (Entra errors 1003014, 1003015).
   */
  readonly resourceId: pulumi.Input<string>;
  /** How long Entra waits for an answer, 200–2000 ms. @default 1000 */
  readonly timeoutInMilliseconds?: pulumi.Input<number>;
  /** How often Entra retries a failed call, 0 or 1. @default 1 */
  readonly maximumRetries?: pulumi.Input<number>;
  /** tokenIssuanceStart only: claim names the API returns (feeds the portal's claim picker). @default - none */
  readonly claimsForTokenConfiguration?: pulumi.Input<pulumi.Input<string>[]>;
  /** Take over an extension with the same display name and event type instead of creating one. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * A custom authentication extension (`identity/customAuthenticationExtensions`) authenticated with an
 * Entra token for the API application; validated with `validateAuthenticationConfiguration` after each
 * create. https://learn.microsoft.com/graph/api/resources/customauthenticationextension
 */
export class CustomAuthenticationExtension extends GraphResource {
  /** Graph's id of the extension (what a flow's Start/Submit slot takes). */
  declare readonly extensionId: pulumi.Output<string>;
  declare readonly eventType: pulumi.Output<CustomAuthenticationExtensionEventType>;
  declare readonly targetUrl: pulumi.Output<string>;
  declare readonly resourceId: pulumi.Output<string>;
  declare readonly timeoutInMilliseconds: pulumi.Output<number>;
  declare readonly maximumRetries: pulumi.Output<number>;

  constructor(name: string, args: CustomAuthenticationExtensionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "CustomAuthenticationExtension",
      name,
      ["extensionId", "validated", "supersededExtensionIds"],
      args,
      opts,
    );
  }
}
