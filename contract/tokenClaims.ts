/**
 * `tokenClaims`: which claims a custom authentication extension adds to tokens at OnTokenIssuanceStart,
 * where each value comes from, and which applications' tokens get them. Both sources are computed by the
 * connector policy's rule engine from the email domain, so every value a claim can take is known when
 * the stack is deployed — and so is the worst-case size of the answer, which must stay within Entra's
 * 3 KB limit for the claims of one response (error 1003025 ResponseClaimsSizeExceeded).
 *
 * Claim values are strings or string arrays (the only kinds Entra accepts), never empty; the claim id is
 * the key in the API's answer (`claimIdInApiResponse`, case-sensitive, never empty: error 1003026), and
 * the claims mapping policy's `ID` (`Source: CustomClaimsProvider`); `jwtClaimType` renames it in the token.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-claims-provider-reference,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot,
 * https://learn.microsoft.com/entra/identity-platform/reference-claims-customization
 */
import { z } from "zod";
import { parseDomainPattern } from "./policy/domain";
import type { Policy } from "./policy/schema";
import { parseTemplate } from "./policy/template";
import type { CustomAttribute } from "./userFlowSchema";

/** Entra's limit on the claims (keys and values) of one OnTokenIssuanceStart answer, in bytes. */
export const CLAIMS_SIZE_LIMIT_BYTES = 3 * 1024;

/** The longest email domain (DNS name, ASCII/punycode) a `{domain}` template variable can take. */
export const MAX_DOMAIN_LENGTH = 253;
/** The longest `Date.prototype.toISOString()` (`+275760-09-13T00:00:00.000Z`): the approved-at value. */
export const MAX_TIMESTAMP_LENGTH = 27;

/**
 * Claim names Entra issues itself (the restricted claim set); a claims mapping policy cannot put a
 * custom value under them, so `jwtClaimType` (or the id, when it has none) must avoid them.
 */
export const RESTRICTED_JWT_CLAIMS: ReadonlySet<string> = new Set([
  "acr",
  "aio",
  "amr",
  "appid",
  "appidacr",
  "at_hash",
  "aud",
  "auth_time",
  "azp",
  "azpacr",
  "c_hash",
  "cnf",
  "exp",
  "iat",
  "idp",
  "iss",
  "nbf",
  "nonce",
  "oid",
  "rh",
  "roles",
  "scp",
  "sid",
  "sub",
  "tid",
  "uti",
  "ver",
  "wids",
]);

const guid = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    "must be a GUID like 00000000-0000-0000-0000-000000000000",
  );

