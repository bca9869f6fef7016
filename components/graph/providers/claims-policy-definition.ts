/**
 * The `definition` of a claims mapping policy that puts the claims a token issuance start extension
 * returns into the token: one string holding the policy JSON, every entry `Source: CustomClaimsProvider`
 * with the claim's `ID` (case-sensitive: the key the API returns) and an optional `JwtClaimType` rename.
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration,
 * https://learn.microsoft.com/graph/api/resources/claimsmappingpolicy
 */
import { isUnknown, type Problem } from "./common";

export interface MappedClaim {
  /** The key the extension's API returns (case-sensitive), e.g. `PartnerRole`. */
  readonly id: string;
  /** The claim's name in the token. @default - the id */
  readonly jwtClaimType?: string;
}

export const customClaimsSource = "CustomClaimsProvider";

/** The policy definition for `claims`: an array with ONE string (the policy JSON). */
export function claimsMappingDefinition(claims: readonly MappedClaim[]): string[] {
  const ClaimsSchema = claims.map((c) => ({
    Source: customClaimsSource,
    ID: c.id,
    ...(c.jwtClaimType === undefined ? {} : { JwtClaimType: c.jwtClaimType }),
  }));
  return [
    JSON.stringify({ ClaimsMappingPolicy: { Version: 1, IncludeBasicClaimSet: "true", ClaimsSchema } }),
  ];
}

/**
 * The custom-provider claims a definition maps, or undefined when it is not a definition this resource
 * would have written (another source, another shape): then it differs from any configured claim set.
 */
export function claimsOfDefinition(definition: unknown): MappedClaim[] | undefined {
  if (!Array.isArray(definition) || definition.length !== 1 || typeof definition[0] !== "string")
    return undefined;
  try {
    const doc = JSON.parse(definition[0]) as { ClaimsMappingPolicy?: { ClaimsSchema?: unknown } };
    const schema = doc.ClaimsMappingPolicy?.ClaimsSchema;
    if (!Array.isArray(schema)) return undefined;
    const claims: MappedClaim[] = [];
    for (const e of schema as Record<string, unknown>[]) {
      if (e?.Source !== customClaimsSource || typeof e.ID !== "string") return undefined;
      claims.push(
        typeof e.JwtClaimType === "string" ? { id: e.ID, jwtClaimType: e.JwtClaimType } : { id: e.ID },
      );
    }
    return claims;
  } catch {
    return undefined;
  }
}

const claimName = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/**
 * Problems with a claim list: at least one claim; ids non-empty (Entra refuses an empty claim key,
 * 1003026) and unique (case-sensitively, as Entra matches them); token names unique; names start with a
 * letter or `_` and use letters, digits and `_ . : -`.
 */
export function validateClaims(raw: unknown, field = "claims"): Problem[] {
  if (isUnknown(raw)) return [];
  if (!Array.isArray(raw) || raw.length === 0)
    return [
      [field, `${field}: at least one claim, e.g. [{ id: "PartnerRole", jwtClaimType: "partner_role" }]`],
    ];
  const problems: Problem[] = [];
  const ids = new Map<string, number>();
  const tokenNames = new Map<string, number>();
  raw.forEach((c: unknown, i) => {
    const at = `${field}[${i}]`;
    if (isUnknown(c)) return;
    const claim = c as Record<string, unknown> | null;
    if (!claim || typeof claim !== "object")
      return void problems.push([field, `${at}: must be { id, jwtClaimType? }`]);
    const id = claim.id;
    if (isUnknown(id)) return;
    if (typeof id !== "string" || id.trim() === "") {
      problems.push([
        field,
        `${at}.id: required non-empty string — Entra refuses an empty claim key (1003026)`,
      ]);
      return;
    }
    if (!claimName.test(id))
      problems.push([
        field,
        `${at}.id: ${JSON.stringify(id)} — use letters, digits and _ . : - (start with a letter or _)`,
      ]);
    if (ids.has(id))
      problems.push([field, `${at}.id: ${JSON.stringify(id)} repeats ${field}[${ids.get(id)}]`]);
    ids.set(id, i);
    const jwt = claim.jwtClaimType;
    if (jwt !== undefined && !isUnknown(jwt)) {
      if (typeof jwt !== "string" || !claimName.test(jwt)) {
        problems.push([
          field,
          `${at}.jwtClaimType: ${JSON.stringify(jwt)} — omit it to keep the id, or use letters, digits and _ . : -`,
        ]);
        return;
      }
    }
    const name = typeof jwt === "string" ? jwt : id;
    if (tokenNames.has(name))
      problems.push([
        field,
        `${at}: token claim name ${JSON.stringify(name)} is also used by ${field}[${tokenNames.get(name)}]`,
      ]);
    tokenNames.set(name, i);
  });
  return problems;
}
