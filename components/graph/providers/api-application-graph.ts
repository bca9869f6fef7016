/**
 * Graph calls shared by the extension-API identity and token-claims providers: a client pinned to v1.0
 * (applications, service principals, claims mapping policies and event listeners are v1.0 in every cloud
 * that has them), look-ups by appId, Microsoft Graph's service principal and its
 * `CustomAuthenticationExtension.Receive.Payload` app role, and a find-or-create for objects whose
 * natural key is unique and ours by construction.
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration
 */
import type { GraphApi } from "../client";
import type { GraphConnection } from "../connection";
import { isMaybeExists } from "../errors";
import { retryDelayMs, retryScale, sleep } from "../retry";
import { odataString } from "./common";
import { providerApi } from "./engine-guard";
import { mayHaveApplied } from "./idempotent";

/** Microsoft Graph's appId (the same in every tenant). */
export const microsoftGraphAppId = "00000003-0000-0000-c000-000000000000";
/** The app role Entra needs on the extension's API before it can get a token for it. */
export const receivePayloadRoleValue = "CustomAuthenticationExtension.Receive.Payload";
/**
 * The placeholder role id of the current Learn how-to. It is not the role's id in any tenant; a value like
 * it means someone copied the docs instead of resolving the role.
 */
export const documentedPlaceholderRoleId = "00aa00aa-bb11-cc22-dd33-44ee44ee44ee";

type Opts = { afterCreate?: boolean; create?: boolean };

/** The calls of {@link GraphApi}, always on v1.0. */
export interface V1Api {
  readonly root: string;
  get<T>(path: string, opts?: Opts): Promise<T>;
  find<T>(path: string, opts?: Opts): Promise<T | undefined>;
  list<T>(path: string, opts?: Opts): Promise<T[]>;
  post<T>(path: string, body: unknown, opts?: Opts): Promise<T>;
  patch(path: string, body: unknown, opts?: Opts): Promise<unknown>;
  delete(path: string): Promise<void>;
  /** Absolute v1.0 `@odata.id` for a `$ref` body. */
  odataId(path: string): string;
}

export function v1Api(connection: GraphConnection): V1Api {
  const api: GraphApi = providerApi(connection);
  const v = "v1.0" as const;
  return {
    root: api.root,
    get: (p, o = {}) => api.get(p, { ...o, version: v }),
    find: (p, o = {}) => api.find(p, { ...o, version: v }),
    list: (p, o = {}) => api.list(p, { ...o, version: v }),
    post: (p, b, o = {}) => api.post(p, b, { ...o, version: v }),
    patch: (p, b, o = {}) => api.patch(p, b, { ...o, version: v }),
    delete: (p) => api.delete(p, { version: v }),
    odataId: (p) => api.odataId(p, v),
  };
}

export interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  signInAudience?: string;
  identifierUris?: string[];
  api?: Record<string, unknown> & {
    acceptMappedClaims?: boolean | null;
    requestedAccessTokenVersion?: number | null;
  };
  requiredResourceAccess?: { resourceAppId: string; resourceAccess: { id: string; type: string }[] }[];
}

export interface GraphAppRole {
  id: string;
  value?: string | null;
  isEnabled?: boolean;
  allowedMemberTypes?: string[];
}

export interface GraphServicePrincipal {
  id: string;
  appId: string;
  displayName?: string;
  accountEnabled?: boolean;
  appRoles?: GraphAppRole[];
}

export interface GraphAppRoleAssignment {
  id: string;
  principalId: string;
  resourceId: string;
  appRoleId: string;
}

export const appPath = (id: string) => `/applications/${encodeURIComponent(id)}`;
export const spPath = (id: string) => `/servicePrincipals/${encodeURIComponent(id)}`;

export async function applicationByAppId(api: V1Api, appId: string): Promise<GraphApplication | undefined> {
  const found = await api.list<GraphApplication>(`/applications?$filter=appId eq ${odataString(appId)}`);
  return found[0];
}

export async function servicePrincipalByAppId(
  api: V1Api,
  appId: string,
  opts: Opts = {},
): Promise<GraphServicePrincipal | undefined> {
  const found = await api.list<GraphServicePrincipal>(
    `/servicePrincipals?$filter=appId eq ${odataString(appId)}&$select=id,appId,displayName,accountEnabled,appRoles`,
    opts,
  );
  return found[0];
}

export interface ReceivePayloadRole {
  /** Object id of Microsoft Graph's service principal in this tenant. */
  readonly graphServicePrincipalId: string;
  readonly roleId: string;
}

/**
 * Microsoft Graph's service principal and the id of its Receive.Payload app role, as this tenant has them
 * (never a list from the docs). Errors name what is wrong: no or a disabled Graph service principal
 * (sign-ins would fail with 1003022), no such role, or the documentation's placeholder id.
 */
export async function resolveReceivePayloadRole(api: V1Api): Promise<ReceivePayloadRole> {
  const graph = await servicePrincipalByAppId(api, microsoftGraphAppId);
  if (!graph || graph.accountEnabled === false) {
    throw new Error(
      `Microsoft Graph's service principal (appId ${microsoftGraphAppId}) is ${graph ? "disabled" : "missing"} in this tenant; ` +
        "Entra cannot call custom authentication extensions without it (error 1003022). Fix: enable it in Enterprise applications",
    );
  }
  const role = (graph.appRoles ?? []).find(
    (r) => r.value === receivePayloadRoleValue && r.isEnabled !== false,
  );
  if (!role) {
    throw new Error(
      `Microsoft Graph's service principal in this tenant publishes no enabled app role ${receivePayloadRoleValue}; ` +
        "custom authentication extensions are not available in this tenant or cloud",
    );
  }
  if (role.id.toLowerCase() === documentedPlaceholderRoleId) {
    throw new Error(
      `the ${receivePayloadRoleValue} role id resolved to the documentation placeholder ${documentedPlaceholderRoleId}; refusing to grant it`,
    );
  }
  return { graphServicePrincipalId: graph.id, roleId: role.id };
}

/**
 * The one object `find` returns, created when missing. For natural keys that are unique in Graph and ours
 * by construction (the service principal of our own app, our app's role grant): a create whose answer was
 * lost, or that Graph answers "already exists", is settled by looking again, so nothing is made twice.
 */
export async function findOrCreate<T>(
  find: () => Promise<T | undefined>,
  create: () => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const found = await find();
    if (found) return found;
    try {
      return await create();
    } catch (e) {
      if ((!isMaybeExists(e) && !mayHaveApplied(e)) || attempt >= attempts) throw e;
      await sleep(retryDelayMs(attempt, undefined) * retryScale());
    }
  }
}