const NAME = /^[^\s\u0000-\u001f"\\](?:[^\u0000-\u001f"\\]{0,126}[^\s\u0000-\u001f"\\])?$/;
const claimName = z
  .string()
  .regex(
    NAME,
    "must be 1–128 characters without surrounding spaces, quotes, backslashes or control characters",
  );

/** A claim value: a non-empty string or a non-empty array of non-empty strings. */
export const claimValueSchema = z.union([
  z.string().min(1, "must not be empty"),
  z.array(z.string().min(1, "must not be empty")).min(1),
]);
export type ClaimValue = z.infer<typeof claimValueSchema>;

const domainPattern = z.string().refine((v) => parseDomainPattern(v) !== undefined, {
  error: (issue) => `"${String(issue.input)}" is not a valid domain — write "example.com" or "*.example.com"`,
});

/**
 * A value per email domain, matched like the connector policy's domain lists: an exact domain beats a
 * parent, the most specific parent wins, and the first entry wins between equal patterns.
 */
export const domainTableSchema = z.strictObject({
  entries: z
    .array(
      z.strictObject({
        /** `example.com` (that domain) or `*.example.com` (its subdomains). */
        domain: domainPattern,
        /** Also match every subdomain of `domain`. @default false */
        includeSubdomains: z.boolean().default(false),
        value: claimValueSchema,
      }),
    )
    .min(1),
  /** The value for a domain no entry matches. @default - the claim is left out of the token */
  default: claimValueSchema.optional(),
});
export type DomainTable = z.infer<typeof domainTableSchema>;

/** Where a claim's value comes from: exactly one of `attribute` and `domainTable`. */
export const claimSourceSchema = z
  .strictObject({
    /**
     * A custom attribute (logical name, declared in `attributes`) that the connector policy's
     * `enrichment` writes: `roleAttribute`, `approvedAtAttribute` or a key of `enrichment.attributes`.
     */
    attribute: z.string().min(1).optional(),
    /** A value table keyed by email domain. */
    domainTable: domainTableSchema.optional(),
  })
  .superRefine((source, ctx) => {
    const set = [source.attribute, source.domainTable].filter((s) => s !== undefined).length;
    if (set !== 1)
      ctx.addIssue({
        code: "custom",
        message:
          set === 0
            ? 'give the value\'s source: { attribute: "<custom attribute the enrichment writes>" } or { domainTable: { entries: [...] } }'
            : "set either attribute or domainTable, not both",
      });
  });

/** One claim. */
export const tokenClaimSchema = z.strictObject({
  /** The key in the API's answer and the claims mapping policy's `ID` (case-sensitive). */
  id: claimName,
  /** The claim's name in the token. @default - the id */
  jwtClaimType: claimName.optional(),
  source: claimSourceSchema,
});

/** `tokenClaims`: the claims, and the client ids (appId) of the applications whose tokens get them. */
export const tokenClaimsSchema = z
  .strictObject({
    claims: z.array(tokenClaimSchema).min(1),
    /** Client ids (appId GUIDs) of the apps; ID tokens of a client app, access tokens of a resource app. */
    appIds: z.array(guid).min(1),
  })
  .superRefine((config, ctx) => {
    const ids = new Map<string, number>();
    const jwt = new Map<string, number>();
    config.claims.forEach((claim, i) => {
      if (ids.has(claim.id))
        ctx.addIssue({
          code: "custom",
          path: ["claims", i, "id"],
          message: `"${claim.id}" is also claim ${ids.get(claim.id)}'s id — claim ids must be unique`,
        });
      else ids.set(claim.id, i);
      const name = claim.jwtClaimType ?? claim.id;
      const where = claim.jwtClaimType === undefined ? "id" : "jwtClaimType";
      if (RESTRICTED_JWT_CLAIMS.has(name.toLowerCase()))
        ctx.addIssue({
          code: "custom",
          path: ["claims", i, where],
          message: `"${name}" is a claim Entra issues itself (restricted claim set) — set jwtClaimType to another name`,
        });
      else if (jwt.has(name))
        ctx.addIssue({
          code: "custom",
          path: ["claims", i, where],
          message: `"${name}" is also claim ${jwt.get(name)}'s name in the token — set a different jwtClaimType`,
        });
      else jwt.set(name, i);
    });
    const apps = new Set<string>();
    config.appIds.forEach((appId, i) => {
      if (apps.has(appId.toLowerCase()))
        ctx.addIssue({
          code: "custom",
          path: ["appIds", i],
          message: `"${appId}" is listed twice — remove one`,
        });
      apps.add(appId.toLowerCase());
    });
  });

export type TokenClaims = z.infer<typeof tokenClaimsSchema>;
export type TokenClaimsInput = z.input<typeof tokenClaimsSchema>;
export type TokenClaim = TokenClaims["claims"][number];

/** A problem of a `tokenClaims` config that its schema cannot see (it needs the attributes and policy). */
export interface TokenClaimsProblem {
  /** Key path relative to `tokenClaims`, e.g. `claims.1.source.attribute`. */
  readonly path: string;
  readonly value: unknown;
  /** What is wrong, then ` — ` and the fix. */
  readonly message: string;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a value as JSON. */
const jsonBytes = (value: unknown) => encoder.encode(JSON.stringify(value)).length;
/** UTF-8 bytes of a string's JSON form without its quotes. */
const innerBytes = (text: string) => jsonBytes(text) - 2;
const longest = (values: readonly string[]) =>
  values.length === 0 ? undefined : Math.max(...values.map(innerBytes));

/** Every value the enrichment can write to a custom attribute, as a bound on its JSON size (quotes included). */
function enrichedAttributeBytes(policy: Policy, attribute: string): number | undefined {
  const enrichment = policy.enrichment;
  const same = (name: string | undefined) => name?.toLowerCase() === attribute.toLowerCase();
  const allow = (policy.domains?.allow ?? []).flatMap((e) => (typeof e === "string" ? [] : [e]));
  const roles = [
    ...allow.flatMap((e) => (e.role ? [e.role] : [])),
    ...(enrichment?.defaultRole ? [enrichment.defaultRole] : []),
  ];
  const vars: Record<string, number | undefined> = {
    role: longest(roles),
    companyName: longest(allow.flatMap((e) => (e.companyName ? [e.companyName] : []))),
    domain: MAX_DOMAIN_LENGTH,
  };
  const bounds: number[] = [];
  if (same(enrichment?.roleAttribute) && vars.role !== undefined) bounds.push(vars.role);
  if (same(enrichment?.approvedAtAttribute)) bounds.push(MAX_TIMESTAMP_LENGTH);
  for (const [name, source] of Object.entries(enrichment?.attributes ?? {})) {
    if (!same(name)) continue;
    let bytes = 0;
    for (const part of parseTemplate(source).parts) {
      const add = "text" in part ? innerBytes(part.text) : vars[part.variable];
      // A variable without any value makes the template render nothing.
      if (add === undefined) {
        bytes = -1;
        break;
      }
      bytes += add;
    }
    if (bytes > 0) bounds.push(bytes);
  }
  return bounds.length === 0 ? undefined : Math.max(...bounds) + 2;
}

/** Whether the connector policy's enrichment writes the custom attribute at all. */
export function enrichmentWrites(policy: Policy, attribute: string): boolean {
  const e = policy.enrichment;
  const key = attribute.toLowerCase();
  return (
    e?.roleAttribute?.toLowerCase() === key ||
    e?.approvedAtAttribute?.toLowerCase() === key ||
    Object.keys(e?.attributes ?? {}).some((k) => k.toLowerCase() === key)
  );
}

/**
 * The largest JSON size in bytes of one claim's value (quotes and brackets included), or `undefined` when
 * the claim can never have a value (it is then never in the answer).
 */
export function worstCaseClaimValueBytes(claim: TokenClaim, policy: Policy): number | undefined {
  const { attribute, domainTable } = claim.source;
  if (domainTable) {
    const values = [
      ...domainTable.entries.map((e) => e.value),
      ...(domainTable.default ? [domainTable.default] : []),
    ];
    return Math.max(...values.map(jsonBytes));
  }
  return attribute === undefined ? undefined : enrichedAttributeBytes(policy, attribute);
}

/**
 * The largest the `claims` object of one answer can be, in UTF-8 bytes of its JSON (`{"id":value,...}`,
 * keys, quotes, colons and commas included), over every email domain the connector policy can see.
 */
export function worstCaseClaimsBytes(config: TokenClaims, policy: Policy): number {
  const entries = config.claims.flatMap((claim) => {
    const value = worstCaseClaimValueBytes(claim, policy);
    return value === undefined ? [] : [jsonBytes(claim.id) + 1 + value];
  });
  return 2 + entries.reduce((sum, n) => sum + n, 0) + Math.max(0, entries.length - 1);
}

/**
 * The problems of `config` given the declared custom attributes and the validated connector policy: an
 * attribute source that is not declared, that the enrichment does not write (its size would be unknown),
 * or that never gets a value; and a worst case over Entra's 3 KB limit, with the figure and the fix.
 */
export function checkTokenClaims(
  config: TokenClaims,
  attributes: readonly Pick<CustomAttribute, "name">[],
  policy: Policy,
): TokenClaimsProblem[] {
  const problems: TokenClaimsProblem[] = [];
  const declared = new Set(attributes.map((a) => a.name.toLowerCase()));
  config.claims.forEach((claim, i) => {
    const name = claim.source.attribute;
    if (name === undefined) return;
    const path = `claims.${i}.source.attribute`;
    if (!declared.has(name.toLowerCase()))
      problems.push({
        path,
        value: name,
        message: `'${name}' is not declared in attributes — declare it there or fix the name`,
      });
    else if (
      policy.enrichment?.approvedAtAttribute?.toLowerCase() === name.toLowerCase() &&
      policy.enrichment?.roleAttribute?.toLowerCase() !== name.toLowerCase() &&
      !Object.keys(policy.enrichment?.attributes ?? {}).some((k) => k.toLowerCase() === name.toLowerCase())
    )
      problems.push({
        path,
        value: name,
        message:
          `'${name}' holds the approval time stored at sign-up, which the token route cannot recompute from the ` +
          `email domain (it would never be issued) — remove the claim, or use a domainTable or an attribute the ` +
          `enrichment computes (roleAttribute or enrichment.attributes)`,
      });
    else if (!enrichmentWrites(policy, name))
      problems.push({
        path,
        value: name,
        message:
          `the connector policy's enrichment does not write '${name}', so neither its value nor its size is ` +
          `known at deploy time — write it with connector.policy.enrichment (roleAttribute, approvedAtAttribute ` +
          `or attributes.${name}) or use a domainTable`,
      });
    else if (worstCaseClaimValueBytes(claim, policy) === undefined)
      problems.push({
        path,
        value: name,
        message:
          `the connector policy never gives '${name}' a value (no role in domains.allow, no ` +
          `enrichment.defaultRole, or a template variable without any value) — give it one or remove the claim`,
      });
  });
  const bytes = worstCaseClaimsBytes(config, policy);
  if (bytes > CLAIMS_SIZE_LIMIT_BYTES) {
    const sizes = config.claims
      .map((claim) => ({ id: claim.id, bytes: worstCaseClaimValueBytes(claim, policy) ?? 0 }))
      .sort((a, b) => b.bytes - a.bytes);
    problems.push({
      path: "claims",
      value: bytes,
      message:
        `the claims can reach ${bytes} bytes in one token's answer (largest values: ` +
        `${sizes
          .slice(0, 3)
          .map((s) => `${s.id} ${s.bytes} B`)
          .join(", ")}), over Entra's limit of ${CLAIMS_SIZE_LIMIT_BYTES} bytes (error 1003025 ` +
        `ResponseClaimsSizeExceeded fails the sign-in) — shorten the longest values (${sizes[0]?.id}) or issue fewer claims`,
    });
  }
  return problems;
}

/** The claims mapping policy's claims (`ID`, `JwtClaimType`) for the `ClaimsMappingPolicy` resource. */
export function claimsMappingPolicyClaims(config: TokenClaims): { id: string; jwtClaimType?: string }[] {
  return config.claims.map((c) =>
    c.jwtClaimType ? { id: c.id, jwtClaimType: c.jwtClaimType } : { id: c.id },
  );
}

/** `claimsForTokenConfiguration` of the OnTokenIssuanceStart extension: the claim ids, in order. */
export function claimIdsInApiResponse(config: TokenClaims): string[] {
  return config.claims.map((c) => c.id);
}
