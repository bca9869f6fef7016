/**
 * Pure model of a B2X flow's parts — identity providers, attribute assignments with their order, and the
 * connector per step — and the set/order diffs that turn "what Graph has" into the fewest writes.
 */
import type { GraphConnection } from "../connection";
import { checkConnection, isUnknown, requireString, sameCi, stableJson, type Problem } from "./common";

import {
  CONNECTOR_STEPS as connectorSteps,
  USER_INPUT_TYPES as userInputTypes,
  type ConnectorStep,
  type UserInputType,
} from "../../../contract/userFlow";

export { connectorSteps, userInputTypes, type ConnectorStep, type UserInputType };

export interface AttributeValue {
  readonly name: string;
  readonly value: string;
  readonly isDefault: boolean;
}

export interface Assignment {
  readonly attributeId: string;
  readonly displayName: string;
  readonly userInputType: UserInputType;
  readonly isOptional: boolean;
  readonly requiresVerification: boolean;
  readonly userAttributeValues: readonly AttributeValue[];
}

export type ConnectorRefs = Partial<Record<ConnectorStep, string>>;

export interface FlowParts {
  readonly identityProviders: readonly string[];
  readonly attributes: readonly Assignment[];
  readonly apiConnectors: ConnectorRefs;
}

export interface B2xUserFlowInputs extends FlowParts {
  readonly connection: GraphConnection;
  readonly name: string;
  readonly adoptExisting: boolean;
}

export interface B2xUserFlowOutputs extends B2xUserFlowInputs {
  readonly flowId: string;
  /** Assignments Graph refused to delete (required by the flow); ignored by diffs unless listed. */
  readonly serviceRequiredAttributes: readonly string[];
  /** False when a create stopped half-way; forces the next run to converge. */
  readonly converged: boolean;
  /** When this stack created (or adopted) it; a refresh soon after retries 404s (replication). */
  readonly createdAt?: string;
}

export const defaultIdentityProviders = ["AADSignup-OAUTH"];
export const flowIdPrefix = "B2X_1_";

/**
 * The service prepends `B2X_1_`; accept a prefixed name too (sending one is UNCONFIRMED,
 * docs/graph-contract.md §4.1).
 */
export const flowNameOf = (name: string): string => name.replace(/^B2X_1_/i, "");
export const flowIdOf = (name: string): string => `${flowIdPrefix}${flowNameOf(name)}`;

/** Canonical enum casing (samples send PascalCase, docs/graph-contract.md Appendix B #13). */
export function canonicalInputType(t: string): UserInputType {
  return userInputTypes.find((u) => sameCi(u, t)) ?? (t as UserInputType);
}

export function normalizeAssignment(raw: Record<string, unknown>): Assignment {
  const values = Array.isArray(raw.userAttributeValues)
    ? (raw.userAttributeValues as Record<string, unknown>[])
    : [];
  return {
    attributeId: raw.attributeId as string,
    displayName: raw.displayName as string,
    userInputType: canonicalInputType((raw.userInputType ?? "textBox") as string),
    isOptional: (raw.isOptional ?? false) as boolean,
    requiresVerification: (raw.requiresVerification ?? false) as boolean,
    userAttributeValues: values.map((v) => ({
      name: v.name as string,
      value: v.value as string,
      isDefault: (v.isDefault ?? false) as boolean,
    })),
  };
}

export function normalizeConnectorRefs(raw: unknown): ConnectorRefs {
  const r = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const step of connectorSteps) if (typeof r[step] === "string" && r[step] !== "") out[step] = r[step];
  return out;
}

