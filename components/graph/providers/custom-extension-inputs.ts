/**
 * Inputs of a custom authentication extension (`azureAdTokenAuthentication`) and the checks that make
 * Entra's configuration errors impossible before anything is written: 1003020 (target URL not https),
 * 1003014 (resourceId not `api://{fqdn}/{appId}`), 1003015 (resourceId host ≠ target URL host), timeout
 * 200–2000 ms and 0 or 1 retry.
 * https://learn.microsoft.com/graph/api/resources/customauthenticationextension
 * https://learn.microsoft.com/graph/api/resources/customextensionclientconfiguration
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot
 */
import { isLoopbackGraph, type GraphConnection } from "../connection";
import { parseIdentifierUri, sameIdentifierHost } from "../../../contract/identifierUri";
import { endpointUrlProblem, isLoopbackHost } from "../../../contract/url";
import { checkConnection, isUnknown, requireString, type Problem } from "./common";

export const extensionsPath = "/identity/customAuthenticationExtensions";
export const extensionPath = (id: string) => `${extensionsPath}/${encodeURIComponent(id)}`;

export const extensionTypes = {
  attributeCollectionStart: "#microsoft.graph.onAttributeCollectionStartCustomExtension",
  attributeCollectionSubmit: "#microsoft.graph.onAttributeCollectionSubmitCustomExtension",
  tokenIssuanceStart: "#microsoft.graph.onTokenIssuanceStartCustomExtension",
} as const;
export type ExtensionEventType = keyof typeof extensionTypes;
const eventTypes = Object.keys(extensionTypes) as ExtensionEventType[];

export interface CustomAuthenticationExtensionInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly description?: string;
  readonly eventType: ExtensionEventType;
  readonly targetUrl: string;
  readonly resourceId: string;
  readonly timeoutInMilliseconds: number;
  readonly maximumRetries: number;
  readonly claimsForTokenConfiguration?: readonly string[];
  readonly adoptExisting: boolean;
}

export interface GraphExtension {
  id: string;
  "@odata.type"?: string;
  displayName?: string;
  description?: string | null;
  endpointConfiguration?: { targetUrl?: string } | null;
  authenticationConfiguration?: { resourceId?: string } | null;
  clientConfiguration?: { timeoutInMilliseconds?: number | null; maximumRetries?: number | null } | null;
  claimsForTokenConfiguration?: { claimIdInApiResponse: string }[];
}

export const eventTypeOf = (odataType: string | undefined): ExtensionEventType | undefined =>
  eventTypes.find((t) => extensionTypes[t].toLowerCase() === (odataType ?? "").toLowerCase());

