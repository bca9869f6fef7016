/**
 * The Function App's app settings, built in one pure function so tests can read exactly what reaches
 * Azure. Storage and telemetry are identity-based (no keys anywhere): the user-assigned identity's client
 * id tells the Functions host and the Application Insights SDK which identity to use.
 */
import * as pulumi from "@pulumi/pulumi";
import { AppSetting } from "../../contract/appSettings";

export interface AppSettingsParts {
  /** The caller's non-secret settings (already validated). */
  readonly user: Record<string, pulumi.Input<string>>;
  readonly storageAccountName: pulumi.Input<string>;
  /** `primaryEndpoints` of the account, so sovereign clouds get their own endpoints. */
  readonly storageEndpoints: pulumi.Input<{ blob: string; queue: string; table: string }>;
  readonly identityClientId: pulumi.Input<string>;
  readonly appInsightsConnectionString: pulumi.Input<string>;
  /** Either the password itself (secret) or a `@Microsoft.KeyVault(SecretUri=…)` reference. */
  readonly connectorPassword?: pulumi.Input<string>;
}

export interface NameValue {
  name: string;
  value: pulumi.Input<string>;
}

/** `https://acct.blob.core.windows.net/` → `https://acct.blob.core.windows.net` (host wants no slash). */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Settings sorted by name, so a re-ordered object never shows up as a diff. */
export function buildAppSettings(parts: AppSettingsParts): NameValue[] {
  const endpoints = pulumi.output(parts.storageEndpoints);
  const endpoint = (key: "blob" | "queue" | "table") => endpoints.apply((e) => trimSlash(e[key]));
  const settings: Record<string, pulumi.Input<string>> = {
    ...parts.user,
    AzureWebJobsStorage__accountName: parts.storageAccountName,
    AzureWebJobsStorage__blobServiceUri: endpoint("blob"),
    AzureWebJobsStorage__queueServiceUri: endpoint("queue"),
    AzureWebJobsStorage__tableServiceUri: endpoint("table"),
    AzureWebJobsStorage__credential: "managedidentity",
    AzureWebJobsStorage__clientId: parts.identityClientId,
    APPLICATIONINSIGHTS_CONNECTION_STRING: parts.appInsightsConnectionString,
    // Local auth is disabled on the Application Insights resource, so telemetry must use Entra auth.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: pulumi.interpolate`ClientId=${parts.identityClientId};Authorization=AAD`,
  };
  // The auth mode and thumbprints come from the caller's settings (encodeHostSettings); only the
  // password is this component's, because only it knows where the password is stored.
  if (parts.connectorPassword !== undefined) settings[AppSetting.basicPassword] = parts.connectorPassword;
  return Object.keys(settings)
    .sort()
    .map((name) => ({ name, value: settings[name] as pulumi.Input<string> }));
}

/** The Key Vault reference syntax App Service resolves with `keyVaultReferenceIdentity`. */
export function keyVaultReference(secretUriWithVersion: string): string {
  return `@Microsoft.KeyVault(SecretUri=${secretUriWithVersion})`;
}
