/**
 * Enrichment at postAttributeCollection: returned claims OVERWRITE what the user entered
 * (docs/graph-contract.md §6.5), so the role, job title and approval timestamp come from policy, not from the
 * form.
 */
import { renderTemplate } from "../../../contract/policy/template";
import { templateVars, type Rule } from "./rule";
import { setOwn } from "../../../contract/own";

export const enrichmentRule: Rule = {
  name: "enrichment",
  applies: (ctx) =>
    ctx.step === "postAttributeCollection" &&
    (ctx.compiled.enrichment.length > 0 || ctx.policy.enrichment?.approvedAtAttribute !== undefined),
  evaluate(ctx) {
    const vars = templateVars(ctx);
    for (const t of ctx.compiled.enrichment) {
      const value = renderTemplate(t.template, vars);
      if (value !== undefined)
        setOwn(ctx.claims, t.kind === "attribute" ? ctx.attributes.outputKey(t.name) : t.name, value);
    }
    const approvedAt = ctx.policy.enrichment?.approvedAtAttribute;
    if (approvedAt) {
      // The reviewer's decision time when a human approved; otherwise the policy approved it just now.
      const decided = ctx.facts?.approval?.status === "approved" ? ctx.facts.approval.decidedAt : undefined;
      setOwn(ctx.claims, ctx.attributes.outputKey(approvedAt), decided ?? ctx.now.toISOString());
    }
    return undefined;
  },
};
