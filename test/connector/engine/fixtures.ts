/** Shared fixtures for the engine tests: the seed policy, attribute ids, request builders, memory deps. */
import seed from "../../../contract/policy/examples/seed-partner-policy.json";
import { decide } from "../../../functions/engine/decide";
import {
  MemoryApprovalStore,
  MemoryEventSink,
  MemoryLogger,
  MemoryRateLimiter,
} from "../../../functions/engine/memory";
import type { PipelineDeps } from "../../../functions/engine/pipeline";
import type { Decision, Step } from "../../../functions/engine/types";
import { parsePolicy, type Policy, type PolicyInput } from "../../../contract/policy/load";

export const APP = "0123456789abcdef0123456789abcdef";
export const ATTRIBUTE_IDS: Record<string, string> = {
  CompanyName: `extension_${APP}_CompanyName`,
  Justification: `extension_${APP}_Justification`,
  PartnerRole: `extension_${APP}_PartnerRole`,
  ApprovedAt: `extension_${APP}_ApprovedAt`,
};
export const NOW = new Date("2026-03-01T12:00:00.000Z");

export const seedPolicy: Policy = parsePolicy(seed);

export function policyWith(overrides: Partial<PolicyInput>): Policy {
  return parsePolicy({ ...(seed as PolicyInput), ...overrides });
}

/** A complete, valid postAttributeCollection request from a partner user. */
export function partnerRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    email: "ann.lee@partner-company.com",
    identities: [
      { signInType: "federated", issuer: "mail", issuerAssignedId: "ann.lee@partner-company.com" },
    ],
    displayName: "Ann Lee",
    givenName: "Ann",
    surname: "Lee",
    ui_locales: "en-US",
    [ATTRIBUTE_IDS.CompanyName!]: "Partner Company",
    [ATTRIBUTE_IDS.Justification!]: "I manage the shared supplier catalogue.",
    ...overrides,
  };
}

/** A decision whose response may be indexed by claim name (tests read returned claims). */
export type LooseDecision = Omit<Decision, "response"> & {
  readonly response: Decision["response"] & Record<string, unknown>;
};

export function run(
  step: Step,
  request: unknown,
  policy: Policy = seedPolicy,
  extra: {
    attributeIds?: Record<string, string>;
    facts?: Parameters<typeof decide>[0]["facts"];
    now?: Date;
  } = {},
): LooseDecision {
  return decide({
    step,
    request,
    policy,
    now: extra.now ?? NOW,
    attributeIds: extra.attributeIds ?? ATTRIBUTE_IDS,
    ...(extra.facts ? { facts: extra.facts } : {}),
  }) as LooseDecision;
}

export interface MemoryDeps extends PipelineDeps {
  readonly rateLimiter: MemoryRateLimiter;
  readonly approvals: MemoryApprovalStore;
  readonly events: MemoryEventSink;
  readonly logger: MemoryLogger;
  clock: Date;
}

/** Pipeline deps on the in-memory ports with a settable clock. */
export function memoryDeps(policy: Policy = seedPolicy, extra: Partial<PipelineDeps> = {}): MemoryDeps {
  const deps = {
    policy,
    attributeIds: ATTRIBUTE_IDS,
    clock: NOW,
    now: () => deps.clock,
    rateLimiter: new MemoryRateLimiter(),
    approvals: new MemoryApprovalStore(),
    events: new MemoryEventSink(),
    logger: new MemoryLogger(),
    ...extra,
  } as MemoryDeps;
  return deps;
}
