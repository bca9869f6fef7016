/**
 * The company name the user typed must match the company registered for their email domain, ignoring case
 * and whitespace. Domains without a registered company (or outside the allow-list) are not checked.
 */
import { foldText } from "../normalize";
import { invalid, type Rule } from "./rule";

export const companyRule: Rule = {
  name: "company",
  applies: (ctx) =>
    ctx.step === "postAttributeCollection" &&
    ctx.policy.companyMatch !== undefined &&
    !!ctx.domainInfo?.companyName,
  evaluate(ctx) {
    const expected = ctx.domainInfo?.companyName;
    const attribute = ctx.policy.companyMatch?.attribute ?? "CompanyName";
    const actual = ctx.attributes.read(attribute);
    if (expected === undefined) return undefined;
    if (actual === undefined || foldText(actual) !== foldText(expected))
      return invalid("company_mismatch", [ctx.attributes.outputKey(attribute)]);
    return undefined;
  },
};
