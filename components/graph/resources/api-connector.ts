import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

/** A client certificate for the connector (PKCS#12 / .pfx with private key). */
export interface ApiConnectorCertificate {
  /** Base64 of the .pfx bytes. Stored only as a secret. */
  readonly pkcs12Base64: pulumi.Input<string>;
  /** Password of the .pfx. @default "" */
  readonly password?: pulumi.Input<string>;
}

export interface ApiConnectorArgs extends GraphResourceArgs {
  /** Name of the connector; also its natural key for `adoptExisting`. */
  readonly displayName: pulumi.Input<string>;
  /** Endpoint Entra calls: https, or http on a loopback host for local runs. */
  readonly targetUrl: pulumi.Input<string>;
  /** Basic auth user name (Basic mode only). @default "entra-signup" */
  readonly username?: pulumi.Input<string>;
  /** Basic auth password. @default - 32 random bytes generated in the provider, rotated when rotationKey changes */
  readonly password?: pulumi.Input<string>;
  /** Any value; changing it rotates a generated password. @default "" */
  readonly rotationKey?: pulumi.Input<string>;
  /**
   * Client certificates, oldest first; the last is the newest. Adding one uploads it without recreating the
   * connector (rollover). When given, the connector uses certificate auth instead of Basic.
   * @default - Basic auth
   */
  readonly certificates?: pulumi.Input<pulumi.Input<ApiConnectorCertificate>[]>;
  /** Take over a connector with the same displayName instead of creating another. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
  /**
   * What adopting (`adoptExisting` taking over a connector made by hand) does with the given Basic
   * `password`, which Graph never returns and so cannot compare: `"trust"` records it as the one the
   * connector holds and sends nothing (the `up` output names it once); `"write"` sends it once. Set
   * `"write"` later to send a password adopted with `"trust"`. Only adoption trusts: a generated password,
   * a changed user name or auth kind, and any later change of the password are always sent; certificates
   * are compared by thumbprint. See docs/crash-safety.md, "Secrets of adopted objects".
   * Learn: https://learn.microsoft.com/graph/api/resources/identityapiconnector
   * @default "trust"
   */
  readonly adoptSecrets?: pulumi.Input<"trust" | "write">;
}

/** An API connector (`identity/apiConnectors`) with Basic or client-certificate auth. */
export class ApiConnector extends GraphResource {
  declare readonly connectorId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly targetUrl: pulumi.Output<string>;
  declare readonly authType: pulumi.Output<"basic" | "certificate">;
  declare readonly username: pulumi.Output<string | undefined>;
  /** The Basic password (given or generated). Always a secret. */
  declare readonly password: pulumi.Output<string | undefined>;
  /** Salted hash of the desired credential, so credential changes are diffable without the secret; a secret itself (a weak password could be guessed from it offline). */
  declare readonly credentialHash: pulumi.Output<string>;
  /** Thumbprints (SHA-1, hex upper case) of the desired certificates. */
  declare readonly thumbprints: pulumi.Output<string[]>;
  /** Thumbprints Graph reports in certificateList. */
  declare readonly activeThumbprints: pulumi.Output<string[]>;
  /** Certificates Graph still lists that are no longer desired (Graph has no call to remove one). */
  declare readonly staleThumbprints: pulumi.Output<string[]>;
  /** True while the password is one adopted as given and never sent (`adoptSecrets: "trust"`). */
  declare readonly passwordAdopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: ApiConnectorArgs, opts?: pulumi.CustomResourceOptions) {
    const secretArgs = {
      ...args,
      password: args.password === undefined ? undefined : pulumi.secret(args.password),
      certificates: args.certificates === undefined ? undefined : pulumi.secret(args.certificates),
    };
    super(
      "ApiConnector",
      name,
      [
        "connectorId",
        "authType",
        "credentialHash",
        "credentialSalt",
        "thumbprints",
        "activeThumbprints",
        "staleThumbprints",
        "passwordAdopted",
      ],
      secretArgs,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password", "certificates", "credentialHash"] }),
    );
  }
}
