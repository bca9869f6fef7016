/**
 * Per-domain rate limit, counted at postAttributeCollection only: that call happens exactly once per
 * sign-up attempt that reached the form (postFederationSignup is skipped for local accounts and would count
 * federated users twice). The counter itself lives behind the `RateLimiter` port; this rule reads its answer.
 */
import { block, type Rule } from "./rule";

export const rateLimitRule: Rule = {
  name: "rateLimit",
  applies: (ctx) =>
    ctx.step === "postAttributeCollection" && !!ctx.policy.rateLimit && ctx.facts !== undefined,
  evaluate(ctx) {
    const fact = ctx.facts?.rateLimit;
    if (!fact)
      return ctx.policy.rateLimit?.onStoreError === "failClosed" ? block("store_unavailable") : undefined;
    return fact.allowed ? undefined : block("rate_limited");
  },
};
