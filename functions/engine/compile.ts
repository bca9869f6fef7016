/**
 * Turns a validated `Policy` into the structures the hot path reads: domain hash maps, parsed templates,
 * merged message catalogues. Done once per policy object (memoised in a WeakMap, warmed by `functions/settings.ts` at start-up),
 * never per request.
 */
import type { Policy } from "../../contract/policy/schema";
import { compileDomainMatcher, type DomainMatcher } from "./domain-matcher";
import { compileMessages, type MessageCatalogue } from "./messages";
import { parseTemplate, type Template } from "../../contract/policy/template";
import type { Step } from "./types";

/** What the domain lookup knows about an allow-listed domain. */
export interface DomainInfo {
  readonly companyName?: string;
  readonly role?: string;
}

/** A template bound to its output: a logical custom attribute or a built-in claim. */
export interface ClaimTemplate {
  readonly kind: "attribute" | "claim";
  readonly name: string;
  readonly template: Template;
}

export interface CompiledPolicy {
  readonly policy: Policy;
  /** `undefined` when no allow-list is configured (every domain not blocked may sign up). */
  readonly allow?: DomainMatcher<DomainInfo>;
  readonly block?: DomainMatcher<true>;
  readonly approvalDomains?: DomainMatcher<true>;
  readonly issuerSteps: ReadonlySet<Step>;
  readonly issuerAllow: readonly string[];
  readonly issuerBlock: readonly string[];
  readonly prefill: readonly ClaimTemplate[];
  readonly enrichment: readonly ClaimTemplate[];
  readonly messages: MessageCatalogue;
}

const cache = new WeakMap<Policy, CompiledPolicy>();

/** The compiled form of `policy`, built on first use and cached for the life of the policy object. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  let compiled = cache.get(policy);
  if (!compiled) {
    compiled = build(policy);
    cache.set(policy, compiled);
  }
  return compiled;
}

function templates(kind: ClaimTemplate["kind"], map: Record<string, string> | undefined): ClaimTemplate[] {
  return Object.entries(map ?? {}).map(([name, source]) => ({ kind, name, template: parseTemplate(source) }));
}

function build(policy: Policy): CompiledPolicy {
  const allowList = policy.domains?.allow;
  const allow = allowList
    ? compileDomainMatcher<DomainInfo>(
        allowList.map((entry) =>
          typeof entry === "string"
            ? { pattern: entry, value: {} }
            : {
                pattern: entry.domain,
                includeSubdomains: entry.includeSubdomains,
                value: { companyName: entry.companyName, role: entry.role },
              },
        ),
      )
    : undefined;
  const refs = (list: ReadonlyArray<string | { domain: string; includeSubdomains: boolean }> | undefined) =>
    list
      ? compileDomainMatcher<true>(
          list.map((e) =>
            typeof e === "string"
              ? { pattern: e, value: true }
              : { pattern: e.domain, includeSubdomains: e.includeSubdomains, value: true },
          ),
        )
      : undefined;
  const enrichment = policy.enrichment;
  const enrichmentTemplates = [
    ...(enrichment?.roleAttribute
      ? [{ kind: "attribute" as const, name: enrichment.roleAttribute, template: parseTemplate("{role}") }]
      : []),
    ...templates("attribute", enrichment?.attributes),
    ...templates("claim", enrichment?.claims),
  ];
  return {
    policy,
    allow,
    block: refs(policy.domains?.block),
    approvalDomains: refs(policy.approval?.when.domains),
    issuerSteps: new Set(policy.issuers?.steps ?? []),
    issuerAllow: (policy.issuers?.allow ?? []).map((s) => s.trim().toLowerCase()),
    issuerBlock: (policy.issuers?.block ?? []).map((s) => s.trim().toLowerCase()),
    prefill: [
      ...templates("attribute", policy.prefill?.attributes),
      ...templates("claim", policy.prefill?.claims),
    ],
    enrichment: enrichmentTemplates,
    messages: compileMessages({
      fallbackLocale: policy.messages.fallbackLocale,
      locales: policy.messages.locales,
      pendingMessage: policy.approval?.pendingMessage,
    }),
  };
}
