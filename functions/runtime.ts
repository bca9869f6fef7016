/**
 * Everything a handler needs, built once from validated settings: the authenticator and the storage
 * ports. Handlers get it through a `RuntimeSource`, so a host can swap it when settings change (the
 * local host does on `--settings` file edits) without re-registering functions.
 */
import { bearerValidator, type BearerValidator, type BearerValidatorOptions } from "./auth/bearer";
import { connectorAuthenticator, type AuthOutcome } from "./auth/connector";
import type { PipelineDeps } from "./engine/pipeline";
import type {
  ApprovalRequest,
  ApprovalStatus,
  ApprovalStore,
  DecisionLogger,
  EventSink,
  RateLimiter,
} from "./engine/types";
import type { ConnectorSettings } from "./settings";
import { TableApprovalStore } from "./storage/approvals";
import { housekeeping, type HousekeepingReport } from "./storage/housekeeping";
import { createStorageClients, type StorageClients } from "./storage/clients";
import { QueueEventSink } from "./storage/events";
import { TableRateLimiter } from "./storage/rateLimiter";

/** The engine's approval port plus what the admin surfaces add: an optional free-text reason. */
export interface AdminApprovalStore extends ApprovalStore {
  decide(
    id: string,
    status: "approved" | "denied",
    by: string,
    now: Date,
    reason?: string,
  ): Promise<ApprovalRequest>;
  list(filter?: { status?: ApprovalStatus }): Promise<ApprovalRequest[]>;
}

/** The storage side of a runtime: Table/Queue in Azure, in memory for tests and the benchmark. */
export interface StoragePorts {
  readonly rateLimiter: RateLimiter;
  readonly approvals: AdminApprovalStore;
  readonly events: EventSink;
  /** Creates tables/queues ahead of the first sign-up; absent when there is nothing to prepare. */
  readonly prepare?: () => Promise<void>;
  /** Deletes rows that no longer decide anything (the housekeeping timer); absent in memory. */
  readonly housekeeping?: (now: Date) => Promise<HousekeepingReport>;
}

/** The part of a request that authentication and size checks read: an `HttpRequest`, or headers alone. */
export interface RequestHeaders {
  readonly headers: { get(name: string): string | null };
}

export interface ConnectorRuntime extends StoragePorts {
  readonly settings: ConnectorSettings;
  readonly authenticate: (request: RequestHeaders, now: Date) => AuthOutcome;
  /**
   * Validates the bearer token of a custom authentication extension call (one key-set cache per runtime).
   * @default - absent when the AUTH_EVENTS_* settings are not set: those routes refuse every call
   */
  readonly verifyBearer?: BearerValidator;
  readonly now: () => Date;
}

export type RuntimeSource = () => ConnectorRuntime;

export interface RuntimeOptions {
  /** The clock; tests and the simulator may pin it. */
  readonly now?: () => Date;
  readonly clients?: StorageClients;
  /** Storage ports to use instead of Table/Queue (the local host's in-memory mode). */
  readonly ports?: StoragePorts;
  /** Key-set cache tuning and fetch for the bearer validator (tests). */
  readonly bearer?: BearerValidatorOptions;
}

export function createRuntime(settings: ConnectorSettings, options: RuntimeOptions = {}): ConnectorRuntime {
  return {
    settings,
    authenticate: connectorAuthenticator(settings.auth),
    ...(settings.authenticationEvents
      ? { verifyBearer: bearerValidator(settings.authenticationEvents, options.bearer) }
      : {}),
    ...(options.ports ?? tablePorts(settings, options.clients)),
    now: options.now ?? (() => new Date()),
  };
}

/** What `processRequest` needs from a runtime, with the handler's own logger (one per invocation). */
export function pipelineDeps(runtime: ConnectorRuntime, logger: DecisionLogger): PipelineDeps {
  const { settings } = runtime;
  return {
    policy: settings.policy,
    attributeIds: settings.attributeIds,
    now: runtime.now,
    rateLimiter: runtime.rateLimiter,
    approvals: runtime.approvals,
    events: runtime.events,
    logger,
  };
}

/** The production ports: one set of SDK clients (and their keep-alive connections) shared by all three. */
export function tablePorts(settings: ConnectorSettings, clients?: StorageClients): StoragePorts {
  const shared = clients ?? createStorageClients(settings.storage);
  const { storage } = settings;
  const rateLimiter = new TableRateLimiter(shared, storage.rateLimitTable);
  const approvals = new TableApprovalStore(shared, storage.approvalsTable);
  const events = new QueueEventSink(shared, {
    markersTable: storage.eventMarkersTable,
    queue: storage.eventsQueue,
  });
  return {
    rateLimiter,
    approvals,
    events,
    prepare: async () => {
      await Promise.all([rateLimiter.prepare(), approvals.prepare(), events.prepare()]);
    },
    housekeeping: async (now) => {
      await Promise.all([rateLimiter.prepare(), events.prepare()]);
      const windowHours = settings.policy.rateLimit?.windowHours;
      return housekeeping(
        {
          markers: shared.table(storage.eventMarkersTable),
          rateLimits: shared.table(storage.rateLimitTable),
        },
        now,
        windowHours === undefined ? undefined : windowHours * 3_600_000,
      );
    },
  };
}
