/**
 * Logical attribute names (`CompanyName`) → claim keys (`extension_<appIdNoDashes>_CompanyName`).
 * Ids come from Graph via the `attributeIds` map and are never derived; when a name is missing from the map
 * (a new attribute, a local run) we accept any `extension_<32 hex>_<Name>` or `extension_<Name>` key,
 * case-insensitively, so the connector degrades to "still works" rather than "silently skips the rule".
 */
import { WRITABLE_BUILT_IN_CLAIMS as BUILT_IN_CLAIMS } from "../../contract/userFlow";
import { claimText } from "./normalize";
import type { ConnectorRequest } from "./types";
import { ownValue } from "../../contract/own";

const BUILT_INS: ReadonlySet<string> = new Set<string>([...BUILT_IN_CLAIMS, "email", "lastName"]);
const HEX32 = /^[0-9a-f]{32}$/;

/** Reads attributes from one request. */
export interface AttributeReader {
  /** The claim's text (numbers/booleans stringified), or `undefined` when absent or not a scalar. */
  read(name: string): string | undefined;
  /** The key to use when RETURNING this attribute in a Continue response. */
  outputKey(name: string): string;
}

/** Builds a reader over `request`; cheap (no work until a name is read, no closure per request). */
export function attributeReader(
  request: ConnectorRequest,
  attributeIds: Record<string, string>,
): AttributeReader {
  return new RequestAttributes(request, attributeIds);
}

class RequestAttributes implements AttributeReader {
  constructor(
    private readonly request: ConnectorRequest,
    private readonly attributeIds: Record<string, string>,
  ) {}

  read(name: string): string | undefined {
    const key = this.findKey(name);
    if (key === undefined) return undefined;
    const value = claimText(ownValue(this.request, key));
    // The postFederationSignup sample says lastName where every other sample says surname (DOC-CONFLICT 6).
    if (value === undefined && key === "surname") return claimText(this.request.lastName);
    return value;
  }

  outputKey(name: string): string {
    // `extension_<Name>` without the app id is accepted by Entra in responses
    // (docs/graph-contract.md §6.5).
    return this.findKey(name) ?? `extension_${name}`;
  }

  private findKey(name: string): string | undefined {
    const mapped = lookupId(this.attributeIds, name);
    if (mapped !== undefined) return mapped;
    if (BUILT_INS.has(name)) return name;
    return fallbackKey(this.request, name);
  }
}

function lookupId(attributeIds: Record<string, string>, name: string): string | undefined {
  if (!attributeIds || typeof attributeIds !== "object") return undefined;
  const exact = Object.hasOwn(attributeIds, name) ? attributeIds[name] : undefined;
  if (typeof exact === "string" && exact.length > 0) return exact;
  return byLowerName(attributeIds).get(name.toLowerCase());
}

/**
 * The map's usable entries by lower-cased name, the first of each name winning (as the scan does). A
 * frozen map (the settings' map, read on every request) is indexed once; any other map is scanned.
 */
const lowerCaseIndex = new WeakMap<object, ReadonlyMap<string, string>>();

function byLowerName(attributeIds: Record<string, string>): ReadonlyMap<string, string> {
  const cached = lowerCaseIndex.get(attributeIds);
  if (cached !== undefined) return cached;
  const index = new Map<string, string>();
  for (const [key, value] of Object.entries(attributeIds)) {
    const lower = key.toLowerCase();
    if (typeof value === "string" && value.length > 0 && !index.has(lower)) index.set(lower, value);
  }
  if (Object.isFrozen(attributeIds)) lowerCaseIndex.set(attributeIds, index);
  return index;
}

/** Finds `extension_<32 hex>_<name>` or `extension_<name>` among the request's keys, ignoring case. */
function fallbackKey(request: ConnectorRequest, name: string): string | undefined {
  const suffix = name.toLowerCase();
  for (const key of Object.keys(request)) {
    if (key.length < 10 + suffix.length) continue;
    const lower = key.toLowerCase();
    if (!lower.startsWith("extension_") || !lower.endsWith(suffix)) continue;
    const middle = lower.slice(10, lower.length - suffix.length);
    if (middle === "" || (middle.length === 33 && middle.endsWith("_") && HEX32.test(middle.slice(0, 32))))
      return key;
  }
  return undefined;
}
