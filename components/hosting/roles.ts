/**
 * Built-in Azure role definitions the connector's identity needs, and a helper that assigns one.
 * GUIDs are the built-in role ids (identical in every tenant and cloud), as used by the official Flex
 * sample `Azure-Samples/azure-functions-flex-consumption-samples` `IaC/bicep/rbac.bicep`.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";

export const builtInRoles = {
  /** Blob data for `AzureWebJobsStorage` and the deployment container (read and write the package). */
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  /** Queues used by the Functions host (and the connector's approval queue, if any). */
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  /** Tables used by the connector's rate limiting/approvals. */
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  /** Sending telemetry to Application Insights when local (key) auth is disabled. */
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  /** Reading Key Vault secrets (the `@Microsoft.KeyVault(...)` reference). */
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
} as const;

export type BuiltInRole = keyof typeof builtInRoles;

/** Full role-definition id for a subscription: `/subscriptions/<id>/providers/…/roleDefinitions/<guid>`. */
export function roleDefinitionId(subscriptionId: string, role: BuiltInRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles[role]}`;
}

/**
 * Assigns `role` on `scope` to a service principal. `principalType: ServicePrincipal` matters for a
 * freshly created identity: without it ARM looks the principal up in Entra and can fail with
 * `PrincipalNotFound` while the identity is still replicating.
 */
export function assignRole(
  name: string,
  args: {
    subscriptionId: pulumi.Input<string>;
    principalId: pulumi.Input<string>;
    scope: pulumi.Input<string>;
    role: BuiltInRole;
  },
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      principalId: args.principalId,
      principalType: authorization.PrincipalType.ServicePrincipal,
      roleDefinitionId: pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, args.role)),
      scope: args.scope,
      description: `entra-signup connector: ${args.role}`,
    },
    opts,
  );
}
