/**
 * An attribute-collection call as the decision engine's request: the same flat claims a B2X API connector
 * sends (`email`, `identities`, `ui_locales`, built-in and `extension_<appId>_<Name>` attributes), so the
 * same rules decide both tenant kinds. Start plays postFederationSignup (before the page: prefill or block),
 * Submit plays postAttributeCollection (after it: validate, overwrite, block).
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import type { AttributeCollectionEvent } from "../../contract/extensionRoutes";
import { setOwn } from "../../contract/own";
import type { ConnectorRequest, Step } from "../engine/types";
import type { AttributeCollectionCall, SignUpIdentity } from "./envelope";

/** The engine step each event plays. */
export const EVENT_STEPS: Readonly<Record<AttributeCollectionEvent, Step>> = {
  attributeCollectionStart: "postFederationSignup",
  attributeCollectionSubmit: "postAttributeCollection",
};

/** Claims the engine reads that are not attributes; an attribute never overwrites them. */
const ENVELOPE_CLAIMS = new Set(["email", "identities", "ui_locales"]);

/** Attribute keys that hold the email address, ignoring case (the samples write both). */
const EMAIL_KEYS = new Set(["email", "emailaddress", "mail"]);

/** The engine's request for `call`: typed values as they are (numbers stay numbers), opaque ones left out. */
export function engineRequest(call: AttributeCollectionCall): ConnectorRequest {
  const request: ConnectorRequest = {};
  for (const [key, attribute] of call.attributes) {
    if (attribute.type === "opaque" || ENVELOPE_CLAIMS.has(key)) continue;
    setOwn(request, key, attribute.value);
  }
  const email = emailOf(call);
  if (email !== undefined) request.email = email;
  if (call.identities) request.identities = call.identities.map((identity) => ({ ...identity }));
  if (call.locale) request.ui_locales = call.locale;
  return request;
}

/**
 * The address the person signs up with: an email attribute (`email`, `EmailAddress`, `mail`), else the
 * identity they verified (`signInType: "email"`, or an email one-time passcode's `federated`/`mail`
 * identity, whose `issuerAssignedId` is the address). A social identity's id is not an address.
 */
function emailOf(call: AttributeCollectionCall): string | undefined {
  for (const [key, attribute] of call.attributes)
    if (EMAIL_KEYS.has(key.toLowerCase()) && attribute.type === "string" && attribute.value !== "")
      return attribute.value as string;
  return call.identities?.find(isEmailIdentity)?.issuerAssignedId;
}

function isEmailIdentity(identity: SignUpIdentity): boolean {
  const id = identity.issuerAssignedId;
  if (id === undefined || !id.includes("@")) return false;
  const type = identity.signInType?.toLowerCase();
  return type === "email" || type === "emailaddress" || identity.issuer?.toLowerCase() === "mail";
}
