/**
 * Cloud endpoints (docs/graph-contract.md §7.3) and the API version to use per surface and cloud
 * (docs/graph-contract.md §0.4).
 */
import type { GraphCloud } from "./connection";

export interface CloudEndpoints {
  readonly graphRoot: string;
  readonly authorityHost: string;
  readonly scope: string;
}

export const cloudEndpoints: Readonly<Record<GraphCloud, CloudEndpoints>> = {
  global: {
    graphRoot: "https://graph.microsoft.com",
    authorityHost: "https://login.microsoftonline.com",
    scope: "https://graph.microsoft.com/.default",
  },
  usgov: {
    graphRoot: "https://graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://graph.microsoft.us/.default",
  },
  usgovdod: {
    graphRoot: "https://dod-graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://dod-graph.microsoft.us/.default",
  },
  china: {
    graphRoot: "https://microsoftgraph.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    scope: "https://microsoftgraph.chinacloudapi.cn/.default",
  },
};

export type GraphVersion = "v1.0" | "beta";

/**
 * The Graph surfaces this layer calls. `b2x` covers flows, attributes, connectors, the tenant toggle and
 * identity providers; `listener` is the app ↔ flow association that only exists in beta.
 */
export type GraphSurface = "b2x" | "listener";

/**
 * v1.0 wherever it exists for the cloud. The v1.0 B2X surface is Global + China only
 * (docs/graph-contract.md §0.4), so US Gov L4/L5 get beta for the whole surface; the listener is beta
 * everywhere (docs/graph-contract.md §5.1).
 */
export function apiVersionFor(cloud: GraphCloud, surface: GraphSurface): GraphVersion {
  if (surface === "listener") return "beta";
  return cloud === "usgov" || cloud === "usgovdod" ? "beta" : "v1.0";
}

/** Graph root for a connection: the override when given, the cloud's root otherwise (no trailing slash). */
export function graphRootFor(cloud: GraphCloud, baseUrl?: string): string {
  return (baseUrl ?? cloudEndpoints[cloud].graphRoot).replace(/\/+$/, "");
}
