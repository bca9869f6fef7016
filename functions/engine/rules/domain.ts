/**
 * Domain allow/block lists. The block-list wins over the allow-list. A domain outside the allow-list is
 * refused unless the approval workflow covers "not in allow-list" domains — then it passes here and the
 * approval rule decides. Domain refusals are block pages at both steps: the user cannot change their
 * email domain on the attribute page, so a ValidationError would only trap them in a loop.
 */
import { block, type Rule } from "./rule";

export const domainRule: Rule = {
  name: "domain",
  applies: (ctx) => ctx.compiled.block !== undefined || ctx.compiled.allow !== undefined,
  evaluate(ctx) {
    const domain = ctx.email.domain;
    if (ctx.compiled.block?.match(domain)) return block("domain_blocked");
    if (ctx.compiled.allow && ctx.domainInfo === undefined && !ctx.approvalRequired)
      return block("domain_not_allowed");
    return undefined;
  },
};
