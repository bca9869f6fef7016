/**
 * Custom user flow attributes (contract §2). displayName and dataType are immutable (replace → new id);
 * description is the only updatable property. The id is always read from Graph, never computed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { graphApi, type GraphApi } from "../client";
import type { GraphConnection } from "../connection";
import {
  changedFields,
  checkConnection,
  connectionOf,
  createOrAdopt,
  createdNow,
  isUnknown,
  odataString,
  recentlyCreated,
  requireString,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";

export const attributesPath = "/identity/userFlowAttributes";
/** The create page lists only these for B2X; stringCollection/dateTime are UNCONFIRMED there (§2.1). */
export const attributeDataTypes = ["string", "boolean", "int64"] as const;

export interface UserFlowAttributeInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly dataType: (typeof attributeDataTypes)[number];
  readonly description: string;
  readonly adoptExisting: boolean;
}

export interface UserFlowAttributeOutputs extends UserFlowAttributeInputs {
  readonly attributeId: string;
  readonly extensionsAppId: string;
  readonly userFlowAttributeType: string;
  /** When this stack created (or adopted) it; a refresh soon after retries 404s (replication). */
  readonly createdAt?: string;
}

export interface GraphAttribute {
  id: string;
  displayName: string;
  description?: string;
  dataType: string;
  userFlowAttributeType?: string;
}

export function normalizeAttributeInputs(raw: Record<string, unknown>): UserFlowAttributeInputs {
  return {
    connection: raw.connection as GraphConnection,
    displayName: raw.displayName as string,
    dataType: (raw.dataType ?? "string") as UserFlowAttributeInputs["dataType"],
    description: (raw.description ?? "") as string,
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

export function validateAttributeInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "displayName", problems);
  const name = raw.displayName;
  if (typeof name === "string" && !isUnknown(name) && /[\u0000-\u001f]/.test(name)) {
    problems.push(["displayName", "displayName: control characters are not allowed"]);
  }
  const dt = raw.dataType;
  if (dt !== undefined && !isUnknown(dt) && !attributeDataTypes.includes(dt as never)) {
    problems.push([
      "dataType",
      `dataType: ${JSON.stringify(dt)} is not one of ${attributeDataTypes.join(", ")} (the types B2X flows support)`,
    ]);
  }
  if (raw.description !== undefined && !isUnknown(raw.description) && typeof raw.description !== "string") {
    problems.push(["description", "description: must be a string"]);
  }
  return problems;
}

