/**
 * Approval workflow, at postAttributeCollection only: that is where the user has typed their name and
 * justification, and the store's `getOrCreate` is idempotent, so Entra's retry creates one request.
 * An approved request continues; pending and denied ones get a block page. If the pipeline consulted the
 * store but has no answer, we fail CLOSED regardless of policy: failing open would let anyone in.
 */
import type { CompiledPolicy, DomainInfo } from "../compile";
import { block, type Rule } from "./rule";

/** Whether the approval workflow covers a sign-up from `domain` (the approval rule itself runs at step 2 only). */
export function approvalApplies(
  compiled: CompiledPolicy,
  domain: string,
  domainInfo: DomainInfo | undefined,
): boolean {
  const when = compiled.policy.approval?.when;
  if (!when) return false;
  if (compiled.block?.match(domain)) return false;
  if (when.all) return true;
  if (compiled.approvalDomains?.match(domain)) return true;
  // At postFederationSignup this only lets the user through to the attribute page; the request is created later.
  return when.notInAllowList === true && compiled.allow !== undefined && domainInfo === undefined;
}

export const approvalRule: Rule = {
  name: "approval",
  applies: (ctx) => ctx.step === "postAttributeCollection" && ctx.approvalRequired && ctx.facts !== undefined,
  evaluate(ctx) {
    const approval = ctx.facts?.approval;
    if (!approval) return block("store_unavailable");
    if (approval.status === "approved") return undefined;
    return block(approval.status === "denied" ? "approval_denied" : "pending_approval");
  },
};
