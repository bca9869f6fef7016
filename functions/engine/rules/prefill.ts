/**
 * Pre-fill at postFederationSignup: claims returned there populate the attribute page
 * (docs/graph-contract.md §6.5), so the domain lookup can propose the company name. A value the identity
 * provider already supplied is kept.
 */
import { renderTemplate } from "../../../contract/policy/template";
import { templateVars, type Rule } from "./rule";
import { setOwn } from "../../../contract/own";

export const prefillRule: Rule = {
  name: "prefill",
  applies: (ctx) => ctx.step === "postFederationSignup" && ctx.compiled.prefill.length > 0,
  evaluate(ctx) {
    const vars = templateVars(ctx);
    for (const t of ctx.compiled.prefill) {
      const existing = ctx.attributes.read(t.name);
      if (existing !== undefined && existing.trim().length > 0) continue;
      const value = renderTemplate(t.template, vars);
      if (value !== undefined)
        setOwn(ctx.claims, t.kind === "attribute" ? ctx.attributes.outputKey(t.name) : t.name, value);
    }
    return undefined;
  },
};
