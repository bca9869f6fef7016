/**
 * Identity-provider allow/block lists on `identities[].issuer`. Matching is a case-insensitive "contains"
 * because the docs disagree on issuer values (`facebook.com` vs `facebook`, DOC-CONFLICT 7).
 * Entra ID, Microsoft account and SAML/WS-Fed users carry no `identities`; `whenMissing` decides for them,
 * and without it an allow-list fails closed (it cannot vouch for an issuer it never saw).
 */
import { block, type Rule, type RuleContext } from "./rule";

export const issuerRule: Rule = {
  name: "issuer",
  applies: (ctx) =>
    ctx.compiled.issuerSteps.has(ctx.step) &&
    (ctx.compiled.issuerAllow.length > 0 || ctx.compiled.issuerBlock.length > 0),
  evaluate(ctx) {
    const issuers = readIssuers(ctx);
    const { issuerAllow, issuerBlock } = ctx.compiled;
    if (issuers.length === 0) return whenMissing(ctx) === "block" ? block("issuer_not_allowed") : undefined;
    for (const issuer of issuers)
      if (issuerBlock.some((b) => issuer.includes(b))) return block("issuer_blocked");
    if (issuerAllow.length > 0 && !issuers.some((issuer) => issuerAllow.some((a) => issuer.includes(a))))
      return block("issuer_not_allowed");
    return undefined;
  },
};

/** The policy's explicit choice, else block next to an allow-list and allow with a block-list only. */
export function whenMissing(ctx: Pick<RuleContext, "policy" | "compiled">): "allow" | "block" {
  return ctx.policy.issuers?.whenMissing ?? (ctx.compiled.issuerAllow.length > 0 ? "block" : "allow");
}

function readIssuers(ctx: RuleContext): string[] {
  const identities = ctx.request.identities;
  if (!Array.isArray(identities)) return [];
  const out: string[] = [];
  // Cap the scan: a real request has one or two identities.
  for (const identity of identities.slice(0, 16) as unknown[]) {
    if (
      identity &&
      typeof identity === "object" &&
      "issuer" in identity &&
      typeof identity.issuer === "string"
    )
      out.push(identity.issuer.slice(0, 256).toLowerCase());
  }
  return out;
}
