/**
 * `processRequest`: the engine with its ports. Order matters:
 *   1. built-in rules without storage (`precheck`) — a request refused by the domain rule is never counted;
 *   2. the approval store (fails closed), then the rate limiters (fail open/closed per policy): the client
 *      address first (`rateLimit.perClientIp`, when the call carries one), then the domain — pending
 *      sign-ups are not counted, and an address over its limit does not use up its domain's slots;
 *   3. custom rules, each with its own time budget;
 *   4. one event per accepted/blocked sign-up, one log line per decision.
 * It never rejects: a failing port or an engine bug becomes a logged warning and a valid response.
 */
import type { Policy } from "../../contract/policy/schema";
import type { CustomRule } from "./custom-rule";
import {
  decide,
  needs,
  precheck,
  readRequestBody,
  type DecideInput,
  type Facts,
  type Needs,
  type RequestBody,
} from "./decide";
import { runCustomRules } from "./pipeline-custom";
import { emitSignupEvent } from "./events";
import { blockDecision } from "./responses";
import { DEFAULT_MESSAGES } from "./messages";
import type {
  ApprovalRequest,
  ApprovalStore,
  Decision,
  DecisionLogger,
  EventSink,
  RateLimiter,
  Step,
} from "./types";

/** The ports and configuration `processRequest` needs; the shells build this once at start-up. */
export interface PipelineDeps {
  readonly policy: Policy;
  readonly attributeIds: Record<string, string>;
  readonly now: () => Date;
  readonly rateLimiter: RateLimiter;
  readonly approvals: ApprovalStore;
  readonly events: EventSink;
  readonly logger: DecisionLogger;
  readonly customRules?: readonly CustomRule[];
}

/** What a call says about its caller beyond the claims (external tenants' extension calls). */
export interface CallContext {
  /** `authenticationContext.client.ip`: counted by `rateLimit.perClientIp`. */
  readonly clientIp?: string;
}

/** Decides one connector call end to end. Never throws or rejects. */
export async function processRequest(
  step: Step,
  body: unknown,
  deps: PipelineDeps,
  call: CallContext = {},
): Promise<Decision> {
  const started = performance.now();
  let decision: Decision;
  let read: RequestBody = { email: "missing_email" };
  try {
    read = readRequestBody(body);
    decision = await run(step, body, read, deps, call);
  } catch (error) {
    warn(deps, "connector pipeline failed unexpectedly", { error: describe(error) });
    const version = typeof deps.policy?.version === "string" ? deps.policy.version : "1.0.0";
    decision = blockDecision(step, version, DEFAULT_MESSAGES.internal_error, "internal_error");
  }
  if (deps.policy?.events?.enabled) {
    try {
      await emitSignupEvent(deps.events, decision, read.email, safeNow(deps));
    } catch (error) {
      warn(deps, "event sink failed; the decision stands", {
        reason: decision.reason,
        error: describe(error),
      });
    }
  }
  try {
    deps.logger.decision({
      step: decision.step,
      action: decision.response.action,
      reason: decision.reason,
      ...(decision.domain ? { domain: decision.domain } : {}),
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
    });
  } catch {
    // A broken logger must not turn a decision into a failure.
  }
  return decision;
}

async function run(
  step: Step,
  body: unknown,
  read: RequestBody,
  deps: PipelineDeps,
  call: CallContext,
): Promise<Decision> {
  const input: DecideInput = {
    step,
    request: body,
    policy: deps.policy,
    now: safeNow(deps),
    attributeIds: deps.attributeIds,
    ...(call.clientIp === undefined ? {} : { clientIp: call.clientIp }),
  };
  const first = precheck(input, read);
  if (first.response.action !== "Continue") return first;
  const need = needs(input, read);
  // No storage fact applies: the storage-backed rules are inactive, so the precheck is the decision.
  if (!need.approval && !need.rateLimit && !need.clientRateLimit)
    return withCustomRules(first, input, read, deps);
  const facts: { -readonly [K in keyof Facts]: Facts[K] } = {};
  if (need.approval) {
    try {
      const approval = await deps.approvals.getOrCreate({ ...need.approval, now: input.now });
      if (isApproval(approval)) facts.approval = approval;
      else
        warn(deps, "approval store returned an invalid record; failing closed", {
          domain: need.approval.domain,
        });
    } catch (error) {
      warn(deps, "approval store failed; failing closed", {
        domain: need.approval.domain,
        error: describe(error),
      });
    }
    // Pending, denied or unknown: decide now, without counting the attempt against the domain's rate limit.
    if (facts.approval?.status !== "approved") return decide({ ...input, facts }, read);
  }
  // The client address first: an address over its limit does not use up its domain's slots.
  if (need.clientRateLimit) {
    facts.clientRateLimit = await consume(deps, need.clientRateLimit, input.now, read);
    if (facts.clientRateLimit?.allowed === false) return decide({ ...input, facts }, read);
  }
  if (need.rateLimit) facts.rateLimit = await consume(deps, need.rateLimit, input.now, read);
  return withCustomRules(decide({ ...input, facts }, read), input, read, deps);
}

/** One `RateLimiter.consume`; `undefined` when the store gave no answer (the rule applies onStoreError). */
async function consume(
  deps: PipelineDeps,
  need: NonNullable<Needs["rateLimit"]>,
  now: Date,
  read: RequestBody,
): Promise<{ allowed: boolean } | undefined> {
  try {
    const result = await deps.rateLimiter.consume({ ...need, now });
    if (typeof result?.allowed !== "boolean") throw new Error("consume() returned no `allowed`");
    return { allowed: result.allowed };
  } catch (error) {
    warn(deps, `rate limiter failed; ${deps.policy.rateLimit?.onStoreError ?? "failOpen"}`, {
      domain: typeof read.email === "string" ? need.domain : read.email.domain,
      error: describe(error),
    });
    return undefined;
  }
}

function withCustomRules(
  decision: Decision,
  input: DecideInput,
  read: RequestBody,
  deps: PipelineDeps,
): Decision | Promise<Decision> {
  if (decision.response.action !== "Continue" || !deps.customRules?.length) return decision;
  // A Continue means the body was a claims object with a valid email.
  if (!read.request || typeof read.email === "string") return decision;
  return runCustomRules(decision, input, read.request, read.email, deps.customRules, (message, data) =>
    warn(deps, message, data),
  );
}

function isApproval(value: unknown): value is ApprovalRequest {
  if (!value || typeof value !== "object") return false;
  const status = (value as { status?: unknown }).status;
  return status === "pending" || status === "approved" || status === "denied";
}

function safeNow(deps: PipelineDeps): Date {
  try {
    const now = deps.now();
    if (now instanceof Date && !Number.isNaN(now.getTime())) return now;
  } catch {
    // fall through to the wall clock
  }
  return new Date();
}

function warn(deps: PipelineDeps, message: string, data?: Record<string, unknown>): void {
  try {
    deps.logger.warn(message, data);
  } catch {
    // Logging is best effort.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
