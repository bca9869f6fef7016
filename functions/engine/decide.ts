/**
 * `decide`: the pure decision function — (step, request, policy, clock, attribute ids, storage facts) →
 * contract-valid Decision. It never throws: anything unexpected becomes an `internal_error` block page,
 * because an exception would surface to the user as Entra's generic error after a 20 s wait.
 */
import type { Policy } from "../../contract/policy/schema";
import { attributeReader } from "./attributes";
import { clientAddressKey } from "./client-address";
import { compilePolicy, type CompiledPolicy } from "./compile";
import { messageFor, selectLocale } from "./messages";
import { normalizeEmail, type EmailProblem, type NormalizedEmail } from "./normalize";
import { blockDecision, continueDecision, validationDecision } from "./responses";
import { approvalApplies } from "./rules/approval";
import { BUILT_IN_RULES } from "./rules/index";
import type { Facts, RuleContext } from "./rules/rule";
import { STEPS, type ConnectorRequest, type Decision, type Step } from "./types";

export type { Facts } from "./rules/rule";

/** Input of `decide` and `needs`. */
export interface DecideInput {
  readonly step: Step;
  /** The parsed JSON body, unvalidated. */
  readonly request: unknown;
  readonly policy: Policy;
  readonly now: Date;
  /** Logical attribute name → claim key (`extension_<appIdNoDashes>_<Name>`), read from Graph. */
  readonly attributeIds: Record<string, string>;
  /**
   * The caller's browser address, when the call carries one (external tenants'
   * `authenticationContext.client.ip`; B2X calls have none). Counted by `rateLimit.perClientIp`.
   */
  readonly clientIp?: string;
  /**
   * Storage facts. Omitted = the storage ports gave no answer: approval fails closed, the rate limit
   * follows `rateLimit.onStoreError`. `processRequest` fills them in as `needs` says.
   */
  readonly facts?: Facts;
}

/** The storage look-ups that apply to a request once every other rule has passed. */
export interface Needs {
  /** Count this sign-up with `RateLimiter.consume`. */
  readonly rateLimit?: { domain: string; email: string; limit: number; windowMs: number };
  /**
   * Count this sign-up against its client address with the same `RateLimiter.consume` (the address key
   * `client:<v4:…|v6:…/64>` in place of the domain, so it never meets a domain's counter).
   */
  readonly clientRateLimit?: { domain: string; email: string; limit: number; windowMs: number };
  /** Fetch or create the approval request with `ApprovalStore.getOrCreate`. */
  readonly approval?: { email: string; domain: string; displayName?: string };
}

/**
 * The request body read once: the claims object (`undefined` when the body is not a plain JSON object)
 * and its normalised email. The pipeline reads it once and hands it to every stage of one request.
 */
export interface RequestBody {
  readonly request?: ConnectorRequest;
  readonly email: NormalizedEmail | EmailProblem;
}

const FALLBACK_VERSION = "1.0.0";
/** Rate-limit keys of client addresses; a domain never contains `:`, so the two never share a counter. */
export const CLIENT_KEY_PREFIX = "client:";

/** Reads `body` (the parsed, unvalidated JSON) as a claims object and normalises its email. */
export function readRequestBody(body: unknown): RequestBody {
  const request = asRequest(body);
  return { request, email: request ? normalizeEmail(request.email) : "missing_email" };
}

/** Decides a request. Pure and total: never throws, always returns a contract-valid decision. */
export function decide(input: DecideInput, body?: RequestBody): Decision {
  return evaluate(input, input.facts ?? {}, body);
}

/**
 * Evaluates every rule except the storage-backed ones (`facts === undefined` skips them). The pipeline
 * calls this first so a request refused by, say, the domain rule never touches storage.
 */
export function precheck(input: DecideInput, body?: RequestBody): Decision {
  return evaluate(input, undefined, body);
}

