/**
 * Key Vault credential store: an RBAC-mode vault holding the connector password, readable only by the
 * connector's user-assigned identity (Key Vault Secrets User on the vault). The Function App receives a
 * `@Microsoft.KeyVault(SecretUri=…)` reference, so the password never appears in its configuration.
 */
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as pulumi from "@pulumi/pulumi";
import { keyVaultReference } from "./appSettings";
import type { HostingNames } from "./names";
import { assignRole } from "./roles";

export interface KeyVaultStoreArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  tags: Record<string, string>;
  names: HostingNames;
  tenantId: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  identityPrincipalId: pulumi.Input<string>;
  password: pulumi.Input<string>;
}

export function createKeyVaultStore(name: string, a: KeyVaultStoreArgs, opts: pulumi.CustomResourceOptions) {
  const vault = new keyvault.Vault(
    `${name}-kv`,
    {
      vaultName: a.names.keyVault,
      resourceGroupName: a.resourceGroupName,
      location: a.location,
      properties: {
        tenantId: a.tenantId,
        sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
        // Access by Azure RBAC only: no access policies that bypass role assignments.
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 7,
        enabledForDeployment: false,
        enabledForTemplateDeployment: false,
        enabledForDiskEncryption: false,
      },
      tags: a.tags,
    },
    opts,
  );
  const secret = new keyvault.Secret(
    `${name}-connector-password`,
    {
      vaultName: vault.name,
      secretName: "connector-basic-password",
      resourceGroupName: a.resourceGroupName,
      // Written through ARM (control plane), so the deploying identity needs no data-plane role.
      properties: { value: pulumi.secret(a.password), contentType: "text/plain" },
      tags: a.tags,
    },
    opts,
  );
  const secretsUser = assignRole(
    `${name}-kv-secrets-user`,
    {
      subscriptionId: a.subscriptionId,
      principalId: a.identityPrincipalId,
      scope: vault.id,
      role: "keyVaultSecretsUser",
    },
    opts,
  );
  // The versioned URI: a new password (rotation) yields a new URI, so the app setting changes and the
  // app restarts with the new value instead of waiting for the platform's periodic refresh.
  // The reference is only a URI; unsecret it so the app settings stay readable in previews and diffs
  // (the secret `properties` output would otherwise mark the whole siteConfig secret).
  const reference = pulumi.unsecret(
    secret.properties.apply((p) => keyVaultReference(p.secretUriWithVersion)),
  );
  return { vault, secret, secretsUser, reference };
}
