/**
 * Required attributes: absent or blank values fail with a ValidationError so the user can fill them in.
 * Every missing field is named, so a form that can mark fields marks all of them at once.
 */
import { invalid, type Rule } from "./rule";

export const requiredRule: Rule = {
  name: "required",
  applies: (ctx) =>
    ctx.step === "postAttributeCollection" && (ctx.policy.requiredAttributes?.length ?? 0) > 0,
  evaluate(ctx) {
    const missing: string[] = [];
    for (const name of ctx.policy.requiredAttributes ?? []) {
      const value = ctx.attributes.read(name);
      if (value === undefined || value.trim().length === 0) missing.push(ctx.attributes.outputKey(name));
    }
    return missing.length > 0 ? invalid("required_attribute_missing", missing) : undefined;
  },
};
