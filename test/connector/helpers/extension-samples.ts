/**
 * Microsoft's documented attribute-collection requests, with the placeholders filled in (`<appid>` by the
 * fixtures' extensions app id). Note the mixed `@odata.type` / `@odata.Type` of the samples, kept as they are.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionstart-retrieve-return-data,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import type { AttributeCollectionEvent } from "../../../contract/extensionRoutes";
import { EXTENSIONS_APP_ID } from "./fixtures";

export function documentedSample(event: AttributeCollectionEvent): Record<string, unknown> {
  const upper = event === "attributeCollectionStart" ? "Start" : "Submit";
  const tenantId = "aaaabbbb-0000-cccc-1111-dddd2222eeee";
  const principal = {
    id: "00000000-0000-0000-0000-0000000000aa",
    appId: "00000000-0000-0000-0000-0000000000bb",
    appDisplayName: "My Test application",
    displayName: "My Test application",
  };
  return {
    type: `microsoft.graph.authenticationEvent.${event}`,
    source: `/tenants/${tenantId}/applications/00000000-0000-0000-0000-0000000000cc`,
    data: {
      "@odata.type": `microsoft.graph.onAttributeCollection${upper}CalloutData`,
      tenantId,
      authenticationEventListenerId: "00001111-aaaa-2222-bbbb-3333cccc4444",
      customAuthenticationExtensionId: "11112222-bbbb-3333-cccc-4444dddd5555",
      authenticationContext: {
        correlationId: "22223333-cccc-4444-dddd-5555eeee6666",
        client: { ip: "30.51.176.110", locale: "en-us", market: "en-us" },
        protocol: "OAUTH2.0",
        clientServicePrincipal: principal,
        resourceServicePrincipal: principal,
      },
      userSignUpInfo: {
        attributes: {
          givenName: {
            "@odata.type": "microsoft.graph.stringDirectoryAttributeValue",
            value: "Larissa Price",
            attributeType: "builtIn",
          },
          companyName: {
            "@odata.type": "microsoft.graph.stringDirectoryAttributeValue",
            value: "Contoso University",
            attributeType: "builtIn",
          },
          [`extension_${EXTENSIONS_APP_ID}_universityGroups`]: {
            "@odata.Type": "microsoft.graph.stringDirectoryAttributeValue",
            value: "Alumni,Faculty",
            attributeType: "directorySchemaExtension",
          },
          [`extension_${EXTENSIONS_APP_ID}_graduationYear`]: {
            "@odata.type": "microsoft.graph.int64DirectoryAttributeValue",
            value: 2010,
            attributeType: "directorySchemaExtension",
          },
          [`extension_${EXTENSIONS_APP_ID}_onMailingList`]: {
            "@odata.type": "microsoft.graph.booleanDirectoryAttributeValue",
            value: false,
            attributeType: "directorySchemaExtension",
          },
        },
        identities: [
          {
            signInType: "email",
            issuer: "contoso.onmicrosoft.com",
            issuerAssignedId: "larissa.price@contoso.onmicrosoft.com",
          },
        ],
      },
    },
  };
}
