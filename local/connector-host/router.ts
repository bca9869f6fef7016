/**
 * Route matching for the local host, following the Functions host's rules closely enough for our
 * table: `/api/` prefix, `{name}` segments, case-insensitive literals, method check (405).
 */
import type { HttpRegistration } from "../../functions/registry";

export const ROUTE_PREFIX = "/api/";

interface CompiledRoute {
  readonly registration: HttpRegistration;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly methods: readonly string[];
}

export type RouteMatch =
  | {
      readonly kind: "found";
      readonly registration: HttpRegistration;
      readonly params: Record<string, string>;
    }
  | { readonly kind: "method-not-allowed"; readonly allowed: readonly string[] }
  | { readonly kind: "not-found" };

function compile(registration: HttpRegistration): CompiledRoute {
  const names: string[] = [];
  const source = registration.options.route
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(param[1]!);
      return "([^/]+)";
    })
    .join("/");
  const methods = (registration.options.methods ?? ["GET", "POST"]).map((m) => m.toUpperCase());
  return { registration, pattern: new RegExp(`^${source}/?$`, "i"), names, methods };
}

export function createRouter(
  registrations: readonly HttpRegistration[],
): (method: string, path: string) => RouteMatch {
  const routes = registrations.map(compile);
  return (method, path) => {
    if (!path.toLowerCase().startsWith(ROUTE_PREFIX)) return { kind: "not-found" };
    const rest = path.slice(ROUTE_PREFIX.length);
    const allowed = new Set<string>();
    for (const route of routes) {
      const match = route.pattern.exec(rest);
      if (match === null) continue;
      if (!route.methods.includes(method.toUpperCase())) {
        route.methods.forEach((m) => allowed.add(m));
        continue;
      }
      const params = decodeParams(route.names, match);
      // A malformed %-escape names no resource: 404, as the Functions host answers, not a host error.
      if (params === undefined) return { kind: "not-found" };
      return { kind: "found", registration: route.registration, params };
    }
    return allowed.size > 0 ? { kind: "method-not-allowed", allowed: [...allowed] } : { kind: "not-found" };
  };
}

function decodeParams(names: readonly string[], match: RegExpExecArray): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  try {
    names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
  } catch {
    return undefined;
  }
  return params;
}
