/**
 * Turns zod's issues for one config key or component argument into problems a person can act on: the full key path, the
 * bad value, and the fix — with "did you mean" for a mistyped key or choice at any depth.
 */
import type { z } from "zod";
import { closestName, knownKeysAt, unknownKeyMessage } from "./didYouMean";

/** A config value, shortened for a one-line message. */
export function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (!value || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key as string];
  }
  return value;
}

const choices = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(", ");

function nearChoice(value: unknown, values: readonly unknown[]): string {
  if (typeof value !== "string") return "";
  const near = closestName(
    value,
    values.filter((v): v is string => typeof v === "string"),
  );
  return near ? ` (did you mean "${near}"?)` : "";
}

/**
 * Problems for the issues zod found in one config key (`key` is its full name, `entra-signup:userFlow`),
 * each starting with the key path:
 * `entra-signup:userFlow.page.0.lable: unknown key "lable" (did you mean "label"?): rename or remove it; …`.
 */
export function configIssueProblems(
  key: string,
  schema: z.ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
): string[] {
  return issues.flatMap((issue) => {
    const at = (path: readonly PropertyKey[]) => [key, ...path.map(String)].join(".");
    const where = at(issue.path);
    const bad = valueAt(input, issue.path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, issue.path, input);
        return issue.keys.map(
          (k) =>
            `${at([...issue.path, k])}: ${unknownKeyMessage(k, known)}: rename or remove it` +
            (known.length ? `; the keys here are ${known.join(", ")}` : ""),
        );
      }
      case "invalid_union": {
        const options = (issue as { options?: unknown[] }).options;
        if (options) {
          const got = valueAt(input, issue.path);
          return [`${where}: ${shown(got)}${nearChoice(got, options)} is not one of ${choices(options)}`];
        }
        const values = issue.errors.flat().flatMap((i) => (i.code === "invalid_value" ? i.values : []));
        if (values.length && values.length === issue.errors.flat().length)
          return [`${where}: ${shown(bad)} is not allowed: use one of ${choices(values)}`];
        return [`${where}: ${shown(bad)} is not valid here (${issue.message})`];
      }
      case "invalid_value":
        return [
          `${where}: ${shown(bad)}${nearChoice(bad, issue.values)}: use one of ${choices(issue.values)}`,
        ];
      case "invalid_type":
        return bad === undefined
          ? [`${where}: is required: set a ${issue.expected}`]
          : [`${where}: ${shown(bad)} is not a ${issue.expected}: set a ${issue.expected}`];
      case "too_small":
      case "too_big":
      case "invalid_format":
        return [`${where}: ${issue.message} (got ${shown(bad)})`];
      default:
        return [`${where}: ${issue.message}`];
    }
  });
}
