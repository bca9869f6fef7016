/**
 * External-tenant attribute-collection calls for the connector's tests: envelopes shaped like Microsoft's
 * documented requests, and a local connector host (in-memory storage) that validates bearer tokens against
 * the Graph emulator's key set over HTTP, exactly as it validates Entra's.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import { randomUUID } from "node:crypto";
import { tokenIssuers } from "../../../contract/authenticationEvents";
import {
  extensionCalloutDataType,
  extensionEventType,
  type AttributeCollectionEvent,
} from "../../../contract/extensionRoutes";
import { startGraphEmulator, type GraphEmulator } from "../../../local/graph-emulator";
import { startConnectorHost, type ConnectorHost } from "../../../local/connector-host/server";
import { ATTRIBUTE_IDS, EXTENSIONS_APP_ID, seedPolicy } from "./fixtures";
import { reply, type Reply } from "./host";

export const API_APP_ID = "5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10";

type Value = string | number | boolean;
/** A typed attribute value as Entra sends it. */
export function attribute(value: Value, typeKey = "@odata.type"): Record<string, unknown> {
  const type = typeof value === "number" ? "int64" : typeof value === "boolean" ? "boolean" : "string";
  return {
    [typeKey]: `microsoft.graph.${type}DirectoryAttributeValue`,
    value,
    attributeType: "directorySchemaExtension",
  };
}

export interface EnvelopeOptions {
  readonly attributes?: Record<string, unknown>;
  /** `null` leaves `identities` out (a social account's Submit). */
  readonly identities?: unknown[] | null;
  readonly ip?: string;
  readonly locale?: string;
  readonly correlationId?: string;
}

/** The documented request envelope of `event`, with plain values typed by what they are. */
export function envelope(
  event: AttributeCollectionEvent,
  options: EnvelopeOptions = {},
): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options.attributes ?? {}))
    attributes[key] = typeof value === "object" && value !== null ? value : attribute(value as Value);
  const tenantId = "30000000-0000-0000-0000-000000000003";
  return {
    type: extensionEventType(event),
    source: `/tenants/${tenantId}/applications/${API_APP_ID}`,
    data: {
      "@odata.type": extensionCalloutDataType(event),
      tenantId,
      authenticationEventListenerId: randomUUID(),
      customAuthenticationExtensionId: randomUUID(),
      authenticationContext: {
        correlationId: options.correlationId ?? randomUUID(),
        client: { ip: options.ip ?? "30.51.176.110", locale: options.locale ?? "en-us", market: "en-us" },
        protocol: "OAUTH2.0",
        clientServicePrincipal: {
          id: randomUUID(),
          appId: randomUUID(),
          appDisplayName: "Partner portal",
          displayName: "Partner portal",
        },
        resourceServicePrincipal: {
          id: randomUUID(),
          appId: "00000003-0000-0000-c000-000000000000",
          appDisplayName: "Microsoft Graph",
          displayName: "Microsoft Graph",
        },
      },
      userSignUpInfo: {
        attributes,
        ...(options.identities === null
          ? {}
          : {
              identities: options.identities ?? [
                { signInType: "email", issuer: "contoso.onmicrosoft.com", issuerAssignedId: "x@example.com" },
              ],
            }),
      },
    },
  };
}

/** The claim key of a custom attribute in the fixtures' tenant. */
export const ext = (name: string) => ATTRIBUTE_IDS[name] ?? `extension_${EXTENSIONS_APP_ID}_${name}`;

/** A Submit that passes every seed rule for `email` at a partner domain. */
export function partnerSubmit(email: string, extra: EnvelopeOptions = {}): Record<string, unknown> {
  return envelope("attributeCollectionSubmit", {
    ...extra,
    attributes: {
      email,
      givenName: "jo",
      surname: "TESTER",
      displayName: "Jo Tester",
      [ext("CompanyName")]: "Partner Company",
      [ext("Justification")]: "I need access to the partner portal for the Q3 project.",
      ...extra.attributes,
    },
    identities: extra.identities ?? [
      { signInType: "email", issuer: "contoso.onmicrosoft.com", issuerAssignedId: email },
    ],
  });
}

export interface ExtensionHost {
  readonly emu: GraphEmulator;
  readonly host: ConnectorHost;
  readonly logs: string[];
  /** A valid token; `claims` replace or (with `undefined`) remove claims. */
  token(claims?: Record<string, unknown>): Promise<string>;
  post(route: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Posts with a fresh valid token. */
  call(route: string, body: unknown): Promise<Reply>;
  /** Log lines that are JSON objects with this `event`. */
  events(event: string): Record<string, unknown>[];
  stop(): Promise<void>;
}

export function extensionSettings(emu: GraphEmulator, policy: unknown): Record<string, string> {
  return {
    SIGNUP_POLICY: JSON.stringify(policy),
    SIGNUP_ATTRIBUTE_IDS: JSON.stringify(ATTRIBUTE_IDS),
    SIGNUP_EXTENSIONS_APP_ID: EXTENSIONS_APP_ID,
    CONNECTOR_AUTH_MODE: "none",
    AUTH_EVENTS_TENANT_ID: emu.tenantId,
    AUTH_EVENTS_API_APP_ID: API_APP_ID,
    AUTH_EVENTS_ISSUERS: tokenIssuers({
      kind: "external",
      cloud: "global",
      tenantId: emu.tenantId,
      subdomain: "contoso",
    }).join(","),
    AUTH_EVENTS_KEY_SET_URI: emu.keySetUri,
  };
}

/** An emulator (the identity platform) and a local connector host that trusts its tokens. */
export async function startExtensionHost(
  policy: unknown = seedPolicy(),
  env?: (emu: GraphEmulator) => Record<string, string>,
): Promise<ExtensionHost> {
  const emu = await startGraphEmulator();
  const logs: string[] = [];
  let host: ConnectorHost;
  try {
    host = await startConnectorHost({
      port: 0,
      storage: "memory",
      env: env ? env(emu) : extensionSettings(emu, policy),
      log: (_level, message) => logs.push(message),
    });
  } catch (error) {
    await emu.close();
    throw error;
  }
  const token = (claims: Record<string, unknown> = {}) =>
    emu.identityPlatform.mint({ audience: API_APP_ID, claims });
  const post = async (route: string, body: unknown, headers: Record<string, string> = {}) =>
    reply(
      await fetch(`${host.url}/api/${route}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  return {
    emu,
    host,
    logs,
    token,
    post,
    call: async (route, body) => post(route, body, { authorization: `Bearer ${await token()}` }),
    events: (event) =>
      logs.flatMap((line) => {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          return parsed.event === event ? [parsed] : [];
        } catch {
          return [];
        }
      }),
    stop: async () => {
      await host.close();
      await emu.close();
    },
  };
}

/** The one action of an attribute-collection response. */
export function onlyAction(json: Record<string, unknown>): Record<string, unknown> {
  const data = json.data as { actions: Record<string, unknown>[] };
  if (data.actions.length !== 1) throw new Error(`expected exactly one action, got ${data.actions.length}`);
  return data.actions[0]!;
}
