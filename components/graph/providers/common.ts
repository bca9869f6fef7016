/**
 * What every Graph provider shares: preview-unknown handling, check failures, the create-or-adopt pattern
 * (docs/graph-contract.md §0.5), and the error shape the engine records as "created but failed to
 * initialize".
 */
import type * as pulumi from "@pulumi/pulumi";
import { validateConnection, type GraphConnection } from "../connection";
import { errorText } from "./error-text";

import { PREVIEW_UNKNOWN as unknownValue, isPreviewUnknown as isUnknown } from "../../../contract/preview";

export { unknownValue, isUnknown };

export type Problem = readonly [property: string, reason: string];

/**
 * Drops `undefined` members (deeply): the provider host turns results into protobuf Structs, which throw
 * "Unexpected struct type" on undefined.
 */
export function compact<T>(v: T): T {
  if (Array.isArray(v)) return v.map(compact) as T;
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, compact(x)]),
    ) as T;
  }
  return v;
}

/** Check failures for the engine; unknown values are skipped by the validators, never reported. */
export function toCheckResult<T>(raw: T, problems: readonly Problem[]): pulumi.dynamic.CheckResult<T> {
  const inputs = compact(raw);
  return problems.length === 0
    ? { inputs }
    : { inputs, failures: problems.map(([property, reason]) => ({ property, reason })) };
}

export function checkConnection(value: unknown): Problem[] {
  if (isUnknown(value)) return [];
  return validateConnection(value).map((reason) => ["connection", reason] as const);
}

export function requireString(inputs: Record<string, unknown>, field: string, problems: Problem[]): void {
  const v = inputs[field];
  if (isUnknown(v)) return;
  if (typeof v !== "string" || v.trim() === "") problems.push([field, `${field}: required non-empty string`]);
}

/**
 * Case-insensitive equality (ids and enums come back in mixed case:
 * docs/graph-contract.md Appendix B #13, #14).
 */
export const sameCi = (a: string | undefined, b: string | undefined): boolean =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** Deterministic JSON for comparing plain data (object keys sorted). */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === "object" && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : val,
  );
}

export const changed = (a: unknown, b: unknown): boolean => stableJson(a) !== stableJson(b);

/** Input field names whose old output and new input differ (unknown new values count as changed). */
export function changedFields(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  fields: readonly string[],
): string[] {
  return fields.filter((f) => isUnknown(news[f]) || changed(olds[f], news[f]));
}

/**
 * Thrown when the object exists in Graph but a later step failed: the engine records the id and
 * properties (ErrorResourceInitFailed), so the next run updates instead of creating a duplicate.
 */
export class PartialCreateError extends Error {
  constructor(
    readonly id: string,
    readonly properties: Record<string, unknown>,
    cause: unknown,
  ) {
    const reason = errorText(cause);
    const message = `${id} was created but not fully configured (the next run finishes it): ${reason}`;
    super(message);
    this.message = message; // see GraphRequestError: serialized Error subclasses lose `message`
    this.name = "PartialCreateError";
  }
  get reasons(): string[] {
    return [this.message];
  }
}

/** The conflict a user fixes by setting `adoptExisting` (or by choosing another name). */
export function alreadyExistsError(describe: string, cause: unknown): Error {
  const graph = errorText(cause);
  const message =
    `${describe} already exists in the tenant and this stack does not manage it (${graph}). ` +
    "Fix: set adoptExisting: true to take it over, or choose another name";
  const e = new Error(message);
  e.message = message; // see PartialCreateError
  return e;
}

/**
 * How long after this stack's own create a 404 on refresh is read as replication lag rather than "deleted
 * out of band" (docs/graph-contract.md §7.2: windows are UNCONFIRMED, budget tens of seconds). Inside it,
 * `read` retries the 404 with the bounded back-off of `afterCreate` calls before reporting the object gone.
 */
export const replicationWindowMs = 120_000;

/** ISO time of the create, kept in state (`createdAt` output) for {@link recentlyCreated}. */
export const createdNow = (): string => new Date().toISOString();

/** True when `props.createdAt` lies within the replication window (either side, for clock skew). */
export function recentlyCreated(props: { createdAt?: unknown }, now: number = Date.now()): boolean {
  const t = typeof props.createdAt === "string" ? Date.parse(props.createdAt) : Number.NaN;
  return Number.isFinite(t) && Math.abs(now - t) < replicationWindowMs;
}

export function connectionOf(inputs: { connection?: unknown }): GraphConnection {
  return inputs.connection as GraphConnection;
}

/** Escapes a string literal for OData `$filter` (single quotes are doubled). */
export const odataString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
