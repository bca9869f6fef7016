/**
 * Domain lists compiled to hash maps at policy load: an exact lookup plus one lookup per parent label, so a
 * request costs O(labels) map reads however long the list is.
 */
import { parseDomainPattern } from "../../contract/policy/domain";

/** A domain rule as written in the policy: `"example.com"`, `"*.example.com"`, or with `includeSubdomains`. */
export interface DomainRule<T> {
  readonly pattern: string;
  readonly includeSubdomains?: boolean;
  readonly value: T;
}

export interface DomainMatcher<T> {
  /** The value of the most specific rule matching `domain` (already normalised), or `undefined`. */
  match(domain: string): T | undefined;
  readonly size: number;
}

/** Compiles rules; invalid patterns are skipped (the policy loader has already reported them). */
export function compileDomainMatcher<T>(rules: Iterable<DomainRule<T>>): DomainMatcher<T> {
  const exact = new Map<string, T>();
  const parents = new Map<string, T>();
  let size = 0;
  for (const rule of rules) {
    const parsed = parseDomainPattern(rule.pattern, rule.includeSubdomains);
    if (!parsed) continue;
    size++;
    // First rule wins, so the order in the policy decides between overlapping entries.
    if (parsed.apex && !exact.has(parsed.domain)) exact.set(parsed.domain, rule.value);
    if (parsed.subdomains && !parents.has(parsed.domain)) parents.set(parsed.domain, rule.value);
  }
  return {
    size,
    match(domain: string): T | undefined {
      const hit = exact.get(domain);
      if (hit !== undefined) return hit;
      if (parents.size === 0) return undefined;
      // Walk parents from the most specific: a.b.example.com → b.example.com → example.com → com.
      for (let dot = domain.indexOf("."); dot >= 0; dot = domain.indexOf(".", dot + 1)) {
        const parent = parents.get(domain.slice(dot + 1));
        if (parent !== undefined) return parent;
      }
      return undefined;
    },
  };
}
