/**
 * The attribute-collection events of an external tenant's sign-up flow, as both sides name them: the deploy
 * side puts `https://<host>/api/<route>` into a custom authentication extension's `targetUrl`, the connector
 * serves that route and checks that the call is the event the route is for (`type` and `data["@odata.type"]`).
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionstart-retrieve-return-data,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
// Plain constants and functions only (no imports).

/** The two events, in Graph's words (`eventType` of a custom authentication extension). */
export type AttributeCollectionEvent = "attributeCollectionStart" | "attributeCollectionSubmit";
export const ATTRIBUTE_COLLECTION_EVENTS: readonly AttributeCollectionEvent[] = [
  "attributeCollectionStart",
  "attributeCollectionSubmit",
];

/** The Function App route that answers each event (`/api/<route>`). */
export const EXTENSION_ROUTES: Readonly<Record<AttributeCollectionEvent, string>> = {
  attributeCollectionStart: "onAttributeCollectionStart",
  attributeCollectionSubmit: "onAttributeCollectionSubmit",
};

/** The Function App route of the OnTokenIssuanceStart event (token claims, both tenant kinds). */
export const TOKEN_ISSUANCE_START_ROUTE = "onTokenIssuanceStart";

/** The `targetUrl` of the OnTokenIssuanceStart extension, from the connector's base URL. */
export function tokenIssuanceStartTargetUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${TOKEN_ISSUANCE_START_ROUTE}`;
}

/** The request envelope's `type` for each event. */
export function extensionEventType(event: AttributeCollectionEvent): string {
  return `microsoft.graph.authenticationEvent.${event}`;
}

/** The request's `data["@odata.type"]` for each event. */
export function extensionCalloutDataType(event: AttributeCollectionEvent): string {
  return `microsoft.graph.on${event[0]!.toUpperCase()}${event.slice(1)}CalloutData`;
}

/**
 * The `targetUrl` of the extension for `event`, from the connector's base URL (`https://<host>/api`, with or
 * without a trailing slash).
 */
export function extensionTargetUrl(baseUrl: string, event: AttributeCollectionEvent): string {
  return `${baseUrl.replace(/\/+$/, "")}/${EXTENSION_ROUTES[event]}`;
}

/** The event a `targetUrl` (or a route) is for, or `undefined` when it is not one of ours. */
export function extensionEventOf(targetUrl: string): AttributeCollectionEvent | undefined {
  const last =
    targetUrl
      .replace(/[?#].*$/, "")
      .replace(/\/+$/, "")
      .split("/")
      .pop() ?? "";
  return ATTRIBUTE_COLLECTION_EVENTS.find(
    (event) => EXTENSION_ROUTES[event].toLowerCase() === last.toLowerCase(),
  );
}
