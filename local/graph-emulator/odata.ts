/**
 * The small slice of OData query syntax the emulated endpoints accept: `$filter` with `eq`, `ne` and
 * `startswith` joined by `and`, `$select`, and `$expand` name lists. Anything else is a 400, as in Graph.
 */
import { badRequest } from "./errors";

type Predicate = (item: Record<string, unknown>) => boolean;

const CLAUSE_EQ = /^([A-Za-z_][\w/]*)\s+(eq|ne)\s+'((?:[^']|'')*)'$/i;
const CLAUSE_EQ_BOOL = /^([A-Za-z_][\w/]*)\s+(eq|ne)\s+(true|false|null)$/i;
const CLAUSE_STARTSWITH = /^startswith\(\s*([A-Za-z_][\w/]*)\s*,\s*'((?:[^']|'')*)'\s*\)$/i;

function read(item: Record<string, unknown>, prop: string): unknown {
  return prop
    .split("/")
    .reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as never)[key] : undefined), item);
}

function clause(text: string, allowed: readonly string[]): Predicate {
  const check = (prop: string): void => {
    if (!allowed.includes(prop))
      throw badRequest(`Unsupported or invalid query filter clause specified for property '${prop}'.`);
  };
  let m = CLAUSE_EQ.exec(text);
  if (m) {
    const [, prop = "", op = "", raw = ""] = m;
    check(prop);
    const value = raw.replace(/''/g, "'").toLowerCase();
    // Graph string comparisons in $filter are case-insensitive.
    const eq = (item: Record<string, unknown>): boolean =>
      String(read(item, prop) ?? "").toLowerCase() === value;
    return op.toLowerCase() === "eq" ? eq : (item) => !eq(item);
  }
  m = CLAUSE_EQ_BOOL.exec(text);
  if (m) {
    const [, prop = "", op = "", raw = ""] = m;
    check(prop);
    const value = raw === "null" ? null : raw === "true";
    const eq = (item: Record<string, unknown>): boolean => (read(item, prop) ?? null) === value;
    return op.toLowerCase() === "eq" ? eq : (item) => !eq(item);
  }
  m = CLAUSE_STARTSWITH.exec(text);
  if (m) {
    const [, prop = "", raw = ""] = m;
    check(prop);
    const value = raw.replace(/''/g, "'").toLowerCase();
    return (item) =>
      String(read(item, prop) ?? "")
        .toLowerCase()
        .startsWith(value);
  }
  throw badRequest(`Invalid filter clause: '${text}'.`);
}

/** Applies `$filter` (if present) to plain JSON views, allowing only the listed properties. */
export function applyFilter<T extends Record<string, unknown>>(
  items: T[],
  filter: string | null,
  allowed: readonly string[],
): T[] {
  if (filter === null || filter.trim() === "") return items;
  const predicates = filter
    .trim()
    .split(/\s+and\s+/i)
    .map((c) => clause(c.trim(), allowed));
  return items.filter((item) => predicates.every((p) => p(item)));
}

/** Applies `$select`: keeps only the named properties (plus `@odata.type`, which Graph keeps too). */
export function applySelect<T extends Record<string, unknown>>(
  item: T,
  select: string | null,
): Record<string, unknown> {
  if (!select) return item;
  const keep = new Set(select.split(",").map((s) => s.trim().toLowerCase()));
  return Object.fromEntries(
    Object.entries(item).filter(([k]) => k === "@odata.type" || keep.has(k.toLowerCase())),
  );
}

/** The names in `$expand` (lower-cased), e.g. `userAttribute`. */
export function expandSet(expand: string | null): Set<string> {
  if (!expand) return new Set();
  return new Set(
    expand
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * Parses a `$ref` body `{"@odata.id": "<root>/<version>/<collection>/<id>"}`. The contract
 * (docs/graph-contract.md §7.3) requires the same host and version as the request, so anything else is
 * rejected rather than guessed at.
 */
export function parseRef(
  body: unknown,
  roots: readonly string[],
  version: string,
  collection: string,
): string {
  const ref = body && typeof body === "object" ? (body as Record<string, unknown>)["@odata.id"] : undefined;
  if (typeof ref !== "string" || ref === "")
    throw badRequest('The request body must be {"@odata.id": "<url>"}.');
  const base = roots
    .map((r) => `${r}/${version}/${collection}/`)
    .find((b) => ref.toLowerCase().startsWith(b.toLowerCase()));
  if (!base) {
    throw badRequest(
      `Invalid @odata.id '${ref}': expected ${roots[0] ?? ""}/${version}/${collection}/{id} (same host and version as the request).`,
    );
  }
  const id = decodeURIComponent(ref.slice(base.length));
  if (id === "" || id.includes("/"))
    throw badRequest(`Invalid @odata.id '${ref}': no object id after ${collection}/.`);
  return id;
}
