/**
 * Connector policy sections whose rules run only at postAttributeCollection. The stack settings check
 * (stacks/settings.ts) and the policy pack's post-attribute-collection-connector rule both read this one
 * list, so a new attribute rule cannot be known to one and missed by the other.
 */
export const ATTRIBUTE_COLLECTION_SECTIONS = [
  "requiredAttributes",
  "companyMatch",
  "justification",
  "normalizeNames",
  "enrichment",
] as const;

/** The attribute-collection sections `policy` sets (an empty list counts as not set). */
export function attributeCollectionSectionsIn(policy: Record<string, unknown>): string[] {
  return ATTRIBUTE_COLLECTION_SECTIONS.filter((key) => {
    const v = policy[key];
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  });
}