/** Which storage facts `decide` will consult for this request (empty when none apply or the email is bad). */
export function needs(input: Omit<DecideInput, "facts">, body?: RequestBody): Needs {
  try {
    const { request, email } = body ?? readRequestBody(input.request);
    if (!request || input.step !== "postAttributeCollection") return {};
    if (typeof email === "string") return {};
    const compiled = compilePolicy(input.policy);
    const out: { -readonly [K in keyof Needs]: Needs[K] } = {};
    if (approvalApplies(compiled, email.domain, compiled.allow?.match(email.domain))) {
      const displayName = attributeReader(request, input.attributeIds)
        .read("displayName")
        ?.trim()
        .slice(0, 256);
      out.approval = { email: email.email, domain: email.domain, ...(displayName ? { displayName } : {}) };
    }
    const rate = input.policy.rateLimit;
    if (rate)
      out.rateLimit = {
        domain: email.domain,
        email: email.email,
        limit: rate.perDomain,
        windowMs: rate.windowHours * 3_600_000,
      };
    const address = rate?.perClientIp === undefined ? undefined : clientAddressKey(input.clientIp);
    if (rate?.perClientIp !== undefined && address !== undefined)
      out.clientRateLimit = {
        domain: `${CLIENT_KEY_PREFIX}${address}`,
        email: email.email,
        limit: rate.perClientIp,
        windowMs: rate.windowHours * 3_600_000,
      };
    return out;
  } catch {
    return {};
  }
}

function evaluate(input: DecideInput, facts: Facts | undefined, body: RequestBody | undefined): Decision {
  const step: Step = STEPS.includes(input.step) ? input.step : "postFederationSignup";
  let version = FALLBACK_VERSION;
  let messages: ReadonlyMap<string, string> | undefined;
  let domain: string | undefined;
  try {
    const compiled = compilePolicy(input.policy);
    version =
      typeof input.policy.version === "string" && input.policy.version ? input.policy.version : version;
    const { request, email } = body ?? readRequestBody(input.request);
    const catalogue = selectLocale(compiled.messages, request?.ui_locales);
    messages = catalogue;
    if (!request || step !== input.step)
      return blockDecision(step, version, messageFor(catalogue, "bad_request"), "bad_request");
    if (typeof email === "string") return blockDecision(step, version, messageFor(catalogue, email), email);
    domain = email.domain;
    return runRules(buildContext(step, request, email, compiled, input, facts), catalogue, version);
  } catch {
    const text = messages ? messageFor(messages, "internal_error") : "Sign-up is temporarily unavailable.";
    return blockDecision(step, version, text, "internal_error", domain);
  }
}

function buildContext(
  step: Step,
  request: ConnectorRequest,
  email: { email: string; domain: string },
  compiled: CompiledPolicy,
  input: DecideInput,
  facts: Facts | undefined,
): RuleContext {
  const domainInfo = compiled.allow?.match(email.domain);
  return {
    step,
    request,
    email,
    compiled,
    policy: compiled.policy,
    attributes: attributeReader(request, input.attributeIds),
    now: input.now instanceof Date && !Number.isNaN(input.now.getTime()) ? input.now : new Date(0),
    facts,
    domainInfo,
    approvalRequired: approvalApplies(compiled, email.domain, domainInfo),
    clientAddress: clientAddressKey(input.clientIp),
    claims: {},
  };
}

function runRules(ctx: RuleContext, messages: ReadonlyMap<string, string>, version: string): Decision {
  for (const rule of BUILT_IN_RULES) {
    if (!rule.applies(ctx)) continue;
    const verdict = rule.evaluate(ctx);
    if (!verdict) continue;
    const text = messageFor(messages, verdict.reason);
    return verdict.kind === "validation"
      ? validationDecision(ctx.step, version, text, verdict.reason, ctx.email.domain, verdict.fields)
      : blockDecision(ctx.step, version, text, verdict.reason, ctx.email.domain);
  }
  return continueDecision(ctx.step, version, ctx.claims, "allowed", ctx.email.domain);
}

/** The body as a claims object, or `undefined` when it is not a plain JSON object. */
function asRequest(body: unknown): ConnectorRequest | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  return body as ConnectorRequest;
}
