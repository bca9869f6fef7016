/**
 * Runs the custom rules after the built-in ones said Continue, and folds their outcomes into the decision.
 * Sequential on purpose: order is the team's priority, a block short-circuits the rest, and each rule's
 * budget is its own (the sum is the team's responsibility against Entra's 20 s).
 */
import { attributeReader } from "./attributes";
import { compilePolicy } from "./compile";
import { pickMessage, runCustomRule, type CustomRule } from "./custom-rule";
import type { DecideInput } from "./decide";
import { messageFor, selectLocale } from "./messages";
import type { NormalizedEmail } from "./normalize";
import { customRuleReason } from "../../contract/policy/reasons";
import { blockDecision, continueDecision, validationDecision } from "./responses";
import type { ConnectorRequest, Decision } from "./types";
import { setOwn } from "../../contract/own";

type Warn = (message: string, data?: Record<string, unknown>) => void;

/** Applies `rules` to a Continue decision; returns it (with extra claims) or the first refusal. */
export async function runCustomRules(
  decision: Decision,
  input: DecideInput,
  request: ConnectorRequest,
  email: NormalizedEmail,
  rules: readonly CustomRule[],
  warn: Warn,
): Promise<Decision> {
  const reader = attributeReader(request, input.attributeIds);
  const { version, action: _action, ...initial } = decision.response;
  const claims: Record<string, unknown> = { ...initial };
  const messages = selectLocale(compilePolicy(input.policy).messages, request.ui_locales);
  for (const rule of rules) {
    if (!rule?.steps?.includes(input.step)) continue;
    const reason = customRuleReason(rule.name);
    const result = await runCustomRule(rule, {
      step: input.step,
      request,
      email: email.email,
      domain: email.domain,
      claims: { ...claims },
      now: input.now,
      attribute: (name) => reader.read(name),
      claimKey: (name) => reader.outputKey(name),
    });
    if (result.kind !== "outcome") {
      warn(
        `custom rule ${rule.name} ${result.kind === "timeout" ? "timed out" : "failed"}; ${rule.onTimeout}`,
        {
          rule: rule.name,
          domain: email.domain,
          ...(result.kind === "error" ? { error: result.error } : {}),
        },
      );
      if (rule.onTimeout === "continue") continue;
      return blockDecision(input.step, version, messageFor(messages, reason), reason, email.domain);
    }
    const outcome = result.outcome;
    if (outcome.action === "continue") {
      for (const [key, value] of Object.entries(outcome.claims ?? {})) setOwn(claims, key, value);
      continue;
    }
    const text = pickMessage(outcome.message, request.ui_locales) ?? messageFor(messages, reason);
    return outcome.action === "block"
      ? blockDecision(input.step, version, text, reason, email.domain)
      : validationDecision(input.step, version, text, reason, email.domain);
  }
  return continueDecision(input.step, version, claims, decision.reason, email.domain);
}
