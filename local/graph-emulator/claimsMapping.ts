/**
 * What a claims mapping policy does to the claims a custom claims provider returned: only the claims whose
 * `ID` a `ClaimsSchema` entry with `Source: "CustomClaimsProvider"` names (case-sensitive) reach the token,
 * under that entry's `JwtClaimType` (else under the `ID`). A claim the token already carries for the
 * protocol (`aud`, `iss`, `sub`, …) cannot be replaced by a mapping. docs/external-tenant-contract.md §7.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration,
 * https://learn.microsoft.com/entra/identity-platform/reference-claims-customization#claim-schema
 */
import type { StoredClaimsMappingPolicy } from "./types";

/** One `ClaimsSchema` entry sourced from the custom claims provider. */
export interface CustomClaimMapping {
  /** The key in the API's `claims` object. */
  readonly id: string;
  /** The claim name in the token. */
  readonly jwtClaimType: string;
}

/** A returned claim that does not reach the token, and why. */
export interface IgnoredClaim {
  readonly claim: string;
  readonly reason: string;
}

/** The `CustomClaimsProvider` entries of the policies (definitions were checked when they were written). */
export function customClaimMappings(policies: readonly StoredClaimsMappingPolicy[]): CustomClaimMapping[] {
  const out: CustomClaimMapping[] = [];
  for (const policy of policies) {
    for (const text of policy.definition) {
      const doc = JSON.parse(text) as {
        ClaimsMappingPolicy?: { ClaimsSchema?: Array<Record<string, unknown>> };
      };
      for (const entry of doc.ClaimsMappingPolicy?.ClaimsSchema ?? []) {
        if (entry.Source !== "CustomClaimsProvider" || typeof entry.ID !== "string") continue;
        const jwt = typeof entry.JwtClaimType === "string" ? entry.JwtClaimType : entry.ID;
        out.push({ id: entry.ID, jwtClaimType: jwt });
      }
    }
  }
  return out;
}

/**
 * The token claims the mappings give `returned`, and the returned claims left out (no mapping, or a name
 * the token keeps for itself: `reserved`).
 */
export function mapCustomClaims(
  mappings: readonly CustomClaimMapping[],
  returned: Readonly<Record<string, string | string[]>>,
  reserved: ReadonlySet<string>,
): { mapped: Record<string, string | string[]>; ignored: IgnoredClaim[] } {
  const mapped: Record<string, string | string[]> = {};
  const ignored: IgnoredClaim[] = [];
  for (const [claim, value] of Object.entries(returned)) {
    const mapping = mappings.find((m) => m.id === claim);
    if (!mapping) {
      ignored.push({
        claim,
        reason:
          "no ClaimsSchema entry with Source CustomClaimsProvider and this ID in the claims mapping policy of the app's service principal",
      });
      continue;
    }
    if (reserved.has(mapping.jwtClaimType)) {
      ignored.push({
        claim,
        reason: `JwtClaimType ${mapping.jwtClaimType} is a claim the token issues itself; a mapping cannot replace it`,
      });
      continue;
    }
    Object.defineProperty(mapped, mapping.jwtClaimType, { enumerable: true, value, writable: true });
  }
  return { mapped, ignored };
}