export function normalizeExtensionInputs(raw: Record<string, unknown>): CustomAuthenticationExtensionInputs {
  return {
    connection: raw.connection as GraphConnection,
    displayName: raw.displayName as string,
    ...(raw.description === undefined ? {} : { description: raw.description as string }),
    eventType: raw.eventType as ExtensionEventType,
    targetUrl: raw.targetUrl as string,
    resourceId: raw.resourceId as string,
    timeoutInMilliseconds: (raw.timeoutInMilliseconds ?? 1000) as number,
    maximumRetries: (raw.maximumRetries ?? 1) as number,
    ...(raw.claimsForTokenConfiguration === undefined
      ? {}
      : { claimsForTokenConfiguration: raw.claimsForTokenConfiguration as string[] }),
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

/** The target URL's problem (1003020), or undefined. Non-default ports only on a loopback emulator. */
function targetUrlProblem(url: string, connection: unknown): string | undefined {
  const loopback = isLoopbackGraph(connection);
  const problem = endpointUrlProblem(url, loopback);
  if (problem) return `targetUrl: ${problem} (Entra error 1003020 IncorrectTargetUrlFormat)`;
  const u = new URL(url);
  if (u.port !== "" && !(loopback && isLoopbackHost(u.hostname)))
    return `targetUrl: ${JSON.stringify(url)} has a non-default port ${u.port}; the identifier URI api://{host}/{appId} cannot name a port — serve the API on 443`;
  return undefined;
}

/** The resourceId's problems (1003014 format, 1003015 host), or none. */
function resourceIdProblems(resourceId: string, targetUrl: unknown): string[] {
  const m = parseIdentifierUri(resourceId);
  const fix =
    'Fix: use the API application\'s identifier URI "api://<host of targetUrl>/<appId>" (ExtensionApiApplication.identifierUri)';
  if (!m)
    return [
      `resourceId: ${JSON.stringify(resourceId)} is not api://{fully qualified domain}/{appId} (Entra error 1003014 IncorrectResourceIdFormat). ${fix}`,
    ];
  if (typeof targetUrl !== "string" || isUnknown(targetUrl)) return [];
  let same: boolean;
  try {
    same = sameIdentifierHost(m.host, targetUrl);
  } catch {
    return [];
  }
  if (!same)
    return [
      `resourceId: host ${JSON.stringify(m.host)} differs from the targetUrl host ${JSON.stringify(new URL(targetUrl).hostname)} (Entra error 1003015 DomainNameDoesNotMatch). ${fix}`,
    ];
  return [];
}

/** Every problem visible without Graph, each with the key path, the bad value and the fix. */
export function validateExtensionInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "displayName", problems);
  if (!isUnknown(raw.eventType) && !eventTypes.includes(raw.eventType as ExtensionEventType))
    problems.push([
      "eventType",
      `eventType: ${JSON.stringify(raw.eventType)} is not one of ${eventTypes.join(", ")}`,
    ]);
  const url = raw.targetUrl;
  if (!isUnknown(url)) {
    if (typeof url !== "string" || url === "")
      problems.push(["targetUrl", "targetUrl: required https:// URL of the API"]);
    else {
      const p = targetUrlProblem(url, raw.connection);
      if (p) problems.push(["targetUrl", p]);
    }
  }
  const rid = raw.resourceId;
  if (!isUnknown(rid)) {
    if (typeof rid !== "string" || rid === "")
      problems.push(["resourceId", "resourceId: required identifier URI api://<host of targetUrl>/<appId>"]);
    else for (const p of resourceIdProblems(rid, url)) problems.push(["resourceId", p]);
  }
  const t = raw.timeoutInMilliseconds;
  if (
    t !== undefined &&
    !isUnknown(t) &&
    !(Number.isInteger(t) && (t as number) >= 200 && (t as number) <= 2000)
  )
    problems.push([
      "timeoutInMilliseconds",
      `timeoutInMilliseconds: ${JSON.stringify(t)} is outside 200–2000 (Entra waits at most 2000 ms). Fix: a whole number of milliseconds from 200 to 2000, e.g. 1000`,
    ]);
  const r = raw.maximumRetries;
  if (r !== undefined && !isUnknown(r) && r !== 0 && r !== 1)
    problems.push([
      "maximumRetries",
      `maximumRetries: ${JSON.stringify(r)} must be 0 or 1 (Entra retries at most once)`,
    ]);
  const claims = raw.claimsForTokenConfiguration;
  if (claims !== undefined && !isUnknown(claims)) {
    if (raw.eventType !== "tokenIssuanceStart")
      problems.push([
        "claimsForTokenConfiguration",
        `claimsForTokenConfiguration: only a tokenIssuanceStart extension takes claims (eventType is ${JSON.stringify(raw.eventType)}); remove it`,
      ]);
    else if (!Array.isArray(claims) || claims.some((c) => typeof c !== "string" || c === ""))
      problems.push([
        "claimsForTokenConfiguration",
        "claimsForTokenConfiguration: must be a list of non-empty claim names",
      ]);
  }
  return problems;
}

/** The body Graph takes on create and update; both client settings are sent so drift is visible. */
export function extensionBody(
  i: CustomAuthenticationExtensionInputs,
  withClient = true,
): Record<string, unknown> {
  return {
    "@odata.type": extensionTypes[i.eventType],
    displayName: i.displayName,
    ...(i.description === undefined ? {} : { description: i.description }),
    endpointConfiguration: { "@odata.type": "#microsoft.graph.httpRequestEndpoint", targetUrl: i.targetUrl },
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
      resourceId: i.resourceId,
    },
    ...(withClient
      ? {
          clientConfiguration: {
            timeoutInMilliseconds: i.timeoutInMilliseconds,
            maximumRetries: i.maximumRetries,
          },
        }
      : {}),
    ...(i.eventType === "tokenIssuanceStart" && i.claimsForTokenConfiguration
      ? {
          claimsForTokenConfiguration: i.claimsForTokenConfiguration.map((c) => ({
            claimIdInApiResponse: c,
          })),
        }
      : {}),
  };
}
