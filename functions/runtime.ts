/**
 * Everything a handler needs, built once from validated settings: the authenticator and the storage
 * ports. Handlers get it through a `RuntimeSource`, so a host can swap it when settings change (the
 * local host does on `--settings` file edits) without re-registering functions.
 */
import type { HttpRequest } from "@azure/functions";
import { connectorAuthenticator, type AuthOutcome } from "./auth/connector";
import type { EventSink, RateLimiter } from "./engine/types";
import type { ConnectorSettings } from "./settings";
import { TableApprovalStore } from "./storage/approvals";
import { createStorageClients, type StorageClients } from "./storage/clients";
import { QueueEventSink } from "./storage/events";
import { TableRateLimiter } from "./storage/rateLimiter";

export interface ConnectorRuntime {
  readonly settings: ConnectorSettings;
  readonly authenticate: (request: HttpRequest, now: Date) => AuthOutcome;
  readonly rateLimiter: RateLimiter;
  readonly approvals: TableApprovalStore;
  readonly events: EventSink;
  readonly now: () => Date;
}

export type RuntimeSource = () => ConnectorRuntime;

export interface RuntimeOptions {
  /** The clock; tests and the simulator may pin it. */
  readonly now?: () => Date;
  readonly clients?: StorageClients;
}

export function createRuntime(settings: ConnectorSettings, options: RuntimeOptions = {}): ConnectorRuntime {
  const clients = options.clients ?? createStorageClients(settings.storage);
  const { storage } = settings;
  return {
    settings,
    authenticate: connectorAuthenticator(settings.auth),
    rateLimiter: new TableRateLimiter(clients, storage.rateLimitTable),
    approvals: new TableApprovalStore(clients, storage.approvalsTable),
    events: new QueueEventSink(clients, {
      markersTable: storage.eventMarkersTable,
      queue: storage.eventsQueue,
    }),
    now: options.now ?? (() => new Date()),
  };
}
