/**
 * Custom user flow attributes (docs/graph-contract.md §2). displayName and dataType are immutable (replace →
 * new id); description is the only updatable property. The id is always read from Graph, never computed.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi } from "../client";
import type { GraphConnection } from "../connection";
import {
  changedFields,
  checkConnection,
  connectionOf,
  createdNow,
  isUnknown,
  odataString,
  recentlyCreated,
  requireString,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { providerApi } from "./engine-guard";
import { convergeRetrying } from "./idempotent";

export const attributesPath = "/identity/userFlowAttributes";
/**
 * The create page lists only these for B2X; stringCollection/dateTime are UNCONFIRMED there
 * (docs/graph-contract.md §2.1).
 */
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

const ledgerOf = (i: Pick<UserFlowAttributeInputs, "connection" | "displayName">) => ({
  connection: i.connection,
  kind: "userFlowAttribute",
  key: attributeNameKey(i.displayName),
});

async function createAttribute(inputs: UserFlowAttributeInputs): Promise<GraphAttribute> {
  const api = providerApi(inputs.connection);
  const body = {
    displayName: inputs.displayName,
    description: inputs.description,
    dataType: inputs.dataType,
  };
  const { object, adopted } = await createSafely({
    adoptExisting: inputs.adoptExisting,
    describe: `user flow attribute "${inputs.displayName}"`,
    ledger: ledgerOf(inputs),
    unique: true,
    findAll: async () => {
      const a = await findAttributeByName(api, inputs.displayName);
      return a ? [a] : [];
    },
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
    await convergeRetrying(() => api.patch(path, { description: inputs.description }, { afterCreate: true }));
  }
  return { ...object, description: inputs.description };
}

/**
 * The part of a displayName the attribute id is derived from, as far as known: Graph drops whitespace
 * ("Shoe size" → `…_ShoeSize`, docs/graph-contract.md §2.2) and ids compare case-insensitively, so names
 * equal under this key collide even when the strings differ. How the name is derived exactly is UNCONFIRMED.
 */
export const attributeNameKey = (name: string): string => name.replace(/\s+/g, "").toLowerCase();

/**
 * Replacing an attribute deletes it, and with it the value every existing guest stored in it; Graph also
 * refuses to delete one a flow still collects. So a change that would replace it is refused at preview,
 * with what would be lost and the two runs that do it on purpose (docs/crash-safety.md#replacements).
 */
export function replacementProblems(olds: Record<string, unknown>, news: Record<string, unknown>): Problem[] {
  const was = olds.displayName;
  const name = news.displayName;
  if (typeof was !== "string" || typeof name !== "string" || isUnknown(name) || isUnknown(news.dataType))
    return [];
  const oldType = (olds.dataType ?? "string") as string;
  const newType = (news.dataType ?? "string") as string;
  const lost =
    `Graph deletes the attribute and the value every existing guest has stored in it ` +
    `(extension_…_${was.replace(/\s+/g, "")}), and refuses while a user flow still collects it`;
  if (name !== was) {
    return [
      [
        "displayName",
        `displayName: renaming user flow attribute "${was}" to "${name}" replaces it (its id comes from the name): ${lost}. ` +
          `To rename on purpose: add "${name}" as a new attribute, move the sign-up page and the connector policy to it and run up; ` +
          `then remove "${was}" and run up (this deletes "${was}" and its stored values)`,
      ],
    ];
  }
  if (newType !== oldType) {
    return [
      [
        "dataType",
        `dataType: changing user flow attribute "${was}" from ${oldType} to ${newType} replaces it: ${lost}. ` +
          `To retype on purpose: (1) remove "${was}" from attributes, from the sign-up page and from the connector policy, and run up ` +
          `(this deletes the attribute and the values stored in it); (2) add it back with dataType ${newType} and run up`,
      ],
    ];
  }
  return [];
}

/**
 * The id the attribute keeps, when that is already known: an update never changes it, so passing it as an
 * input makes it known during preview too (the engine previews an update's outputs as its inputs), and a
 * flow that uses it previews no change. Read from the last inputs, or once from Graph by name.
 */
async function knownAttributeId(
  olds: Record<string, unknown>,
  news: UserFlowAttributeInputs,
): Promise<string | undefined> {
  if (typeof olds.displayName !== "string" || olds.displayName !== news.displayName) return undefined;
  if (typeof olds.attributeId === "string" && olds.attributeId !== "") return olds.attributeId;
  if (isUnknown(news.connection) || isUnknown(news.displayName)) return undefined;
  try {
    return (await findAttributeByName(providerApi(news.connection), news.displayName))?.id;
  } catch {
    return undefined; // only a preview nicety: the update reads the id anyway
  }
}

export const userFlowAttributeProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    const inputs = normalizeAttributeInputs(news);
    const problems = [...validateAttributeInputs(news), ...replacementProblems(olds, news)];
    const attributeId = problems.length === 0 ? await knownAttributeId(olds, inputs) : undefined;
    return toCheckResult({ ...inputs, ...(attributeId ? { attributeId } : {}) }, problems);
  },

  async diff(_id, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) {
    clearLedger(ledgerOf(olds));
    const fields = changedFields({ ...olds }, { ...news }, [
      "displayName",
      "dataType",
      "description",
      "connection",
      "adoptExisting",
    ]);
    const replaces = fields.filter((f) => f === "displayName" || f === "dataType");
    // Only reachable when check did not refuse (e.g. an unknown name during preview). A name with the same
    // id key would collide with the old attribute: delete it first.
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
    clearLedger(ledgerOf(props));
    const a = await providerApi(connectionOf(props)).find<GraphAttribute>(
      `${attributesPath}/${encodeURIComponent(id)}`,
      { afterCreate: recentlyCreated(props) },
    );
    if (!a) return {};
    const outs = toOutputs(props, a);
    const { extensionsAppId: _e, userFlowAttributeType: _t, createdAt: _c, ...inputs } = outs;
    return { id, props: outs, inputs };
  },

  async update(id, olds: UserFlowAttributeOutputs, news: UserFlowAttributeInputs) {
    clearLedger(ledgerOf(olds));
    if (news.description !== olds.description) {
      const api = providerApi(news.connection);
      const path = `${attributesPath}/${encodeURIComponent(id)}`;
      const fresh = { afterCreate: recentlyCreated(olds) };
      await convergeRetrying(() => api.patch(path, { description: news.description }, fresh));
    }
    return { outs: { ...olds, ...news, attributeId: olds.attributeId } };
  },

  async delete(id, props: UserFlowAttributeOutputs) {
    await providerApi(connectionOf(props)).delete(`${attributesPath}/${encodeURIComponent(id)}`);
    clearLedger(ledgerOf(props));
  },
};
