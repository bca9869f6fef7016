/** Required attributes: absent or blank values fail with a ValidationError so the user can fill them in. */
import { invalid, type Rule } from "./rule";

export const requiredRule: Rule = {
  name: "required",
  applies: (ctx) =>
    ctx.step === "postAttributeCollection" && (ctx.policy.requiredAttributes?.length ?? 0) > 0,
  evaluate(ctx) {
    for (const name of ctx.policy.requiredAttributes ?? []) {
      const value = ctx.attributes.read(name);
      if (value === undefined || value.trim().length === 0) return invalid("required_attribute_missing");
    }
    return undefined;
  },
};
