/**
 * The shape of a built-in rule. Rules are synchronous and pure: storage facts (approval, rate limit) are
 * looked up by the pipeline beforehand and handed in through `facts`.
 */
import type { Policy } from "../../../contract/policy/schema";
import type { AttributeReader } from "../attributes";
import type { CompiledPolicy, DomainInfo } from "../compile";
import type { NormalizedEmail } from "../normalize";
import type { ApprovalRequest, ConnectorRequest, ReasonCode, Step } from "../types";

/** Storage facts the pipeline looked up; absent means "not consulted" (see `needs`). */
export interface Facts {
  readonly rateLimit?: { readonly allowed: boolean };
  /** The per-client-address limit (`rateLimit.perClientIp`), when the call carried an address. */
  readonly clientRateLimit?: { readonly allowed: boolean };
  readonly approval?: ApprovalRequest;
}

export interface RuleContext {
  readonly step: Step;
  readonly request: ConnectorRequest;
  readonly email: NormalizedEmail;
  readonly compiled: CompiledPolicy;
  readonly policy: Policy;
  readonly attributes: AttributeReader;
  readonly now: Date;
  readonly facts: Facts | undefined;
  /** The allow-list entry for the domain (`undefined` when there is no allow-list or no match). */
  readonly domainInfo: DomainInfo | undefined;
  /** Whether the approval workflow covers this sign-up (computed once, read by several rules). */
  readonly approvalRequired: boolean;
  /** The normalised client address (`client-address.ts`), when the call carried a valid one. */
  readonly clientAddress?: string;
  /** Claims for the Continue response; claim-producing rules add to it. */
  readonly claims: Record<string, unknown>;
}

/** `block` ends the flow; `validation` lets the user correct the form (postAttributeCollection only). */
export interface Verdict {
  readonly kind: "block" | "validation";
  readonly reason: ReasonCode;
  /**
   * The claim keys a validation verdict is about (the fields to mark). B2X answers one message for the whole
   * form; an external tenant's `showValidationError` shows a message beside each of these fields.
   */
  readonly fields?: readonly string[];
}

export interface Rule {
  readonly name: string;
  /** Whether the rule has anything to do for this policy and step (cheap; no allocation). */
  applies(ctx: RuleContext): boolean;
  /** A verdict to stop, or `undefined` to pass. May add claims to `ctx.claims`. */
  evaluate(ctx: RuleContext): Verdict | undefined;
}

export const block = (reason: ReasonCode): Verdict => ({ kind: "block", reason });
export const invalid = (reason: ReasonCode, fields?: readonly string[]): Verdict => ({
  kind: "validation",
  reason,
  ...(fields?.length ? { fields } : {}),
});

/** Variables for claim templates, from the domain lookup. */
export function templateVars(ctx: RuleContext): { role?: string; companyName?: string; domain: string } {
  return {
    role: ctx.domainInfo?.role ?? ctx.policy.enrichment?.defaultRole,
    companyName: ctx.domainInfo?.companyName,
    domain: ctx.email.domain,
  };
}