export function normalizeFlowInputs(raw: Record<string, unknown>): B2xUserFlowInputs {
  return {
    connection: raw.connection as GraphConnection,
    name: typeof raw.name === "string" && !isUnknown(raw.name) ? flowNameOf(raw.name) : (raw.name as string),
    identityProviders: (raw.identityProviders ?? defaultIdentityProviders) as string[],
    attributes: Array.isArray(raw.attributes)
      ? (raw.attributes as Record<string, unknown>[]).map((a) =>
          isUnknown(a) ? (a as unknown as Assignment) : normalizeAssignment(a),
        )
      : isUnknown(raw.attributes)
        ? (raw.attributes as Assignment[])
        : [],
    apiConnectors: isUnknown(raw.apiConnectors)
      ? (raw.apiConnectors as ConnectorRefs)
      : normalizeConnectorRefs(raw.apiConnectors),
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

function duplicatesCi(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = v.toLowerCase();
    if (seen.has(k)) return true;
    seen.add(k);
    return false;
  });
}

function validateAssignments(raw: unknown, problems: Problem[]): void {
  if (raw === undefined || isUnknown(raw)) return;
  if (!Array.isArray(raw)) return void problems.push(["attributes", "attributes: must be a list"]);
  raw.forEach((a: Record<string, unknown> | undefined, i) => {
    if (isUnknown(a)) return;
    const at = `attributes[${i}]`;
    if (!a || typeof a !== "object") return void problems.push(["attributes", `${at}: must be an object`]);
    for (const f of ["attributeId", "displayName"])
      if (!isUnknown(a[f]) && (typeof a[f] !== "string" || a[f] === ""))
        problems.push(["attributes", `${at}.${f}: required string`]);
    const t = a.userInputType;
    if (t !== undefined && !isUnknown(t) && !userInputTypes.some((u) => sameCi(u, String(t)))) {
      problems.push([
        "attributes",
        `${at}.userInputType: ${JSON.stringify(t)} is not one of ${userInputTypes.join(", ")}`,
      ]);
    }
    for (const f of ["isOptional", "requiresVerification"])
      if (a[f] !== undefined && !isUnknown(a[f]) && typeof a[f] !== "boolean")
        problems.push(["attributes", `${at}.${f}: must be a boolean`]);
    const vals = a.userAttributeValues;
    if (
      vals !== undefined &&
      !isUnknown(vals) &&
      !(Array.isArray(vals) && vals.every((v) => typeof v?.name === "string" && typeof v?.value === "string"))
    ) {
      problems.push([
        "attributes",
        `${at}.userAttributeValues: must be a list of { name, value, isDefault? }`,
      ]);
    }
  });
  const ids = raw
    .map((a: { attributeId?: unknown }) => a?.attributeId)
    .filter((x): x is string => typeof x === "string" && !isUnknown(x));
  for (const d of new Set(duplicatesCi(ids)))
    problems.push(["attributes", `attributes: ${d} is listed more than once`]);
}

export function validateFlowInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "name", problems);
  if (typeof raw.name === "string" && !isUnknown(raw.name) && /[\s/?#%'"\\]/.test(raw.name)) {
    problems.push([
      "name",
      `name: ${JSON.stringify(raw.name)} must not contain spaces, quotes, / ? # % or \\ (it becomes part of the flow id and URLs)`,
    ]);
  }
  const idps = raw.identityProviders;
  if (idps !== undefined && !isUnknown(idps)) {
    if (!Array.isArray(idps) || idps.some((x) => typeof x !== "string" || x === "")) {
      problems.push([
        "identityProviders",
        "identityProviders: must be a list of identity provider ids such as AADSignup-OAUTH",
      ]);
    } else {
      for (const d of new Set(duplicatesCi(idps as string[])))
        problems.push(["identityProviders", `identityProviders: ${d} is listed more than once`]);
    }
  }
  validateAssignments(raw.attributes, problems);
  const refs = raw.apiConnectors;
  if (refs !== undefined && refs !== null && !isUnknown(refs)) {
    if (typeof refs !== "object")
      problems.push([
        "apiConnectors",
        "apiConnectors: must be { postFederationSignup?, postAttributeCollection? }",
      ]);
    else
      for (const [k, v] of Object.entries(refs as Record<string, unknown>)) {
        if (!(connectorSteps as readonly string[]).includes(k))
          problems.push([
            "apiConnectors",
            `apiConnectors.${k}: unknown step (use ${connectorSteps.join(" or ")})`,
          ]);
        // A non-string would be dropped by normalisation and silently clear the step.
        else if (v !== undefined && v !== null && !isUnknown(v) && typeof v !== "string")
          problems.push([
            "apiConnectors",
            `apiConnectors.${k}: ${JSON.stringify(v)} is not an API connector id; pass the ApiConnector's connectorId, or omit the step to clear it`,
          ]);
      }
  }
  return problems;
}

