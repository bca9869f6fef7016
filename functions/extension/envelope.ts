/**
 * Reads the request of an external tenant's attribute-collection event (a custom authentication extension
 * call) and checks that it is the event the route serves: `type`, cross-checked with `data["@odata.type"]`
 * (Microsoft's own samples also write `@odata.Type`, so both spellings are read, in any letter case).
 * The attributes keep their Graph value types (string, int64, boolean), because a response must answer in
 * the request's types; a value type we do not know is carried as opaque and never interpreted or answered.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionstart-retrieve-return-data,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import {
  ATTRIBUTE_COLLECTION_EVENTS,
  EXTENSION_ROUTES,
  extensionCalloutDataType,
  extensionEventType,
  type AttributeCollectionEvent,
} from "../../contract/extensionRoutes";
import { ownValue } from "../../contract/own";

/** A directory attribute value's type: `microsoft.graph.<type>DirectoryAttributeValue`. */
export type AttributeValueType = "string" | "int64" | "boolean" | "opaque";

export interface TypedAttribute {
  readonly type: AttributeValueType;
  /** A string (a multi-value attribute is one comma-delimited string), a safe integer, a boolean; as sent if opaque. */
  readonly value: unknown;
}

/** One identity of the person signing up (`userSignUpInfo.identities[]`). */
export interface SignUpIdentity {
  readonly signInType?: string;
  readonly issuer?: string;
  readonly issuerAssignedId?: string;
}

/** The parts of a call the connector uses. */
export interface AttributeCollectionCall {
  readonly event: AttributeCollectionEvent;
  /** By the request's own keys, in the request's order (`email` or `EmailAddress`, `extension_<appId>_<Name>`). */
  readonly attributes: ReadonlyMap<string, TypedAttribute>;
  /** Absent at Submit for social accounts. */
  readonly identities?: readonly SignUpIdentity[];
  /** `authenticationContext.client.ip`: IPv4 or IPv6. */
  readonly clientIp?: string;
  /** `authenticationContext.client.locale`, e.g. `en-us`. */
  readonly locale?: string;
  readonly correlationId?: string;
}

export type EnvelopeRead =
  | { readonly ok: true; readonly call: AttributeCollectionCall }
  | { readonly ok: false; readonly problem: string };

/** More attributes than any sign-up page has; the rest are ignored (cheap guard against a huge map). */
const MAX_ATTRIBUTES = 100;
const MAX_IDENTITIES = 16;

/** The event of `body`, checked against the route's `event`; a refusal says what was expected and the fix. */
export function readEnvelope(event: AttributeCollectionEvent, body: unknown): EnvelopeRead {
  if (!isObject(body)) return refuse("the body is not a JSON object");
  const expectedType = extensionEventType(event);
  const type = ownValue(body, "type");
  if (typeof type !== "string") return refuse(`"type" is missing: expected "${expectedType}"`);
  if (!sameText(type, expectedType)) return refuse(wrongEvent(event, type));
  const data = ownValue(body, "data");
  if (!isObject(data)) return refuse(`"data" is missing or not an object in a ${event} call`);
  const expectedData = extensionCalloutDataType(event);
  const dataType = odataType(data);
  if (dataType === undefined || !sameText(dataType, expectedData))
    return refuse(
      `data["@odata.type"] is ${JSON.stringify(dataType ?? null)} but "type" says ${event}: expected "${expectedData}"`,
    );
  const context = objectAt(data, "authenticationContext");
  const client = context && objectAt(context, "client");
  const signUp = objectAt(data, "userSignUpInfo");
  const identities = signUp && readIdentities(ownValue(signUp, "identities"));
  const clientIp = client && text(ownValue(client, "ip"));
  const locale = client && text(ownValue(client, "locale"));
  const correlationId = context && text(ownValue(context, "correlationId"));
  return {
    ok: true,
    call: {
      event,
      attributes: readAttributes(signUp && ownValue(signUp, "attributes")),
      ...(identities ? { identities } : {}),
      ...(clientIp ? { clientIp } : {}),
      ...(locale ? { locale } : {}),
      ...(correlationId ? { correlationId } : {}),
    },
  };
}

function wrongEvent(event: AttributeCollectionEvent, type: string): string {
  const other = ATTRIBUTE_COLLECTION_EVENTS.find((e) => sameText(type, extensionEventType(e)));
  const fix = other
    ? `point the ${other} extension's targetUrl at /api/${EXTENSION_ROUTES[other]}`
    : "this route answers attribute-collection events only";
  return `this route answers "${extensionEventType(event)}", the call is "${type.slice(0, 200)}": ${fix}`;
}

function refuse(problem: string): EnvelopeRead {
  return { ok: false, problem };
}

function readAttributes(raw: unknown): ReadonlyMap<string, TypedAttribute> {
  const out = new Map<string, TypedAttribute>();
  if (!isObject(raw)) return out;
  for (const key of Object.keys(raw).slice(0, MAX_ATTRIBUTES)) {
    if (key.length === 0 || key.length > 256) continue;
    out.set(key, typedValue(ownValue(raw, key)));
  }
  return out;
}

/** `{ "@odata.type": "microsoft.graph.int64DirectoryAttributeValue", value: 2010 }` → int64 2010. */
function typedValue(raw: unknown): TypedAttribute {
  if (!isObject(raw)) return inferred(raw);
  const value = ownValue(raw, "value");
  const declared = odataType(raw);
  if (declared === undefined) return inferred(value);
  const match = /^(?:#?microsoft\.graph\.)?(string|int64|boolean)DirectoryAttributeValue$/i.exec(declared);
  const type = match?.[1]?.toLowerCase();
  if (type === "string" && typeof value === "string") return { type, value };
  if (type === "int64" && Number.isSafeInteger(value)) return { type, value };
  if (type === "boolean" && typeof value === "boolean") return { type, value };
  // An unknown value type, or a value that does not fit its declared type: carried, never interpreted.
  return { type: "opaque", value };
}

/** A bare value (no `@odata.type` wrapper): typed by what it is. */
function inferred(value: unknown): TypedAttribute {
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "boolean") return { type: "boolean", value };
  if (Number.isSafeInteger(value)) return { type: "int64", value };
  return { type: "opaque", value };
}

function readIdentities(raw: unknown): SignUpIdentity[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: SignUpIdentity[] = [];
  for (const item of raw.slice(0, MAX_IDENTITIES) as unknown[]) {
    if (!isObject(item)) continue;
    const signInType = text(ownValue(item, "signInType"));
    const issuer = text(ownValue(item, "issuer"));
    const issuerAssignedId = text(ownValue(item, "issuerAssignedId"));
    out.push({
      ...(signInType ? { signInType } : {}),
      ...(issuer ? { issuer } : {}),
      ...(issuerAssignedId ? { issuerAssignedId } : {}),
    });
  }
  return out;
}

/** `@odata.type`, or `@odata.Type` as in Microsoft's samples, or any other letter case. */
function odataType(target: Record<string, unknown>): string | undefined {
  const exact = ownValue(target, "@odata.type");
  if (typeof exact === "string") return exact;
  for (const key of Object.keys(target))
    if (key.toLowerCase() === "@odata.type") {
      const value = target[key];
      if (typeof value === "string") return value;
    }
  return undefined;
}

function objectAt(target: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = ownValue(target, key);
  return isObject(value) ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value.slice(0, 512) : undefined;
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
