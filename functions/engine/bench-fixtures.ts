/**
 * Fixtures for `bench/connector.ts`: a realistic policy (seed rules plus a few hundred partner domains,
 * a block-list, issuers, locales, rate limit) and a request mix covering every outcome. Target: the decision
 * path at p50/p99 ≤ 5 ms. The policy is parsed (and compiled) once here, at import, as in production.
 */
import seed from "../../contract/policy/examples/seed-partner-policy.json";
import { parsePolicy, type PolicyInput } from "../../contract/policy/load";
import type { Step } from "./types";

const APP = "0123456789abcdef0123456789abcdef";

/** Logical attribute → claim key, as `SIGNUP_ATTRIBUTE_IDS` would hold it. */
export const benchAttributeIds: Readonly<Record<string, string>> = Object.freeze({
  CompanyName: `extension_${APP}_CompanyName`,
  Justification: `extension_${APP}_Justification`,
  PartnerRole: `extension_${APP}_PartnerRole`,
  ApprovedAt: `extension_${APP}_ApprovedAt`,
});

const seedInput = seed as PolicyInput;
const extraPartners = Array.from({ length: 500 }, (_, i) => ({
  domain: `partner${i}.example`,
  includeSubdomains: i % 3 === 0,
  companyName: `Partner ${i}`,
  role: i % 2 ? "Vendor" : "Partner",
}));

/** The seed policy scaled up to 503 partner domains and a 200-entry block-list. */
export const benchPolicy = parsePolicy({
  ...seedInput,
  domains: {
    allow: [...(seedInput.domains?.allow ?? []), ...extraPartners],
    block: [
      ...(seedInput.domains?.block ?? []),
      ...Array.from({ length: 200 }, (_, i) => `disposable${i}.example`),
    ],
  },
  issuers: { block: ["facebook"] },
});

const claims = (
  email: string,
  company: string,
  justification: string,
  extra: Record<string, unknown> = {},
) => ({
  email,
  identities: [{ signInType: "federated", issuer: "google.com", issuerAssignedId: "1234567890" }],
  displayName: "ann lee",
  givenName: "ann",
  surname: "LEE",
  ui_locales: "fr-FR",
  [benchAttributeIds.CompanyName!]: company,
  [benchAttributeIds.Justification!]: justification,
  ...extra,
});

const long = "I coordinate the supplier onboarding programme for our region.";

/** A request mix: accepted, pre-filled, blocked (domain/issuer/email), validation errors, subdomain, IDN. */
export const benchRequests: ReadonlyArray<{
  readonly name: string;
  readonly step: Step;
  readonly body: unknown;
}> = [
  {
    name: "accepted",
    step: "postAttributeCollection",
    body: claims("Ann.Lee@Partner-Company.com", "Partner Company", long),
  },
  {
    name: "accepted-large-list",
    step: "postAttributeCollection",
    body: claims("bo@partner417.example", "partner 417", long),
  },
  {
    name: "accepted-subdomain",
    step: "postAttributeCollection",
    body: claims("bo@eu.partner300.example", "Partner 300", long),
  },
  {
    name: "prefill",
    step: "postFederationSignup",
    body: { email: "ann@trusted-vendor.org", displayName: "Ann Lee", ui_locales: "en-US" },
  },
  {
    name: "blocked-gmail",
    step: "postFederationSignup",
    body: { email: "someone@gmail.com", ui_locales: "en-US" },
  },
  {
    name: "blocked-unknown",
    step: "postAttributeCollection",
    body: claims("eve@bücher.example", "Bücher", long),
  },
  {
    name: "blocked-issuer",
    step: "postAttributeCollection",
    body: claims("ann@partner-company.com", "Partner Company", long, {
      identities: [{ issuer: "facebook.com" }],
    }),
  },
  {
    name: "invalid-email",
    step: "postAttributeCollection",
    body: claims("a@b@partner-company.com", "x", long),
  },
  {
    name: "short-justification",
    step: "postAttributeCollection",
    body: claims("ann@partner-company.com", "Partner Company", "need it"),
  },
  {
    name: "company-mismatch",
    step: "postAttributeCollection",
    body: claims("ann@partner-company.com", "Someone Else", long),
  },
];

/** Fixed clock for reproducible runs. */
export const benchNow = new Date("2026-03-01T12:00:00.000Z");

/** The shapes of the distinct-email mix, in the order `benchSignup` cycles through them. */
export const BENCH_MIX = [
  "accepted",
  "accepted",
  "accepted",
  "accepted",
  "accepted",
  "prefill",
  "blocked-gmail",
  "blocked-unknown",
  "short-justification",
  "company-mismatch",
] as const;

/**
 * The i-th request of a realistic stream of DIFFERENT people: half accepted (spread over the 500 bench
 * partner domains, so no single rate-limit entity is hot), a pre-fill, two refusals and two
 * ValidationErrors per ten. Every request has its own email, so nothing is served by a retry's shortcut.
 */
export function benchSignup(i: number): { readonly step: Step; readonly body: Record<string, unknown> } {
  const kind = BENCH_MIX[i % BENCH_MIX.length]!;
  // Consecutive accepted sign-ups walk the 500 partner domains in turn: each domain is hit once per 1000.
  const partner = (Math.floor(i / BENCH_MIX.length) * 5 + (i % BENCH_MIX.length)) % 500;
  const at = (domain: string) => `user${i}@${domain}`;
  switch (kind) {
    case "accepted":
      return {
        step: "postAttributeCollection",
        body: claims(at(`partner${partner}.example`), `Partner ${partner}`, long),
      };
    case "prefill":
      return {
        step: "postFederationSignup",
        body: { email: at("trusted-vendor.org"), displayName: "Ann Lee", ui_locales: "en-US" },
      };
    case "blocked-gmail":
      return { step: "postFederationSignup", body: { email: at("gmail.com"), ui_locales: "en-US" } };
    case "blocked-unknown":
      return {
        step: "postAttributeCollection",
        body: claims(at(`unknown${i % 1000}.example`), "Unknown", long),
      };
    case "short-justification":
      return {
        step: "postAttributeCollection",
        body: claims(at(`partner${partner}.example`), `Partner ${partner}`, "need it"),
      };
    case "company-mismatch":
      return {
        step: "postAttributeCollection",
        body: claims(at(`partner${partner}.example`), "Someone Else", long),
      };
  }
}
