/**
 * The claims the OnTokenIssuanceStart route adds to a token, computed from the user's email domain by the
 * same policy the sign-up steps use: the same domain matching (`domain-matcher.ts`), the same templates
 * (`contract/policy/template.ts`) and the same role/companyName lookup as the enrichment rule. Pure and
 * synchronous; everything is compiled once per (config, policy) pair.
 *
 * - `{ attribute }`: the value the enrichment writes to that custom attribute for the domain at sign-up.
 *   Nothing when the policy would refuse the domain (blocked, or outside the allow-list without approval),
 *   and nothing for `enrichment.approvedAtAttribute` (a stored sign-up time, not a function of the domain).
 * - `{ domainTable }`: the most specific matching entry's value, else `default`.
 * A claim without a value is left out; the claims object itself is always an object (`{}` at worst),
 * because Entra fails the sign-in on a null claims bag (1003007).
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-claims-provider-reference,
 * https://learn.microsoft.com/entra/external-id/user-properties (B2B guest `#EXT#` user principal names).
 * docs/external-tenant-contract.md §7, §9.7.
 */
import { normalizeDomain } from "../../contract/policy/domain";
import type { Policy } from "../../contract/policy/schema";
import { renderTemplate } from "../../contract/policy/template";
import {
  CLAIMS_SIZE_LIMIT_BYTES,
  type ClaimValue,
  type TokenClaim,
  type TokenClaims,
} from "../../contract/tokenClaims";
import { compilePolicy, type CompiledPolicy } from "./compile";
import { compileDomainMatcher, type DomainMatcher } from "./domain-matcher";
import { normalizeEmail } from "./normalize";
import { approvalApplies } from "./rules/approval";

/** The part of `authenticationContext.user` the claims depend on; any field may be absent. */
export interface TokenIssuanceUser {
  readonly mail?: unknown;
  readonly userPrincipalName?: unknown;
  readonly userType?: unknown;
}

/** The claims of one answer: claim id → string or non-empty string array. */
export type IssuedClaims = Record<string, ClaimValue>;

export interface TokenClaimsResult {
  readonly claims: IssuedClaims;
  /** The normalised email domain the values were computed from; `undefined` when none was found. */
  readonly domain?: string;
  /** Claims removed because the answer would have exceeded Entra's 3 KB limit (largest first). */
  readonly dropped: readonly string[];
}

/** A B2B guest's UPN: `alice_contoso.com#EXT#@tenant.onmicrosoft.com` (the `@` of the email became `_`). */
const GUEST_UPN = /^(.+)#EXT#@[^@]+$/i;

/**
 * The user's email domain in the engine's normalised form: from `mail`, else from the user principal name
 * (a guest's `#EXT#` UPN gives back its home email's domain). `undefined` when neither holds an email.
 */
export function userEmailDomain(user: TokenIssuanceUser | undefined): string | undefined {
  const mail = normalizeEmail(user?.mail);
  if (typeof mail === "object") return mail.domain;
  const upn = typeof user?.userPrincipalName === "string" ? user.userPrincipalName.trim() : "";
  const guest = GUEST_UPN.exec(upn);
  if (guest) {
    // Domains never contain "_", so the last one is the email's "@"; the local part may hold others.
    const original = guest[1]!;
    const at = original.lastIndexOf("_");
    if (at <= 0) return undefined;
    const domain = normalizeDomain(original.slice(at + 1));
    return domain?.includes(".") ? domain : undefined;
  }
  const fromUpn = normalizeEmail(upn);
  return typeof fromUpn === "object" ? fromUpn.domain : undefined;
}

interface CompiledClaim {
  readonly id: string;
  readonly value: (domain: string | undefined) => ClaimValue | undefined;
}

const compiledByConfig = new WeakMap<TokenClaims, WeakMap<Policy, readonly CompiledClaim[]>>();

function compileClaims(config: TokenClaims, policy: Policy): readonly CompiledClaim[] {
  let byPolicy = compiledByConfig.get(config);
  if (!byPolicy) compiledByConfig.set(config, (byPolicy = new WeakMap()));
  let compiled = byPolicy.get(policy);
  if (!compiled) {
    const engine = compilePolicy(policy);
    compiled = config.claims.map((claim) => ({ id: claim.id, value: claimValue(claim, engine) }));
    byPolicy.set(policy, compiled);
  }
  return compiled;
}

function claimValue(claim: TokenClaim, engine: CompiledPolicy): CompiledClaim["value"] {
  const { attribute, domainTable } = claim.source;
  if (domainTable) {
    const matcher: DomainMatcher<ClaimValue> = compileDomainMatcher(
      domainTable.entries.map((e) => ({
        pattern: e.domain,
        includeSubdomains: e.includeSubdomains,
        value: e.value,
      })),
    );
    return (domain) => (domain === undefined ? undefined : matcher.match(domain)) ?? domainTable.default;
  }
  if (attribute === undefined) return () => undefined;
  return (domain) => (domain === undefined ? undefined : enrichedValue(engine, attribute, domain));
}

/**
 * What the enrichment rule writes to `attribute` for a sign-up from `domain`: the domain rules first (a
 * refused domain is never enriched), then the templates in the rule's order, the last write winning.
 */
function enrichedValue(engine: CompiledPolicy, attribute: string, domain: string): string | undefined {
  const { policy } = engine;
  const name = attribute.toLowerCase();
  if (policy.enrichment?.approvedAtAttribute?.toLowerCase() === name) return undefined;
  if (engine.block?.match(domain)) return undefined;
  const domainInfo = engine.allow?.match(domain);
  if (engine.allow && domainInfo === undefined && !approvalApplies(engine, domain, domainInfo))
    return undefined;
  // The enrichment rule's variables (functions/engine/rules/rule.ts `templateVars`).
  const vars = {
    role: domainInfo?.role ?? policy.enrichment?.defaultRole,
    companyName: domainInfo?.companyName,
    domain,
  };
  let value: string | undefined;
  for (const t of engine.enrichment) {
    if (t.kind !== "attribute" || t.name.toLowerCase() !== name) continue;
    value = renderTemplate(t.template, vars) ?? value;
  }
  return value;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a value's JSON, the size Entra counts against its 3 KB claims limit. */
export const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;

/**
 * The claims for `user` under `config` and `policy`. Never over `CLAIMS_SIZE_LIMIT_BYTES`: the deploy
 * checks the worst case, and should a value still exceed it the largest claims are left out (and named in
 * `dropped`) rather than failing the user's sign-in.
 */
export function tokenClaimsFor(
  config: TokenClaims,
  policy: Policy,
  user: TokenIssuanceUser | undefined,
): TokenClaimsResult {
  const domain = userEmailDomain(user);
  const claims: IssuedClaims = Object.create(null) as IssuedClaims;
  for (const claim of compileClaims(config, policy)) {
    const value = claim.value(domain);
    if (value !== undefined) claims[claim.id] = value;
  }
  const dropped: string[] = [];
  while (jsonBytes(claims) > CLAIMS_SIZE_LIMIT_BYTES) {
    const largest = Object.keys(claims).reduce((a, b) =>
      jsonBytes(claims[b]) > jsonBytes(claims[a]) ? b : a,
    );
    delete claims[largest];
    dropped.push(largest);
  }
  return { claims: { ...claims }, domain, dropped };
}
