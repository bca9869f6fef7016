/**
 * The claims Entra sends and stores (docs/graph-contract.md §6.2–6.5), as pure functions: what each step's
 * request carries, how returned claims map onto the flow's attributes, and the guest user that is created.
 */
import type { FlowField, FlowIdentityProvider, FlowModel, Identity, Session } from "./types";

/**
 * Providers whose users carry `identities` (docs/graph-contract.md §6.2); Entra ID and Microsoft account
 * users do not.
 */
const ISSUERS: Record<string, string> = { emailotp: "mail", google: "google.com", facebook: "facebook.com" };
/** Issuer recorded on the guest user for providers that send no `identities`. */
const GUEST_ISSUERS: Record<string, string> = {
  aadsignup: "ExternalAzureAD",
  microsoftaccount: "MicrosoftAccount",
};
/** Built-in attributes that are Graph `user` properties under the same name (email is stored as `mail`). */
const USER_PROPERTIES = new Set([
  "city",
  "country",
  "displayName",
  "givenName",
  "jobTitle",
  "postalCode",
  "state",
  "streetAddress",
  "surname",
]);
/**
 * Keys a connector may not overwrite (docs/graph-contract.md §6.5: overwriting them is undocumented — don't).
 */
const RESERVED = new Set(["email", "identities", "status", "usermessage", "code", "ui_locales"]);

/** `identities` for a person signing in with `idp`, or undefined when Entra sends none. */
export function identitiesFor(idp: FlowIdentityProvider, email: string): Identity[] | undefined {
  const issuer = ISSUERS[idp.type.toLowerCase()];
  if (!issuer) return undefined;
  // Email OTP users are identified by their address; social users by a stable provider-side id.
  const issuerAssignedId = issuer === "mail" ? email : stableId(`${issuer}:${email.toLowerCase()}`);
  return [{ signInType: "federated", issuer, issuerAssignedId }];
}

/** What a social provider returns about the person besides the email (here: a name derived from it). */
export function idpClaimsFor(idp: FlowIdentityProvider, email: string): Record<string, string> {
  if (!["google", "facebook"].includes(idp.type.toLowerCase())) return {};
  const words = (email.split("@")[0] ?? "")
    .split(/[._-]+/)
    .filter(Boolean)
    .map(capitalise);
  if (words.length === 0) return {};
  const claims: Record<string, string> = { displayName: words.join(" "), givenName: words[0] ?? "" };
  if (words.length > 1) claims.surname = words.slice(1).join(" ");
  return claims;
}

/** Request body at postFederationSignup (docs/graph-contract.md §6.3). */
export function federationRequest(session: Session, uiLocales: string): Record<string, unknown> {
  return withoutEmpty({
    email: session.email,
    identities: session.identities,
    ...session.idpClaims,
    ui_locales: uiLocales,
  });
}

/**
 * Request body at postAttributeCollection (docs/graph-contract.md §6.4): page values over IdP claims, empties
 * omitted.
 */
export function attributeRequest(
  flow: FlowModel,
  session: Session,
  uiLocales: string,
): Record<string, unknown> {
  const page: Record<string, string> = {};
  for (const field of flow.fields) {
    if (field.id.toLowerCase() === "email") continue;
    const value = session.values[field.id];
    if (value !== undefined) page[field.id] = value;
  }
  return withoutEmpty({
    email: session.email,
    identities: session.identities,
    ...session.idpClaims,
    ...page,
    ui_locales: uiLocales,
  });
}

/** What Entra does with the claims of a Continue response. */
export interface ReturnedClaims {
  /** Attribute id → value, for the claims Entra applies (pre-fill or overwrite). */
  readonly applied: Record<string, string>;
  /** Every other returned claim, with why Entra drops it; shown in the sign-up's timeline. */
  readonly ignored: readonly IgnoredClaim[];
}

export interface IgnoredClaim {
  readonly claim: string;
  readonly reason: string;
}

