/** Path normalisation and the route table. */
import type { Route } from "./context";
import { assignmentRoutes } from "./routes/assignments";
import { attributeRoutes } from "./routes/attributes";
import { connectorRoutes } from "./routes/connectors";
import { customExtensionRoutes } from "./routes/customExtensions";
import { directoryRoutes } from "./routes/directory";
import { flowConnectorRoutes } from "./routes/flowConnectors";
import { eventsFlowRoutes } from "./routes/eventsFlows";
import { authenticationEventListenerRoutes } from "./routes/authenticationEventListeners";
import { eventsFlowPartRoutes } from "./routes/eventsFlowsParts";
import { flowRoutes } from "./routes/flows";
import { identityProviderRoutes } from "./routes/identityProviders";
import { listenerRoutes } from "./routes/listeners";
import { organizationRoutes } from "./routes/organization";
import { policyRoutes } from "./routes/policy";
import { applicationRoutes } from "./routes/applications";
import { claimsPolicyRoutes } from "./routes/claimsPolicies";
import { servicePrincipalRoutes } from "./routes/servicePrincipals";

/** Every Graph route the emulator serves. */
export const ROUTES: readonly Route[] = [
  ...policyRoutes,
  ...attributeRoutes,
  ...connectorRoutes,
  ...identityProviderRoutes,
  ...flowRoutes,
  ...assignmentRoutes,
  ...flowConnectorRoutes,
  ...listenerRoutes,
  ...directoryRoutes,
  ...organizationRoutes,
  ...eventsFlowRoutes,
  ...eventsFlowPartRoutes,
  ...customExtensionRoutes,
  ...authenticationEventListenerRoutes,
  ...applicationRoutes,
  ...servicePrincipalRoutes,
  ...claimsPolicyRoutes,
];

/** First path segments Graph knows (a request outside them gets Graph's "segment" 400). */
export const TOP_LEVEL = new Set(["policies", "identity", "applications", "users", "organization"]);
for (const s of ["servicePrincipals", "servicePrincipals(appId)", "applications(appId)"])
  TOP_LEVEL.add(s.toLowerCase());
/** Second segments under /identity that exist in Graph (even if only some are emulated). */
export const IDENTITY_SEGMENTS = new Set(
  [
    "userFlowAttributes",
    "apiConnectors",
    "identityProviders",
    "b2xUserFlows",
    "events",
    "authenticationEventsFlows",
    "customAuthenticationExtensions",
    "authenticationEventListeners",
  ].map((s) => s.toLowerCase()),
);

/**
 * Splits a path into decoded segments, turning OData key syntax `userFlowAttributes('x')` into
 * `userFlowAttributes/x` so both address forms (the `Location` header uses the first) reach one route.
 */
export function splitPath(pathname: string): string[] {
  const out: string[] = [];
  for (const raw of pathname.split("/")) {
    if (raw === "") continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      seg = raw;
    }
    // Alternate keys (`servicePrincipals(appId='…')`) keep the key name: `servicePrincipals(appId)/…`.
    const key = /^([^(]+)\((?:(\w+)=)?'(.*)'\)$/.exec(seg);
    if (key) out.push(`${key[1] ?? ""}${key[2] ? `(${key[2]})` : ""}`, (key[3] ?? "").replace(/''/g, "'"));
    else out.push(seg);
  }
  return out;
}

interface Compiled {
  route: Route;
  parts: string[];
  literals: number;
}

const COMPILED: Compiled[] = ROUTES.map((route) => {
  const parts = route.pattern.split("/").filter(Boolean);
  return { route, parts, literals: parts.filter((p) => !p.startsWith("{")).length };
});

/** The most specific route for these segments (literal segments win over `{params}`), if any. */
export function matchRoute(segments: string[]): { route: Route; params: Record<string, string> } | undefined {
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  for (const c of COMPILED) {
    if (c.parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const hit = c.parts.every((p, i) => {
      const s = segments[i] ?? "";
      if (p.startsWith("{")) {
        params[p.slice(1, -1)] = s;
        return true;
      }
      // Graph segment names are case-insensitive.
      return p.toLowerCase() === s.toLowerCase();
    });
    if (hit && (!best || c.literals > best.literals)) best = { route: c.route, params, literals: c.literals };
  }
  return best && { route: best.route, params: best.params };
}
