/**
 * `parsePolicy`: validate the connector policy once, at start-up, and report EVERY problem at once with its
 * JSON path and a fix — an operator editing an app setting should not have to redeploy once per typo.
 */
import { z } from "zod";
import { knownKeysAt, unknownKeyMessage } from "../didYouMean";
import { parseDomainPattern } from "./domain";
import { policySchema, type Policy } from "./schema";

export type { Policy, PolicyInput } from "./schema";

/** Thrown by `parsePolicy`; `problems` lists each one as `<path>: <what is wrong> — <fix>`. */
export class PolicyError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(
      `Invalid sign-up policy (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "PolicyError";
    this.problems = problems;
  }
}

/**
 * Validates `json` (an object, or a JSON string) and returns the policy with defaults applied, deep-frozen.
 * Throws `PolicyError` listing every problem. Each side parses once: the deploy side when it validates the
 * component's arguments, the connector at start-up (where `functions/settings.ts` also compiles it).
 */
export function parsePolicy(json: unknown): Policy {
  let input = json;
  if (typeof json === "string") {
    try {
      input = JSON.parse(json) as unknown;
    } catch (error) {
      throw new PolicyError([`$: not valid JSON (${(error as Error).message}) — fix the JSON syntax`]);
    }
  }
  const parsed = policySchema.safeParse(input);
  // Cross-field checks read the raw input defensively so they are reported even when the schema failed.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((i) => formatIssue(i, [], input))),
    ...crossFieldProblems(input),
    ...prototypeKeys(input, []),
  ];
  if (!parsed.success || problems.length > 0) throw new PolicyError(problems);
  return deepFreeze(parsed.data);
}

/**
 * `__proto__` keys anywhere in the input: the schema's records drop them without a word (they would
 * otherwise replace an object's prototype), so a policy using one as a name is reported, not half-applied.
 */
function prototypeKeys(value: unknown, path: PropertyKey[]): string[] {
  if (value === null || typeof value !== "object") return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key === "__proto__")
      found.push(`${formatPath([...path, key])}: "__proto__" is not a valid name — remove this key`);
    else found.push(...prototypeKeys(child, [...path, Array.isArray(value) ? Number(key) : key]));
  }
  return found;
}

/** `["domains","allow",2,"domain"]` → `domains.allow[2].domain`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || "$";
}

function formatIssue(issue: z.core.$ZodIssue, prefix: ReadonlyArray<PropertyKey>, input: unknown): string[] {
  const path = [...prefix, ...issue.path];
  const at = formatPath(path);
  switch (issue.code) {
    case "custom":
      return [`${at}: ${issue.message}`];
    case "unrecognized_keys": {
      const known = knownKeysAt(policySchema, path, input);
      return issue.keys.map(
        (k) =>
          `${at}: ${unknownKeyMessage(k, known)} — remove or fix the spelling${known.length ? `; the keys here are ${known.join(", ")}` : " (see contract/policy/schema.ts)"}`,
      );
    }
    case "invalid_key":
      return issue.issues.map((inner) => `${at}: ${inner.message}`);
    case "invalid_union": {
      // Report the branch the author evidently meant (the one whose type matched), not "Invalid input".
      const meant = issue.errors.find(
        (branch) => !branch.some((i) => i.code === "invalid_type" && i.path.length === 0),
      );
      if (meant) return meant.flatMap((inner) => formatIssue(inner, path, input));
      return [
        `${at}: ${issue.message} — use a domain string ("example.com", "*.example.com") or an object { "domain": … }`,
      ];
    }
    case "invalid_type": {
      const got = valueAt(input, path);
      const shown = got === undefined ? "" : ` (got ${JSON.stringify(got)?.slice(0, 60)})`;
      return [`${at}: ${issue.message}${shown} — set a ${issue.expected}`];
    }
    case "invalid_value":
      return [
        `${at}: ${issue.message} — use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
      ];
    case "too_small":
      return [`${at}: ${issue.message} — give at least ${String(issue.minimum)}`];
    case "too_big":
      return [`${at}: ${issue.message} — give at most ${String(issue.maximum)}`];
    default:
      return [`${at}: ${issue.message} — see contract/policy/schema.ts`];
  }
}

type Json = Record<string, unknown>;

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = input;
  for (const key of path)
    value = value && typeof value === "object" ? (value as Json)[key as string] : undefined;
  return value;
}
const obj = (v: unknown): Json | undefined =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function crossFieldProblems(input: unknown): string[] {
  const root = obj(input);
  if (!root) return [];
  const problems: string[] = [];
  const domains = obj(root.domains);
  const allowList = domains ? domains.allow : undefined;
  const entries = arr(allowList)
    .map(obj)
    .filter((e): e is Json => e !== undefined);
  const allowed = new Set<string>();
  for (const e of arr(allowList)) {
    const pattern = typeof e === "string" ? e : obj(e)?.domain;
    const parsed = typeof pattern === "string" ? parseDomainPattern(pattern) : undefined;
    if (parsed?.apex) allowed.add(parsed.domain);
  }
  arr(domains?.block).forEach((e, i) => {
    const pattern = typeof e === "string" ? e : obj(e)?.domain;
    const parsed = typeof pattern === "string" ? parseDomainPattern(pattern) : undefined;
    if (parsed?.apex && allowed.has(parsed.domain))
      problems.push(
        `domains.block[${i}]: "${String(pattern)}" is also allow-listed — remove it from one of the lists`,
      );
  });
  const when = obj(obj(root.approval)?.when);
  if (when && when.all !== true && when.notInAllowList !== true && arr(when.domains).length === 0)
    problems.push(
      `approval.when: matches no sign-up — set "all": true, "notInAllowList": true or list "domains"`,
    );
  if (when?.notInAllowList === true && allowList === undefined)
    problems.push(
      `approval.when.notInAllowList: there is no domains.allow list — add one or remove notInAllowList`,
    );
  if (root.companyMatch !== undefined && !entries.some((e) => typeof e.companyName === "string"))
    problems.push(
      `companyMatch: no domains.allow entry has a companyName — add "companyName" to the partner domains or remove companyMatch`,
    );
  const enrichment = obj(root.enrichment);
  if (
    enrichment?.roleAttribute !== undefined &&
    enrichment.defaultRole === undefined &&
    !entries.some((e) => typeof e.role === "string")
  )
    problems.push(
      `enrichment.roleAttribute: no domains.allow entry has a role and there is no defaultRole — add "role" to the domains or set enrichment.defaultRole`,
    );
  const messages = obj(root.messages);
  const fallback =
    typeof messages?.fallbackLocale === "string" ? messages.fallbackLocale.toLowerCase() : "en";
  const locales = Object.keys(obj(messages?.locales) ?? {}).map((l) => l.toLowerCase());
  if (fallback !== "en" && !locales.includes(fallback))
    problems.push(
      `messages.fallbackLocale: "${fallback}" has no catalogue — add messages.locales.${fallback} or use "en"`,
    );
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
