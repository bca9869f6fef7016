/**
 * "Did you mean …?" for mistyped keys, at any depth of a zod schema: the stack config (stacks/settings.ts)
 * and the connector policy's loader (parsePolicy) both turn zod's `unrecognized_keys` into the near miss and the
 * keys that are allowed where the typo was.
 */
import type { z } from "zod";

/** Optimal string alignment distance: edits, with a swap of two neighbours counted as one. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate `word` most likely meant: same letters in another case, or the closest within a third of
 * its length (at least one edit). `undefined` when nothing is close.
 */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
  in?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The object schemas that may sit at `schema` for this input (several for a union). */
function objectsAt(schema: z.ZodType, input: unknown): Array<Record<string, z.ZodType>> {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return objectsAt(def.innerType, input);
  if (def.type === "pipe" && def.in) return objectsAt(def.in, input);
  if (def.type === "lazy" && def.getter) return objectsAt(def.getter(), input);
  if (def.type === "object" && def.shape) return [def.shape];
  if (def.type === "intersection" && def.left && def.right)
    return [...objectsAt(def.left, input), ...objectsAt(def.right, input)];
  if (def.type === "union" && def.options) {
    const all = def.options.flatMap((o) => objectsAt(o, input));
    const tag = def.discriminator;
    const value =
      tag && input && typeof input === "object" ? (input as Record<string, unknown>)[tag] : undefined;
    if (tag === undefined || value === undefined) return all;
    const matching = all.filter((shape) => {
      const literal = shape[tag] ? defOf(shape[tag]) : undefined;
      return literal?.values?.includes(value) ?? false;
    });
    return matching.length ? matching : all;
  }
  return [];
}

/** Steps one key (or array index) down from `schema`. */
function childSchemas(schema: z.ZodType, input: unknown, key: PropertyKey): z.ZodType[] {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) return childSchemas(def.innerType, input, key);
  if (def.type === "pipe" && def.in) return childSchemas(def.in, input, key);
  if (def.type === "lazy" && def.getter) return childSchemas(def.getter(), input, key);
  if (def.type === "array" && def.element) return [def.element];
  if (def.type === "record" && def.valueType) return [def.valueType];
  return objectsAt(schema, input).flatMap((shape) => {
    const child = shape[String(key)];
    return child ? [child] : [];
  });
}

/**
 * The keys an object may have at `path` under `schema`, for the `input` being validated (the input picks
 * the branch of a discriminated union, e.g. `hosting.kind`). Empty when the path leads to no object.
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] {
  let schemas = [schema];
  let value = input;
  for (const key of path) {
    schemas = schemas.flatMap((s) => childSchemas(s, value, key));
    value =
      value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key as string] : undefined;
  }
  const keys = schemas.flatMap((s) => objectsAt(s, value).flatMap((shape) => Object.keys(shape)));
  return [...new Set(keys)];
}

/** `unknown key "lable" (did you mean "label"?)` — the near miss only when there is one. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const near = closestName(key, known);
  return `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}`;
}
