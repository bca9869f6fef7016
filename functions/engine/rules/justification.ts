/**
 * Minimum justification length, counted in code points after trimming so "   " is empty and an emoji is
 * one character, not two UTF-16 units.
 */
import { invalid, type Rule } from "./rule";

export const justificationRule: Rule = {
  name: "justification",
  applies: (ctx) => ctx.step === "postAttributeCollection" && ctx.policy.justification !== undefined,
  evaluate(ctx) {
    const rule = ctx.policy.justification;
    if (!rule) return undefined;
    const text = ctx.attributes.read(rule.attribute)?.trim() ?? "";
    let length = 0;
    for (const _ of text) if (++length >= rule.minLength) return undefined;
    return invalid("justification_too_short", [ctx.attributes.outputKey(rule.attribute)]);
  },
};
