/**
 * The built-in rules in evaluation order: refusals first (cheapest and most final), then form validation,
 * then storage facts, then the claim-producing rules that only matter when the answer is Continue.
 */
import { approvalRule } from "./approval";
import { companyRule } from "./company";
import { domainRule } from "./domain";
import { enrichmentRule } from "./enrichment";
import { issuerRule } from "./issuer";
import { justificationRule } from "./justification";
import { namesRule } from "./names";
import { prefillRule } from "./prefill";
import { rateLimitRule } from "./rate-limit";
import { requiredRule } from "./required";
import type { Rule } from "./rule";

export const BUILT_IN_RULES: readonly Rule[] = [
  domainRule,
  issuerRule,
  requiredRule,
  companyRule,
  justificationRule,
  approvalRule,
  rateLimitRule,
  namesRule,
  prefillRule,
  enrichmentRule,
];
