/**
 * Inputs of `ExtensionApiApplication` and the identifier URI they imply: `api://{host of targetUrl}/{appId}`
 * (https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration,
 * errors 1003014/1003015/1003020 in
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot).
 */
import { identifierUriFor } from "../../../contract/identifierUri";
import { isLoopbackGraph, type GraphConnection } from "../connection";
import { endpointUrlProblem, isLoopbackHost } from "../../../contract/url";
import { checkConnection, isUnknown, requireString, type Problem } from "./common";

export interface ExtensionApiApplicationInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly targetUrl: string;
  readonly adoptExisting: boolean;
}

export function normalizeApiApplicationInputs(raw: Record<string, unknown>): ExtensionApiApplicationInputs {
  return {
    connection: raw.connection as GraphConnection,
    displayName: raw.displayName as string,
    targetUrl: raw.targetUrl as string,
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

/**
 * The host the identifier URI must carry, or why `targetUrl` cannot have one. Hosts are compared
 * case-insensitively (DNS), so the host is lower-cased. A port other than the scheme's default is refused:
 * whether Entra compares `host:port` or the host alone is not documented, and a mismatch fails every
 * sign-in (1003015) — except plain http on loopback with the local emulator, where nothing real calls it.
 */
export function identifierHostOf(
  targetUrl: string,
  connection: unknown,
): { host?: string; problem?: string } {
  const local = isLoopbackGraph(connection);
  const bad = endpointUrlProblem(targetUrl, local);
  if (bad) return { problem: `targetUrl: ${bad}` };
  const url = new URL(targetUrl);
  if (url.username || url.password)
    return {
      problem: "targetUrl: must not carry a user name or password; Entra authenticates with a bearer token",
    };
  const loopback = isLoopbackHost(url.hostname);
  if (url.port !== "" && !(loopback && local)) {
    return {
      problem:
        `targetUrl: port ${url.port} — the identifier URI api://{host}/{appId} must name the same host Entra calls, ` +
        "and whether Entra compares the port is not documented (a mismatch fails every sign-in with 1003015); serve the API on the default https port 443",
    };
  }
  if (!loopback && !url.hostname.includes(".")) {
    return {
      problem: `targetUrl: host ${JSON.stringify(url.hostname)} is not a fully qualified domain name (Entra requires one, 1003014); use the Function App's full host name`,
    };
  }
  // The identifier URI names the host alone (a port is accepted only on the local loopback stack, where
  // the extension's own check compares host names the same way).
  return { host: url.hostname.toLowerCase() };
}

export { identifierUriFor };

/** True when `uri` is the identifier URI for `host` and `appId` (host and appId compared case-insensitively). */
export function isIdentifierUriFor(uri: string | undefined, host: string, appId: string): boolean {
  return (uri ?? "").toLowerCase() === identifierUriFor(host, appId).toLowerCase();
}

export function validateApiApplicationInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "displayName", problems);
  if (typeof raw.displayName === "string" && raw.displayName.length > 256)
    problems.push(["displayName", "displayName: at most 256 characters (Graph's limit for applications)"]);
  requireString(raw, "targetUrl", problems);
  const url = raw.targetUrl;
  if (typeof url === "string" && url.trim() !== "" && !isUnknown(url) && !isUnknown(raw.connection)) {
    const { problem } = identifierHostOf(url, raw.connection);
    if (problem) problems.push(["targetUrl", problem]);
  }
  const adopt = raw.adoptExisting;
  if (adopt !== undefined && !isUnknown(adopt) && typeof adopt !== "boolean")
    problems.push(["adoptExisting", `adoptExisting: must be true or false, got ${JSON.stringify(adopt)}`]);
  return problems;
}
