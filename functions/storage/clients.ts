/**
 * One place that turns storage settings into SDK clients. Connection strings serve Azurite and classic
 * accounts; identity-based settings (`AzureWebJobsStorage__*`) use a managed identity, matching what the
 * Functions host itself uses on Flex Consumption, so no account key ever reaches the app.
 */
import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { QueueClient, QueueServiceClient, type StoragePipelineOptions } from "@azure/storage-queue";
import type { StorageConnection, StorageSettings } from "../settings";

export interface StorageClients {
  table(name: string): TableClient;
  queue(name: string): QueueClient;
  /** Per-call options: a deadline so an unreachable store fails fast instead of hanging a sign-up. */
  callOptions(): { abortSignal: AbortSignal };
}

function isInsecure(connection: StorageConnection): boolean {
  if (connection.kind === "identity") return false;
  return /UseDevelopmentStorage=true|=http:\/\//i.test(connection.connectionString);
}

let sharedCredential: TokenCredential | undefined;
function credentialFor(clientId: string | undefined): TokenCredential {
  // Imported lazily: the identity stack is only needed in Azure, and loading it costs cold-start time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const identity = require("@azure/identity") as typeof import("@azure/identity");
  sharedCredential ??=
    clientId === undefined
      ? new identity.DefaultAzureCredential()
      : new identity.ManagedIdentityCredential({ clientId });
  return sharedCredential;
}

export function createStorageClients(settings: StorageSettings): StorageClients {
  const { connection, timeoutMs } = settings;
  // One quick retry at most: Entra waits 20 s in total, and the engine has a failOpen/failClosed answer.
  const tableOptions: TableServiceClientOptions = {
    allowInsecureConnection: isInsecure(connection),
    retryOptions: { maxRetries: 1, retryDelayInMs: 100, maxRetryDelayInMs: 300 },
  };
  const queueOptions: StoragePipelineOptions = {
    retryOptions: { maxTries: 2, tryTimeoutInMs: timeoutMs, retryDelayInMs: 100, maxRetryDelayInMs: 300 },
  };
  const tables = new Map<string, TableClient>();
  const queues = new Map<string, QueueClient>();
  let queueService: QueueServiceClient | undefined;
  return {
    table(name) {
      let client = tables.get(name);
      if (client === undefined) {
        client =
          connection.kind === "connectionString"
            ? TableClient.fromConnectionString(connection.connectionString, name, tableOptions)
            : new TableClient(
                connection.tableServiceUri,
                name,
                credentialFor(connection.clientId),
                tableOptions,
              );
        tables.set(name, client);
      }
      return client;
    },
    queue(name) {
      let client = queues.get(name);
      if (client === undefined) {
        queueService ??=
          connection.kind === "connectionString"
            ? QueueServiceClient.fromConnectionString(connection.connectionString, queueOptions)
            : new QueueServiceClient(
                connection.queueServiceUri,
                credentialFor(connection.clientId),
                queueOptions,
              );
        client = queueService.getQueueClient(name);
        queues.set(name, client);
      }
      return client;
    },
    callOptions: () => ({ abortSignal: AbortSignal.timeout(timeoutMs) }),
  };
}

/**
 * Creates a table or queue on first use, once per process. A failure is not cached, so the next
 * request tries again (the store may only have been unreachable for a moment).
 */
export function once(create: () => Promise<unknown>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= create().then(
      () => undefined,
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}
