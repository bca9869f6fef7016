/**
 * The bench's stream of different people (`benchSignup`) as an external tenant's attribute-collection
 * calls: each B2X body becomes the documented envelope of the event that plays its step (postFederationSignup
 * → Start, postAttributeCollection → Submit), its claims typed attribute values, its `ui_locales` the
 * client's locale, and a client address per person.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import {
  EXTENSION_ROUTES,
  extensionCalloutDataType,
  extensionEventType,
  type AttributeCollectionEvent,
} from "../contract/extensionRoutes";
import { benchSignup } from "../functions/engine/bench-fixtures";

const NOT_ATTRIBUTES = new Set(["identities", "ui_locales"]);

/** The i-th call: the route and the request body. */
export function extensionCall(i: number): { readonly path: string; readonly body: string } {
  const { step, body } = benchSignup(i);
  const event: AttributeCollectionEvent =
    step === "postFederationSignup" ? "attributeCollectionStart" : "attributeCollectionSubmit";
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (NOT_ATTRIBUTES.has(key) || typeof value !== "string") continue;
    attributes[key] = {
      "@odata.type": "microsoft.graph.stringDirectoryAttributeValue",
      value,
      attributeType: key.startsWith("extension_") ? "directorySchemaExtension" : "builtIn",
    };
  }
  const email = typeof body.email === "string" ? body.email : "";
  const envelope = {
    type: extensionEventType(event),
    source: "/tenants/30000000-0000-0000-0000-000000000003/applications/5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10",
    data: {
      "@odata.type": extensionCalloutDataType(event),
      tenantId: "30000000-0000-0000-0000-000000000003",
      authenticationEventListenerId: "10000000-0000-0000-0000-000000000001",
      customAuthenticationExtensionId: "10000000-0000-0000-0000-000000000002",
      authenticationContext: {
        correlationId: `00000000-0000-4000-8000-${String(i % 1e12).padStart(12, "0")}`,
        client: {
          ip: `2a0d:${(i % 0xffff).toString(16)}::${(i % 0xfff).toString(16)}`,
          locale: "en-us",
          market: "en-us",
        },
        protocol: "OAUTH2.0",
      },
      userSignUpInfo: {
        attributes,
        identities: [{ signInType: "email", issuer: "contoso.onmicrosoft.com", issuerAssignedId: email }],
      },
    },
  };
  return { path: `/api/${EXTENSION_ROUTES[event]}`, body: JSON.stringify(envelope) };
}
