/**
 * The connector's pure decision engine. Shells (HTTP, auth, storage) import from here and from
 * `../policy/load`; nothing in this folder imports `@azure/*`.
 */
export * from "./types";
export { decide, needs, precheck, type DecideInput, type Facts, type Needs } from "./decide";
export { processRequest, type CallContext, type PipelineDeps } from "./pipeline";
export { clientAddressKey } from "./client-address";
export {
  MAX_CUSTOM_RULE_TIMEOUT_MS,
  runCustomRule,
  type CustomRule,
  type CustomRuleContext,
  type CustomRuleResult,
  type RuleOutcome,
} from "./custom-rule";
export { EVENT_DEDUP_WINDOW_MS, signupEventFor, signupEventId } from "./events";
export { MemoryApprovalStore, MemoryEventSink, MemoryLogger, MemoryRateLimiter } from "./memory";
export { REASON_CODES, customRuleReason, type BuiltInReason } from "../../contract/policy/reasons";
export { DEFAULT_MESSAGES } from "./messages";
export { normalizeDomain } from "../../contract/policy/domain";
export { normalizeEmail, type NormalizedEmail } from "./normalize";
export { compilePolicy } from "./compile";
