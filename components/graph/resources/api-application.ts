import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export interface ExtensionApiApplicationArgs extends GraphResourceArgs {
  /** Display name of the app registration, e.g. `"<stack> authentication events API"`. Renaming updates in place. */
  readonly displayName: pulumi.Input<string>;
  /**
   * The https URL Entra calls (the Function App's extension route). Its host, lower-cased, makes the
   * identifier URI `api://{host}/{appId}` (errors 1003014/1003015 otherwise); a new host updates the URI in
   * place. A port other than 443 is refused (Entra's handling of ports is not documented); plain http is
   * accepted only on loopback with the local emulator.
   */
  readonly targetUrl: pulumi.Input<string>;
  /**
   * Take over an application with the same display name instead of creating another (then finish its
   * service principal, identifier URI and grant). @default false
   */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * The API identity of a custom authentication extension: a single-tenant app registration, its service
 * principal, the identifier URI `api://{host}/{appId}` with v2 access tokens, and the admin-consented
 * `CustomAuthenticationExtension.Receive.Payload` app role of Microsoft Graph (resolved in the tenant, never
 * a fixed id). https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration
 */
export class ExtensionApiApplication extends GraphResource {
  declare readonly applicationObjectId: pulumi.Output<string>;
  /** The client id: the `aud` of the v2 tokens Entra sends. */
  declare readonly appId: pulumi.Output<string>;
  declare readonly servicePrincipalId: pulumi.Output<string>;
  /** `api://{host}/{appId}`: the `resourceId` of the custom authentication extensions. */
  declare readonly identifierUri: pulumi.Output<string>;
  declare readonly receivePayloadRoleId: pulumi.Output<string>;
  declare readonly appRoleAssignmentId: pulumi.Output<string>;

  constructor(name: string, args: ExtensionApiApplicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "ExtensionApiApplication",
      name,
      [
        "applicationObjectId",
        "appId",
        "servicePrincipalId",
        "identifierUri",
        "receivePayloadRoleId",
        "appRoleAssignmentId",
      ],
      args,
      opts,
    );
  }
}
