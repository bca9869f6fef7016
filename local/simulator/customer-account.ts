/**
 * The customer account an external tenant's sign-up creates, and the `identities` the extension requests
 * carry for each kind of identity provider.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/objectidentity,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionstart-retrieve-return-data
 */
import type { TypedValue } from "./attribute-values";
import type { ExternalFlowModel } from "./events-flow";
import type { ExternalSession } from "./external-runner";
import type { FlowIdentityProvider, Identity } from "./types";

/** Built-in attributes stored on the Graph user under the same name (email is stored as `mail`). */
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
/** Social identity providers and the issuer of their users' identities. */
const SOCIAL_ISSUERS: Record<string, string> = { google: "google.com", facebook: "facebook.com" };

/**
 * `identities` as the extension request carries them: email with password is identified by its email
 * under the tenant's initial domain, email one-time passcode as `federated`/`mail` (Microsoft's Woodgrove
 * payloads), a social account by the provider's stable id.
 */
export function signUpIdentities(
  idp: FlowIdentityProvider,
  email: string,
  initialDomain: string,
): Identity[] {
  const social = SOCIAL_ISSUERS[idp.type.toLowerCase()];
  if (social)
    return [{ signInType: "federated", issuer: social, issuerAssignedId: stableId(`${social}:${email}`) }];
  if (idp.type.toLowerCase().startsWith("emailotp"))
    return [{ signInType: "federated", issuer: "mail", issuerAssignedId: email }];
  return [{ signInType: "email", issuer: initialDomain, issuerAssignedId: email }];
}

/** The `POST /users` body for the new customer, from the final typed values. */
export function customerUser(
  flow: ExternalFlowModel,
  session: ExternalSession,
  values: Readonly<Record<string, TypedValue>>,
): Record<string, unknown> {
  const local = !SOCIAL_ISSUERS[session.idp.type.toLowerCase()];
  const user: Record<string, unknown> = {
    accountEnabled: true,
    userType: "Member",
    ...(local ? { creationType: "LocalAccount" } : {}),
    mail: session.email,
    // A local account (password or one-time passcode) signs in with its email address under the tenant's
    // initial domain; a social account keeps the provider's identity.
    identities: local
      ? [
          {
            signInType: "emailAddress",
            issuer: session.organization.initialDomain,
            issuerAssignedId: session.email,
          },
        ]
      : session.identities,
  };
  for (const [key, value] of Object.entries(values)) {
    if (flow.attributes.get(key)?.custom) user[key] = value;
    else if (USER_PROPERTIES.has(key)) user[key] = value;
  }
  const name = [values.givenName, values.surname].filter(Boolean).join(" ");
  user.displayName ??= name || session.email.split("@")[0];
  return user;
}

function stableId(text: string): string {
  let h = 0;
  for (const ch of text.toLowerCase()) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return String(1_000_000_000 + (h % 9_000_000_000));
}
