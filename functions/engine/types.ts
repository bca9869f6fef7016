/**
 * The contract between the connector's decision engine (pure, `functions/engine/`) and the shells around
 * it (HTTP handlers, auth, Table/Queue storage in `functions/`). Request and response shapes follow
 * docs/graph-contract.md §6 exactly.
 */

import { CONNECTOR_STEPS, type ConnectorStep } from "../../contract/userFlow";

/** The two B2X connector steps. The step always comes from the route, never from the body. */
export type Step = ConnectorStep;
export const STEPS: readonly Step[] = CONNECTOR_STEPS;

/** What Entra sends: flat claims; a claim without a value is omitted. Every field is optional. */
export interface ConnectorRequest {
  email?: string;
  identities?: Array<{ signInType?: string; issuer?: string; issuerAssignedId?: string }>;
  displayName?: string;
  givenName?: string;
  surname?: string;
  /** DOC-CONFLICT in the contract: the postFederationSignup sample uses lastName. Accept either. */
  lastName?: string;
  jobTitle?: string;
  ui_locales?: string;
  [claim: string]: unknown;
}

export interface ContinueResponse {
  version: string;
  action: "Continue";
  [claim: string]: unknown;
}
export interface BlockResponse {
  version: string;
  action: "ShowBlockPage";
  userMessage: string;
  /** Ignored by Entra; our stable reason code, useful in logs and the simulator. */
  code?: string;
}
export interface ValidationErrorResponse {
  version: string;
  action: "ValidationError";
  status: 400;
  userMessage: string;
  code?: string;
}
export type ConnectorResponse = ContinueResponse | BlockResponse | ValidationErrorResponse;

/** A stable, documented reason code carried by every decision (logs, KQL, tests). */
export type ReasonCode = string;

export interface Decision {
  readonly step: Step;
  readonly response: ConnectorResponse;
  /** 200 for Continue and ShowBlockPage, 400 for ValidationError (status line and body must agree). */
  readonly httpStatus: 200 | 400;
  readonly reason: ReasonCode;
  /** Normalised (lower-case, punycode) email domain when one could be read. The only PII we log. */
  readonly domain?: string;
  /**
   * ValidationError only: the claim keys of the fields the refusal is about (never in a B2X response,
   * which has one message for the form; an external tenant's `attributeErrors` are keyed by them).
   */
  readonly fields?: readonly string[];
}

/**
 * Storage-backed facts live behind ports so the engine stays pure and testable; `functions/storage/`
 * implements them on Azure Table/Queue storage, `functions/engine/memory.ts` in memory for tests.
 */
export interface RateLimiter {
  /**
   * Counts one sign-up for `domain` in the rolling window and says whether it is within `limit`.
   * Idempotent per (domain, email) inside the window: Entra's retry of the same sign-up counts once.
   * Concurrent calls must not overshoot, across instances too (the Table version claims bounded slot rows).
   */
  consume(input: {
    domain: string;
    email: string;
    limit: number;
    windowMs: number;
    now: Date;
  }): Promise<{ allowed: boolean; count: number }>;
}

export type ApprovalStatus = "pending" | "approved" | "denied";
export interface ApprovalRequest {
  readonly id: string;
  readonly email: string;
  readonly domain: string;
  readonly displayName?: string;
  readonly status: ApprovalStatus;
  readonly createdAt: string;
  readonly decidedAt?: string;
  readonly decidedBy?: string;
}
export interface ApprovalStore {
  /** Returns the request for this email, creating a pending one exactly once (idempotent under retry). */
  getOrCreate(input: {
    email: string;
    domain: string;
    displayName?: string;
    now: Date;
  }): Promise<ApprovalRequest>;
  list(filter?: { status?: ApprovalStatus }): Promise<ApprovalRequest[]>;
  decide(id: string, status: "approved" | "denied", by: string, now: Date): Promise<ApprovalRequest>;
}

export interface SignupEvent {
  /** Idempotency key: the same sign-up (step + email + outcome) is emitted once even under retry. */
  readonly id: string;
  readonly type: "signup.accepted" | "signup.blocked";
  readonly step: Step;
  readonly reason: ReasonCode;
  readonly domain?: string;
  readonly at: string;
}
/**
 * Receives one event per accepted/blocked sign-up (see `functions/engine/events.ts`). A sink drops an event
 * whose `id` it has already emitted within `EVENT_DEDUP_WINDOW_MS` (Entra's retry), and accepts it again
 * after that (the same person trying again later is a new sign-up).
 */
export interface EventSink {
  emit(event: SignupEvent): Promise<void>;
}

/** One structured log line per decision; no personal data beyond the domain. */
export interface DecisionLogger {
  decision(entry: {
    step: Step;
    action: ConnectorResponse["action"];
    reason: ReasonCode;
    domain?: string;
    latencyMs: number;
  }): void;
  warn(message: string, data?: Record<string, unknown>): void;
}