/** appId (with dashes) of the extensions app from `extension_<32 hex>_<Name>`; "" for built-ins. */
export function extensionsAppIdFromAttributeId(id: string): string {
  const m = /^extension_([0-9a-f]{32})_/i.exec(id);
  if (!m?.[1]) return "";
  const h = m[1].toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function findAttributeByName(
  api: GraphApi,
  displayName: string,
): Promise<GraphAttribute | undefined> {
  const filter = encodeURIComponent(`displayName eq ${odataString(displayName)}`);
  const found = await api.list<GraphAttribute>(`${attributesPath}?$filter=${filter}`);
  const exact = found.find(
    (a) => sameCi(a.displayName, displayName) && !sameCi(a.userFlowAttributeType, "builtIn"),
  );
  if (exact) return exact;
  // Graph derives the id from the display name without whitespace, so a hand-made "Company Name" is the
  // attribute a config names CompanyName: creating it would be refused as a duplicate id.
  const key = attributeNameKey(displayName);
  const custom = await api.list<GraphAttribute>(
    `${attributesPath}?$filter=${encodeURIComponent("userFlowAttributeType eq 'custom'")}`,
  );
  return custom.find((a) => attributeNameKey(a.displayName) === key);
}

function toOutputs(inputs: UserFlowAttributeInputs, a: GraphAttribute): UserFlowAttributeOutputs {
  return {
    ...inputs,
    // Names equal under the id key ("Company Name" / "CompanyName") are one attribute: keep the stack's.
    displayName:
      attributeNameKey(a.displayName) === attributeNameKey(inputs.displayName)
        ? inputs.displayName
        : a.displayName,
    dataType: a.dataType as UserFlowAttributeInputs["dataType"],
    description: a.description ?? "",
    attributeId: a.id,
    extensionsAppId: extensionsAppIdFromAttributeId(a.id),
    userFlowAttributeType: a.userFlowAttributeType ?? "custom",
  };
}

async function createAttribute(inputs: UserFlowAttributeInputs): Promise<GraphAttribute> {
  const api = graphApi(inputs.connection);
  const body = {
    displayName: inputs.displayName,
    description: inputs.description,
    dataType: inputs.dataType,
  };
  const { object, adopted } = await createOrAdopt({
    adoptExisting: inputs.adoptExisting,
    describe: `user flow attribute "${inputs.displayName}"`,
    find: () => findAttributeByName(api, inputs.displayName),
    create: () => api.post<GraphAttribute>(attributesPath, body, { create: true }),
  });
  if (!adopted) return object;
  if (!sameCi(object.dataType, inputs.dataType)) {
    throw new Error(
      `user flow attribute "${inputs.displayName}" already exists as ${object.dataType}, not ${inputs.dataType}; ` +
        "dataType cannot change in place: delete it or use another displayName",
    );
  }
  if ((object.description ?? "") !== inputs.description) {
    const path = `${attributesPath}/${encodeURIComponent(object.id)}`;
    await api.patch(path, { description: inputs.description }, { afterCreate: true });
  }
  return { ...object, description: inputs.description };
}

/**
 * The part of a displayName the attribute id is derived from, as far as known: Graph drops whitespace
 * ("Shoe size" → `…_ShoeSize`, §2.2) and ids compare case-insensitively, so names equal under this key
 * collide even when the strings differ. How the name is derived exactly is UNCONFIRMED.
 */
export const attributeNameKey = (name: string): string => name.replace(/\s+/g, "").toLowerCase();

export const userFlowAttributeProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizeAttributeInputs(news), validateAttributeInputs(news));
  },

  async diff(_id, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) {
    const fields = changedFields({ ...olds }, { ...news }, [
      "displayName",
      "dataType",
      "description",
      "connection",
      "adoptExisting",
    ]);
    const replaces = fields.filter((f) => f === "displayName" || f === "dataType");
    // A name with the same id key (same name, or one differing only in case/whitespace) would collide with
    // the old attribute: delete it first. A truly new name gets a new id, so create-before-delete lets the
    // flows move to it before the old one goes (Graph refuses to delete an attribute still assigned).
    const collides =
      typeof olds.displayName === "string" &&
      typeof news.displayName === "string" &&
      !isUnknown(news.displayName) &&
      attributeNameKey(olds.displayName) === attributeNameKey(news.displayName);
    return { changes: fields.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && collides };
  },

  async create(inputs: UserFlowAttributeInputs) {
    const a = await createAttribute(inputs);
    return { id: a.id, outs: { ...toOutputs(inputs, a), createdAt: createdNow() } };
  },

  async read(id, props: UserFlowAttributeOutputs) {
    const a = await graphApi(connectionOf(props)).find<GraphAttribute>(
      `${attributesPath}/${encodeURIComponent(id)}`,
      { afterCreate: recentlyCreated(props) },
    );
    if (!a) return {};
    const outs = toOutputs(props, a);
    const {
      attributeId: _a,
      extensionsAppId: _e,
      userFlowAttributeType: _t,
      createdAt: _c,
      ...inputs
    } = outs;
    return { id, props: outs, inputs };
  },

  async update(id, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) {
    if (news.description !== olds.description) {
      await graphApi(news.connection).patch(
        `${attributesPath}/${encodeURIComponent(id)}`,
        { description: news.description },
        { afterCreate: recentlyCreated(olds) },
      );
    }
    return { outs: { ...olds, ...news } };
  },

  async delete(id, props: UserFlowAttributeOutputs) {
    await graphApi(connectionOf(props)).delete(`${attributesPath}/${encodeURIComponent(id)}`);
  },
};