/**
 * Maps claims a connector returned onto attribute ids, as Entra does: a claim is applied only when its
 * attribute is one of the flow's user attributes (on the page), by id or by `extension_<Name>` (both
 * accepted, docs/graph-contract.md §6.5). Anything else — a built-in like `jobTitle` that is not on the page,
 * an unknown key, `email`/`identities`, a non-scalar value — is dropped, and listed in `ignored`
 * (https://learn.microsoft.com/entra/external-id/self-service-sign-up-add-api-connector, continuation
 * response: "the claim value is stored only if the attribute is selected as a user attribute").
 */
export function mapReturnedClaims(flow: FlowModel, claims: Record<string, unknown>): ReturnedClaims {
  const applied: Record<string, string> = {};
  const ignored: IgnoredClaim[] = [];
  for (const [key, raw] of Object.entries(claims)) {
    if (raw === null || raw === undefined) continue;
    if (RESERVED.has(key.toLowerCase())) {
      ignored.push({ claim: key, reason: "Entra never takes this key from a connector" });
      continue;
    }
    if (typeof raw === "object") {
      ignored.push({ claim: key, reason: "not a text, number or boolean value" });
      continue;
    }
    const target = fieldFor(flow.fields, key)?.id;
    if (target === undefined)
      ignored.push({
        claim: key,
        reason: "not a user attribute of this flow: add it to the page to store it",
      });
    else Object.defineProperty(applied, target, { value: String(raw), enumerable: true, writable: true });
  }
  return { applied, ignored };
}

function fieldFor(fields: readonly FlowField[], key: string): FlowField | undefined {
  const short = /^extension_(.+)$/i.exec(key)?.[1];
  return fields.find((f) => same(f.id, key) || (f.custom && short !== undefined && same(f.name, short)));
}

/** The attribute page's values read from the submitted form; checkbox groups become comma-separated. */
export function readForm(flow: FlowModel, form: URLSearchParams, email: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of flow.fields) {
    if (field.id.toLowerCase() === "email") {
      // The verified email comes from the identity provider, not from the form.
      values[field.id] = email;
      continue;
    }
    const all = form
      .getAll(field.id)
      .map((v) => v.trim())
      .filter(Boolean);
    values[field.id] = field.inputType === "checkboxMultiSelect" ? all.join(",") : (all[0] ?? "");
  }
  return values;
}

/** Ids of required fields left empty. */
export function missingRequired(flow: FlowModel, values: Record<string, string>): string[] {
  return flow.fields.filter((f) => !f.optional && !values[f.id]).map((f) => f.id);
}

/** The `POST /users` body for the new guest, from the final claims (after the connector's overwrites). */
export function guestUser(
  flow: FlowModel,
  session: Session,
  claims: Record<string, string>,
): Record<string, unknown> {
  const user: Record<string, unknown> = {
    accountEnabled: true,
    userType: "Guest",
    creationType: "SelfServiceSignUp",
    externalUserState: "Accepted",
    mail: session.email,
    identities: session.identities ?? [
      {
        signInType: "federated",
        issuer: GUEST_ISSUERS[session.idp.type.toLowerCase()] ?? session.idp.type,
        issuerAssignedId: session.email,
      },
    ],
  };
  for (const [key, value] of Object.entries(claims)) {
    if (!value) continue;
    const field = flow.fields.find((f) => same(f.id, key));
    if (field?.custom) user[field.id] = typed(field, value);
    else if (USER_PROPERTIES.has(key)) user[key] = value;
  }
  const name = [claims.givenName, claims.surname].filter(Boolean).join(" ");
  user.displayName ??= name || session.email.split("@")[0];
  return user;
}

/** Custom attribute values are stored with the attribute's data type. */
function typed(field: FlowField, value: string): string | boolean | number {
  if (field.dataType === "boolean") return value.toLowerCase() === "true";
  if (field.dataType === "int64") return Number.parseInt(value, 10);
  return value;
}

function withoutEmpty(claims: Record<string, unknown>): Record<string, unknown> {
  // A claim without a value is omitted entirely (docs/graph-contract.md §6.2).
  return Object.fromEntries(
    Object.entries(claims).filter(
      ([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length),
    ),
  );
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function stableId(text: string): string {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return String(1_000_000_000 + (h % 9_000_000_000));
}
