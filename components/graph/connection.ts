/**
 * The `connection` input every Graph resource takes (docs/architecture.md). It holds no secret, so it may
 * live in state; changing it never replaces a resource because it says *how* to reach Graph, not *what*
 * the object is.
 */

/** Sovereign clouds with their own Graph root and token audience (docs/graph-contract.md §7.3). */
export type GraphCloud = "global" | "usgov" | "usgovdod" | "china";

export const graphClouds: readonly GraphCloud[] = ["global", "usgov", "usgovdod", "china"];

export interface GraphConnection {
  /** Which Microsoft cloud to talk to. @default "global" */
  readonly cloud: GraphCloud;
  /** Tenant for the credential; also the key of the per-tenant concurrency cap. @default - the credential's home tenant */
  readonly tenantId?: string;
  /** Override of the Graph root, e.g. the local emulator `http://127.0.0.1:4000`. @default - the cloud's Graph root */
  readonly baseUrl?: string;
  /** `"emulator"` sends a fixed fake token and is only accepted for a loopback `baseUrl`. @default "default" (DefaultAzureCredential) */
  readonly credential?: "default" | "emulator";
}

import { isLoopbackUrl } from "../../contract/url";

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantDomain = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/i;

/** True when the connection talks to a loopback Graph emulator rather than a Microsoft cloud. */
export function isLoopbackGraph(connection: unknown): boolean {
  const baseUrl = (connection as { baseUrl?: unknown } | undefined)?.baseUrl;
  return typeof baseUrl === "string" && isLoopbackUrl(baseUrl);
}

/** Every problem with a connection, each naming the field, the bad value and the fix. */
export function validateConnection(value: unknown, field = "connection"): string[] {
  if (typeof value !== "object" || value === null) return [`${field}: required, e.g. { cloud: "global" }`];
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!graphClouds.includes(c.cloud as GraphCloud)) {
    problems.push(`${field}.cloud: ${JSON.stringify(c.cloud)} is not one of ${graphClouds.join(", ")}`);
  }
  if (
    c.tenantId !== undefined &&
    (typeof c.tenantId !== "string" || !(guid.test(c.tenantId) || tenantDomain.test(c.tenantId)))
  ) {
    problems.push(`${field}.tenantId: ${JSON.stringify(c.tenantId)} is neither a GUID nor a domain name`);
  }
  if (c.baseUrl !== undefined) {
    if (typeof c.baseUrl !== "string" || !/^https?:\/\/[^/]+\/?$/.test(c.baseUrl)) {
      problems.push(
        `${field}.baseUrl: ${JSON.stringify(c.baseUrl)} must be a root URL like https://graph.microsoft.com (no version, no path)`,
      );
    } else if (c.baseUrl.startsWith("http:") && !isLoopbackUrl(c.baseUrl)) {
      problems.push(`${field}.baseUrl: plain http is only allowed for a loopback host (the local emulator)`);
    }
  }
  if (c.credential !== undefined && c.credential !== "default" && c.credential !== "emulator") {
    problems.push(`${field}.credential: ${JSON.stringify(c.credential)} is not "default" or "emulator"`);
  }
  if (c.credential === "emulator" && !(typeof c.baseUrl === "string" && isLoopbackUrl(c.baseUrl))) {
    problems.push(
      `${field}.credential: "emulator" sends a fake token and needs a loopback baseUrl (got ${JSON.stringify(c.baseUrl)})`,
    );
  }
  return problems;
}

/** Key for per-tenant state in the provider process (concurrency cap, credential cache). */
export function tenantKey(c: GraphConnection): string {
  return [c.cloud, (c.tenantId ?? "").toLowerCase(), (c.baseUrl ?? "").toLowerCase()].join("|");
}