/**
 * Identity provider links to add and remove (ids compared case-insensitively,
 * docs/graph-contract.md Appendix B #14).
 */
export function planIdentityProviders(
  current: readonly string[],
  desired: readonly string[],
): { add: string[]; remove: string[] } {
  return {
    add: desired.filter((d) => !current.some((c) => sameCi(c, d))),
    remove: current.filter((c) => !desired.some((d) => sameCi(c, d))),
  };
}

/** Comparable form of an assignment (case-insensitive id and input type). */
export function assignmentKey(a: Assignment): string {
  return stableJson({
    ...a,
    attributeId: a.attributeId.toLowerCase(),
    userInputType: a.userInputType.toLowerCase(),
  });
}

export function planAssignments(current: readonly Assignment[], desired: readonly Assignment[]) {
  const find = (list: readonly Assignment[], id: string) => list.find((a) => sameCi(a.attributeId, id));
  return {
    create: desired.filter((d) => !find(current, d.attributeId)),
    update: desired.filter((d) => {
      const c = find(current, d.attributeId);
      return c !== undefined && assignmentKey(c) !== assignmentKey(d);
    }),
    remove: current.filter((c) => !find(desired, c.attributeId)),
  };
}

/**
 * Full order to send to setOrder: desired ids first, then anything Graph kept that we could not remove
 * (whether setOrder needs a complete permutation is UNCONFIRMED, so always send one). Undefined when the
 * current order already matches.
 */
export function planOrder(
  currentOrder: readonly string[],
  desiredIds: readonly string[],
): string[] | undefined {
  const rest = currentOrder.filter((c) => !desiredIds.some((d) => sameCi(c, d)));
  const present = desiredIds
    .map((d) => currentOrder.find((c) => sameCi(c, d)))
    .filter((x): x is string => x !== undefined);
  const wanted = [...present, ...rest];
  const same = wanted.length === currentOrder.length && wanted.every((w, i) => sameCi(w, currentOrder[i]));
  return same ? undefined : wanted;
}

/** Steps whose connector differs: set (id) or clear (undefined). */
export function planConnectors(
  current: ConnectorRefs,
  desired: ConnectorRefs,
): Array<{ step: ConnectorStep; connectorId?: string }> {
  return connectorSteps
    .filter((s) => !sameCi(current[s], desired[s]))
    .map((step) => ({ step, connectorId: desired[step] }));
}

/** The parts as the user sees them: service-required assignments they did not list are left out. */
export function withoutServiceRequired(
  p: FlowParts,
  required: readonly string[],
  desired: readonly Assignment[],
): FlowParts {
  const hide = (id: string) =>
    required.some((r) => sameCi(r, id)) && !desired.some((d) => sameCi(d.attributeId, id));
  return { ...p, attributes: p.attributes.filter((a) => !hide(a.attributeId)) };
}

/** Comparable form of the parts (for diff and drift). */
export function partsKey(p: FlowParts): string {
  return stableJson({
    identityProviders: [...p.identityProviders].map((x) => x.toLowerCase()).sort(),
    attributes: p.attributes.map(assignmentKey),
    apiConnectors: Object.fromEntries(
      connectorSteps.map((s) => [s, p.apiConnectors[s]?.toLowerCase() ?? null]),
    ),
  });
}
