/**
 * Per-domain rate limit (and per client address, `rateLimit.perClientIp`, when the call carries one),
 * counted at postAttributeCollection only: that call happens exactly once per sign-up attempt that
 * reached the form (postFederationSignup is skipped for local accounts and would count federated users
 * twice). The counter itself lives behind the `RateLimiter` port; this rule reads its answer.
 */
import { block, type Rule } from "./rule";

export const rateLimitRule: Rule = {
  name: "rateLimit",
  applies: (ctx) =>
    ctx.step === "postAttributeCollection" && !!ctx.policy.rateLimit && ctx.facts !== undefined,
  evaluate(ctx) {
    const failClosed = ctx.policy.rateLimit?.onStoreError === "failClosed";
    const client = ctx.facts?.clientRateLimit;
    if (client?.allowed === false) return block("client_rate_limited");
    // The address had to be counted but the store gave no answer.
    const clientCounted = ctx.clientAddress !== undefined && ctx.policy.rateLimit?.perClientIp !== undefined;
    if (clientCounted && !client && failClosed) return block("store_unavailable");
    const fact = ctx.facts?.rateLimit;
    if (!fact) return failClosed ? block("store_unavailable") : undefined;
    return fact.allowed ? undefined : block("rate_limited");
  },
};
