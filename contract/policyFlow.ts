/**
 * The connector policy related to the user flow it serves. Entra applies a claim an API connector returns
 * (pre-fill at postFederationSignup, overwrite at postAttributeCollection) only when the attribute is one
 * of the flow's user attributes, i.e. on its attribute page; any other returned claim is silently dropped
 * (https://learn.microsoft.com/entra/external-id/self-service-sign-up-add-api-connector, "Continuation
 * response"). So every attribute the policy can write or pre-fill must be on the page.
 *
 * Pure and dependency-free: the deploy side (stack settings) and the Function App side can both import it.
 * It reads the policy as plain JSON (validated elsewhere), so a malformed section yields no finding here.
 */

/** One attribute the policy writes that the flow's page does not have. */
export interface PolicyFlowProblem {
  /** Where the policy writes it, relative to the policy, e.g. `enrichment.claims.jobTitle`. */
  readonly keyPath: string;
  /** The logical attribute name (`PartnerRole`) or built-in claim (`jobTitle`) written. */
  readonly attribute: string;
  /** What happens and how to fix it, in one sentence. */
  readonly message: string;
}

/** Built-in claims `normalizeNames` rewrites when it is on without an explicit `fields` list. */
const DEFAULT_NORMALIZED_FIELDS = ["givenName", "surname", "displayName"];

/**
 * Every attribute `policy` can return (enrichment claims and attributes, the role and approved-at
 * attributes, pre-fill, normalised names) that is not in `pageAttributes`, each with its key path and the
 * fix. `pageAttributes` are the page's attribute names as the stack writes them (`CompanyName`,
 * `jobTitle`); names compare case-insensitively, as Entra's attribute names do.
 */
export function attributesMissingFromPage(
  policy: unknown,
  pageAttributes: readonly string[],
): PolicyFlowProblem[] {
  const onPage = new Set(pageAttributes.map((a) => a.toLowerCase()));
  const problems: PolicyFlowProblem[] = [];
  for (const { keyPath, attribute, verb } of writtenAttributes(asObject(policy))) {
    if (onPage.has(attribute.toLowerCase())) continue;
    problems.push({
      keyPath,
      attribute,
      message:
        `${keyPath} ${verb} '${attribute}', which is not on the user flow's page, so Entra drops the value: ` +
        `add '${attribute}' to the user flow's page (an optional field if the user need not fill it), or ` +
        `remove it from the policy`,
    });
  }
  return problems;
}

interface Written {
  readonly keyPath: string;
  readonly attribute: string;
  readonly verb: "pre-fills" | "writes";
}

function writtenAttributes(policy: Record<string, unknown> | undefined): Written[] {
  if (policy === undefined) return [];
  const out: Written[] = [];
  const keys = (section: string, map: string, verb: Written["verb"]) => {
    for (const attribute of Object.keys(asObject(asObject(policy[section])?.[map]) ?? {}))
      out.push({ keyPath: `${section}.${map}.${attribute}`, attribute, verb });
  };
  keys("prefill", "attributes", "pre-fills");
  keys("prefill", "claims", "pre-fills");
  const enrichment = asObject(policy.enrichment);
  for (const key of ["roleAttribute", "approvedAtAttribute"]) {
    const attribute = enrichment?.[key];
    if (typeof attribute === "string" && attribute.trim() !== "")
      out.push({ keyPath: `enrichment.${key}`, attribute, verb: "writes" });
  }
  keys("enrichment", "attributes", "writes");
  keys("enrichment", "claims", "writes");
  const normalize = asObject(policy.normalizeNames);
  if (normalize !== undefined) {
    const fields = Array.isArray(normalize.fields) ? normalize.fields : DEFAULT_NORMALIZED_FIELDS;
    fields.forEach((field, i) => {
      if (typeof field === "string")
        out.push({
          keyPath: Array.isArray(normalize.fields) ? `normalizeNames.fields.${i}` : "normalizeNames",
          attribute: field,
          verb: "writes",
        });
    });
  }
  return out;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
