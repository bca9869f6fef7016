/**
 * The connector policy as data: a zod schema for the JSON an operator writes (the `SIGNUP_POLICY` app
 * setting or a file), with defaults. Every object is strict so a misspelt key is reported instead of being
 * silently ignored — a typo in a security rule must never turn the rule off.
 *
 * Attributes are named LOGICALLY (`CompanyName`, `Justification`, `PartnerRole`); the engine maps them to
 * claim keys (`extension_<appIdNoDashes>_<Name>`) with the `attributeIds` map read from Graph at deploy time.
 */
import { z } from "zod";
import { CONNECTOR_STEPS, WRITABLE_BUILT_IN_CLAIMS, type ConnectorStep } from "../userFlow";
import { parseDomainPattern } from "./domain";
import { MESSAGE_KEYS, REASON_CODES } from "./reasons";
import { parseTemplate } from "./template";

/** Built-in Graph user properties a connector may return. `email` and `identities` are never overwritten. */
export const BUILT_IN_CLAIMS = WRITABLE_BUILT_IN_CLAIMS;

/** Variables a claim template (`"{role} User"`) may use. */
export const TEMPLATE_VARIABLES = ["role", "companyName", "domain"] as const;

const nonEmpty = z.string().trim().min(1, "must not be empty");
const steps = z.array(z.enum(CONNECTOR_STEPS)).min(1);

// Field-level checks live in the schema (not after it) so they are reported together with type errors.
const domainPattern = nonEmpty.refine((v) => parseDomainPattern(v) !== undefined, {
  error: (issue) => `"${String(issue.input)}" is not a valid domain — write "example.com" or "*.example.com"`,
});
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const attributeName = nonEmpty.refine((v) => ATTRIBUTE_NAME.test(v), {
  error: (issue) =>
    `"${String(issue.input)}" is not an attribute name — use the logical name, e.g. "CompanyName"`,
});
const VARIABLES: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES);
const template = z.string().superRefine((source, ctx) => {
  for (const v of parseTemplate(source).variables)
    if (!VARIABLES.has(v))
      ctx.addIssue({
        code: "custom",
        message: `unknown template variable {${v}} — use ${TEMPLATE_VARIABLES.map((t) => `{${t}}`).join(", ")}`,
      });
});
const BUILT_INS: ReadonlySet<string> = new Set(BUILT_IN_CLAIMS);
const builtInClaim = z.string().refine((k) => BUILT_INS.has(k), {
  error: (issue) =>
    `"${String(issue.input)}" is not a built-in claim — use one of ${BUILT_IN_CLAIMS.join(", ")}, or put custom attributes under "attributes"`,
});
const reasonKey = z
  .string()
  .refine(
    (k) => Object.hasOwn(REASON_CODES, k) || Object.hasOwn(MESSAGE_KEYS, k) || /^custom_rule:.+/.test(k),
    {
      error: (issue) =>
        `"${String(issue.input)}" is not a reason code — use a code from contract/policy/reasons.ts, ${Object.keys(MESSAGE_KEYS).join(", ")} or "custom_rule:<name>"`,
    },
  );
const localeKey = z.string().refine((k) => /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(k), {
  error: (issue) => `"${String(issue.input)}" is not a locale tag — use e.g. "en", "fr", "pt-BR"`,
});

/** `"example.com"` (exact), `"*.example.com"` (subdomains only) or an object with per-entry options. */
const domainRef = z.union([
  domainPattern,
  z.strictObject({
    domain: domainPattern,
    /** Also match every subdomain (`eu.example.com`) of `domain`, and `domain` itself. @default false */
    includeSubdomains: z.boolean().default(false),
  }),
]);

/** An allow-list entry; doubles as the domain lookup for company matching, prefill and enrichment. */
const allowedDomain = z.union([
  domainPattern,
  z.strictObject({
    domain: domainPattern,
    includeSubdomains: z.boolean().default(false),
    /** The partner company owning the domain: used by `companyMatch`, `{companyName}` in templates. */
    companyName: nonEmpty.optional(),
    /** The role granted to users of this domain: `{role}` in templates, `enrichment.roleAttribute`. */
    role: nonEmpty.optional(),
  }),
]);

/** Logical custom attribute name (`CompanyName`) → template. */
const attributeTemplates = z.record(attributeName, template);
/** Built-in claim (`jobTitle`) → template. */
const claimTemplates = z.record(builtInClaim, template);

const messagesByReason = z.record(reasonKey, nonEmpty);

