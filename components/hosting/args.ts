/**
 * The public arguments of `ConnectorFunctionApp`. Kept apart from the component so validators, tests and
 * the stack settings can import the types without loading azure-native.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Where the connector's Basic-auth password is kept for the Function App. */
export type CredentialStore = "keyVault" | "appSetting";

export interface ConnectorAlertsArgs {
  /**
   * E-mail addresses notified by an action group when an alert fires.
   * @default - no action group: alerts are created and visible in the portal, but nobody is notified
   */
  readonly actionGroupEmails?: string[];
  /**
   * Alert when the 95th percentile of connector request duration over 15 minutes exceeds this many
   * milliseconds. Entra gives up after 20,000 ms (then retries once), so warn well before that.
   * @default 5000
   */
  readonly latencyP95Ms?: number;
  /**
   * Alert when more than this many connector requests fail (HTTP 5xx or unhandled) within 5 minutes.
   * @default 5
   */
  readonly failureCount?: number;
}

export interface ConnectorFunctionAppArgs {
  /**
   * Azure region of every resource, e.g. `"westeurope"`. Flex Consumption is not offered everywhere:
   * check `az functionapp list-flexconsumption-locations`.
   * @default - required, no default
   */
  readonly location: string;
  /**
   * An existing resource group to deploy into (several stacks may share it: every derived name carries
   * the stack's `nameSuffix`).
   * @default - a new resource group `rg-<namePrefix>-<nameSuffix>` is created and owned by this component
   */
  readonly resourceGroupName?: pulumi.Input<string>;
  /**
   * Readable part of the Azure resource names: 1–12 lowercase letters, digits and single hyphens, no
   * hyphen at either end (e.g. `"contoso-su"`). Names are `<abbreviation>-<namePrefix>-<nameSuffix>`
   * (`st<prefix without hyphens><suffix>` for the storage account), each checked against
   * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules.
   * @default - the stack name lower-cased, other characters turned into hyphens, cut to 12 characters
   */
  readonly namePrefix?: string;
  /**
   * Suffix that makes the names unique per stack (storage account, Function App and Key Vault names are
   * global in Azure): 4–8 lowercase letters or digits. Set it explicitly to move to fresh names (for
   * example after deleting a stack whose Key Vault name is still held by soft delete).
   * @default - 8 hex characters of SHA-256 over project, stack and component name
   */
  readonly nameSuffix?: string;
  /**
   * Path of the connector package zip produced by `npm run build:connector`. The component never builds
   * or writes it; it only uploads it (One Deploy) when `packageSha256` changes.
   * @default - required, no default
   */
  readonly packagePath: string;
  /**
   * Lower-case hex SHA-256 of the zip at `packagePath` (printed by the build). Deployment is keyed by it,
   * and the upload checks the file against it so a stale zip is never deployed.
   * @default - required, no default
   */
  readonly packageSha256: string;
  /**
   * Non-secret app settings for the connector, e.g. `SIGNUP_POLICY`, `SIGNUP_ATTRIBUTE_IDS`,
   * `SIGNUP_EXTENSIONS_APP_ID`, `CONNECTOR_AUTH_MODE`. Names the component owns (storage, Application
   * Insights, credentials) and settings Flex Consumption rejects are refused by validation.
   * @default - required (may be `{}`)
   */
  readonly appSettings: Record<string, pulumi.Input<string>>;
  /**
   * The connector's Basic-auth password (secret), normally `GeneratedPassword.value`, the same value the
   * Graph `ApiConnector` receives.
   * @default - no password: the app gets no `CONNECTOR_BASIC_PASSWORD` (certificate mode or local stacks)
   */
  readonly connectorPassword?: pulumi.Input<string>;
  /**
   * How the Function App receives `connectorPassword`: `"keyVault"` creates an RBAC-mode Key Vault, stores
   * the password as a secret and sets `CONNECTOR_BASIC_PASSWORD=@Microsoft.KeyVault(SecretUri=…)`, read
   * with the app's user-assigned identity; `"appSetting"` puts the password in the app setting directly
   * (still secret in Pulumi state, but readable by anyone with read access to the app's configuration).
   * @default "keyVault"
   */
  readonly credentialStore?: CredentialStore;
  /**
   * Require a client certificate from Entra instead of (or besides) Basic auth: sets
   * `clientCertEnabled`, `clientCertMode: Required`, `CONNECTOR_AUTH_MODE=certificate` and
   * `CONNECTOR_CERT_THUMBPRINTS` (comma-separated, upper-case SHA-1 thumbprints the function accepts).
   * @default - no client certificate; the connector authenticates with Basic auth
   */
  readonly clientCertificate?: { readonly thumbprints: string[] };
  /**
   * Instances of the `http` group kept warm (billed even when idle). Entra waits only 20 s for the
   * connector, so a cold start must not happen on the sign-up path; 0 is allowed for throwaway stacks.
   * @default 1
   */
  readonly alwaysReadyInstances?: number;
  /**
   * Upper bound for scale-out (Flex allows 40–1000).
   * @default 40
   */
  readonly maximumInstanceCount?: number;
  /**
   * Memory per instance in MB (Flex offers 512, 2048 or 4096).
   * @default 2048
   */
  readonly instanceMemoryMB?: number;
  /**
   * Alert rules on connector failures and latency.
   * @default - failures > 5 per 5 minutes and P95 latency > 5000 ms, without notification
   */
  readonly alerts?: ConnectorAlertsArgs;
  /**
   * Tags added to every Azure resource of the component.
   * @default - `{ "managed-by": "pulumi", "component": "entra-signup-connector" }` only
   */
  readonly tags?: Record<string, string>;
}