export const policySchema = z.strictObject({
  /** Editor hint; ignored. */
  $schema: z.string().optional(),
  /** The `version` of every response (free-form; Entra only requires it to be present). @default "1.0.0" */
  version: nonEmpty.default("1.0.0"),
  domains: z
    .strictObject({
      /** When present, only these domains may sign up (block page otherwise). */
      allow: z.array(allowedDomain).optional(),
      /** Always refused, even if also allowed (the block-list wins). */
      block: z.array(domainRef).optional(),
    })
    .optional(),
  /**
   * Identity-provider lists, matched on the request's `identities[].issuer`. Which sign-ups carry
   * `identities` (https://learn.microsoft.com/entra/external-id/self-service-sign-up-add-api-connector,
   * "Request sent to the API"): Google (`google.com`), Facebook (`facebook.com`) and email one-time
   * passcode send one entry; Microsoft Entra ID, Microsoft account and SAML/WS-Fed users send NO
   * `identities` at all, so an allow-list cannot tell them apart from a malformed request.
   */
  issuers: z
    .strictObject({
      /** Case-insensitive substrings of `identities[].issuer` (`"google"` matches `google.com`). */
      allow: z.array(nonEmpty).optional(),
      block: z.array(nonEmpty).optional(),
      /**
       * What to do when the request carries no usable `identities[].issuer` (Entra ID, Microsoft account
       * and SAML/WS-Fed users, see above). `"block"` refuses with `issuer_not_allowed`; `"allow"` lets the
       * sign-up through unchecked — write it explicitly to admit those users next to an allow-list.
       * @default "block" when `allow` is set (an allow-list fails closed on missing data), "allow" when
       * only `block` is set (there is nothing to match a missing issuer against)
       */
      whenMissing: z.enum(["allow", "block"]).optional(),
      /** @default both steps: email-OTP sign-ups may never reach postFederationSignup. */
      steps: steps.default(["postFederationSignup", "postAttributeCollection"]),
    })
    .optional(),
  /** Claims returned at postFederationSignup to pre-fill the attribute page from the domain lookup. */
  prefill: z
    .strictObject({ attributes: attributeTemplates.optional(), claims: claimTemplates.optional() })
    .optional(),
  /** Logical attribute names (or built-in claims) that must be non-blank at postAttributeCollection. */
  requiredAttributes: z.array(attributeName).optional(),
  /** The named attribute must equal the allow-list entry's `companyName` (case/whitespace-insensitive). */
  companyMatch: z.strictObject({ attribute: attributeName.default("CompanyName") }).optional(),
  justification: z
    .strictObject({
      attribute: attributeName.default("Justification"),
      /** Minimum length in characters (code points) after trimming. */
      minLength: z.number().int().min(1).max(10_000),
    })
    .optional(),
  /** Capitalise all-lower/all-upper names (`jOHN` is left alone, `JOHN SMITH` becomes `John Smith`). */
  normalizeNames: z
    .strictObject({
      fields: z
        .array(z.enum(["givenName", "surname", "displayName"]))
        .default(["givenName", "surname", "displayName"]),
    })
    .optional(),
  /** Claims written at postAttributeCollection (they overwrite what the user typed). */
  enrichment: z
    .strictObject({
      /** Logical custom attribute receiving the domain's role, e.g. `PartnerRole`. */
      roleAttribute: attributeName.optional(),
      /** Logical custom attribute receiving the approval timestamp (ISO 8601), e.g. `ApprovedAt`. */
      approvedAtAttribute: attributeName.optional(),
      /** Role for domains without one (e.g. approved through the approval workflow). */
      defaultRole: nonEmpty.optional(),
      /** More logical custom attributes → template. */
      attributes: attributeTemplates.optional(),
      /** Built-in claims → template, e.g. `{ "jobTitle": "{role} User" }`. */
      claims: claimTemplates.optional(),
    })
    .optional(),
  messages: z
    .strictObject({
      /** Locale used when `ui_locales` matches none of `locales`. @default "en" */
      fallbackLocale: nonEmpty.default("en"),
      /** locale (`en`, `fr`, `pt-br`) → reason code → user message. Built-in English covers every code. */
      locales: z.record(localeKey, messagesByReason).default({}),
    })
    .default({ fallbackLocale: "en", locales: {} }),
  rateLimit: z
    .strictObject({
      perDomain: z.number().int().min(1),
      windowHours: z
        .number()
        .positive()
        .max(24 * 31),
      /** When the counter store fails: let the sign-up through, or block it. @default "failOpen" */
      onStoreError: z.enum(["failOpen", "failClosed"]).default("failOpen"),
      /**
       * Sign-ups allowed per client address in the same window, next to `perDomain`: an IPv4 address counts
       * alone, an IPv6 address by its /64 prefix (one subscriber's network). Only an external tenant's
       * custom authentication extension sends the address (`authenticationContext.client.ip`,
       * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data);
       * B2X API connector calls carry none, so there it never applies. Refusals are block pages with
       * reason `client_rate_limited`; the same sign-up retried (same email) counts once.
       * @default - off: sign-ups are not counted per client address
       */
      perClientIp: z.number().int().min(1).optional(),
    })
    .optional(),
  approval: z
    .strictObject({
      when: z.strictObject({
        all: z.boolean().optional(),
        domains: z.array(domainRef).optional(),
        /** Domains outside `domains.allow` go to approval instead of being refused. */
        notInAllowList: z.boolean().optional(),
      }),
      /** Block-page text while pending (per-locale `pending_approval` messages take precedence). */
      pendingMessage: nonEmpty.optional(),
    })
    .optional(),
  events: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: false }),
});

/** The validated policy (defaults applied). Treat as immutable: `parsePolicy` deep-freezes it. */
export type Policy = z.output<typeof policySchema>;
/** What an operator may write (defaults optional). */
export type PolicyInput = z.input<typeof policySchema>;

export type AllowedDomainEntry = Exclude<
  NonNullable<NonNullable<Policy["domains"]>["allow"]>[number],
  string
>;
export type DomainRef = NonNullable<NonNullable<Policy["domains"]>["block"]>[number];

/** A connector step a policy rule applies to. */
export type PolicyStep = ConnectorStep;
