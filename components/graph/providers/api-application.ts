/**
 * The API identity of a custom authentication extension: app registration (single tenant) → service
 * principal → identifier URI `api://{host}/{appId}` with v2 access tokens → the admin-consented
 * `CustomAuthenticationExtension.Receive.Payload` app role of Microsoft Graph
 * (https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration).
 * Done in that order and by construction, these rule out 1003014/15/16/17/21; a deleted or disabled
 * service principal (1003016–1003019), a removed grant (1003021) or a changed identifier URI is drift that
 * refresh reports and the next `up` repairs.
 *
 * Crash safety (docs/crash-safety.md): only the application create is non-idempotent, and it goes through
 * the create ledger; every later step reads first, so a create interrupted between steps is finished by
 * the rerun on the same application, never by a second one.
 */
import type * as pulumi from "@pulumi/pulumi";
import { graphStatus } from "../errors";
import {
  changedFields,
  connectionOf,
  createdNow,
  isUnknown,
  odataString,
  PartialCreateError,
  recentlyCreated,
  sameCi,
  toCheckResult,
} from "./common";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { convergeRetrying } from "./idempotent";
import {
  identifierHostOf,
  identifierUriFor,
  isIdentifierUriFor,
  normalizeApiApplicationInputs,
  validateApiApplicationInputs,
  type ExtensionApiApplicationInputs,
} from "./api-application-inputs";
import {
  appPath,
  findOrCreate,
  microsoftGraphAppId,
  resolveReceivePayloadRole,
  servicePrincipalByAppId,
  spPath,
  v1Api,
  type GraphAppRoleAssignment,
  type GraphApplication,
  type V1Api,
} from "./api-application-graph";

export interface ExtensionApiApplicationOutputs extends ExtensionApiApplicationInputs {
  readonly applicationObjectId: string;
  readonly appId: string;
  /** "" when the service principal is gone (drift). */
  readonly servicePrincipalId: string;
  /** False when the service principal is disabled (drift: 1003018/1003019). */
  readonly servicePrincipalEnabled: boolean;
  /** The API's identifier URI as Graph has it ("" when none). */
  readonly identifierUri: string;
  readonly requestedAccessTokenVersion: number | null;
  readonly receivePayloadRoleId: string;
  /** "" when the grant is gone (drift: 1003021). */
  readonly appRoleAssignmentId: string;
  readonly createdAt?: string;
}

const ledgerOf = (i: Pick<ExtensionApiApplicationInputs, "connection" | "displayName">) => ({
  connection: i.connection,
  kind: "extensionApiApplication",
  key: i.displayName,
});

const hostOf = (i: ExtensionApiApplicationInputs): string => {
  const { host, problem } = identifierHostOf(i.targetUrl, i.connection);
  if (!host) throw new Error(problem);
  return host;
};

/** The first `api://` identifier URI of the application. */
const apiUriOf = (app: GraphApplication) =>
  (app.identifierUris ?? []).find((u) => /^api:\/\//i.test(u)) ?? "";

function hasRole(app: GraphApplication, roleId: string): boolean {
  return (app.requiredResourceAccess ?? []).some(
    (r) =>
      sameCi(r.resourceAppId, microsoftGraphAppId) &&
      r.resourceAccess.some((a) => sameCi(a.id, roleId) && a.type === "Role"),
  );
}

/** Step 3: identifier URI, v2 tokens, the role in requiredResourceAccess — one PATCH, only when needed. */
async function convergeApplication(
  api: V1Api,
  appObjectId: string,
  host: string,
  roleId: string,
): Promise<GraphApplication> {
  return convergeRetrying(async () => {
    const app = await api.get<GraphApplication>(appPath(appObjectId), { afterCreate: true });
    const uriOk =
      (app.identifierUris ?? []).length === 1 && isIdentifierUriFor(app.identifierUris?.[0], host, app.appId);
    const v2 = app.api?.requestedAccessTokenVersion === 2;
    if (uriOk && v2 && hasRole(app, roleId)) return app;
    const others = (app.requiredResourceAccess ?? []).filter(
      (r) => !sameCi(r.resourceAppId, microsoftGraphAppId),
    );
    const graphEntry = (app.requiredResourceAccess ?? []).find((r) =>
      sameCi(r.resourceAppId, microsoftGraphAppId),
    );
    const access = [
      ...(graphEntry?.resourceAccess ?? []).filter((a) => !sameCi(a.id, roleId)),
      { id: roleId, type: "Role" },
    ];
    const body = {
      identifierUris: [identifierUriFor(host, app.appId)],
      // The whole `api` goes back: Graph may replace the complex property as a whole.
      api: { ...(app.api ?? {}), requestedAccessTokenVersion: 2 },
      requiredResourceAccess: [...others, { resourceAppId: microsoftGraphAppId, resourceAccess: access }],
    };
    await api.patch(appPath(appObjectId), body, { afterCreate: true });
    return { ...app, ...body };
  });
}

async function listGrants(api: V1Api, apiSpId: string): Promise<GraphAppRoleAssignment[]> {
  return api.list<GraphAppRoleAssignment>(`${spPath(apiSpId)}/appRoleAssignments`, { afterCreate: true });
}

/** Steps 2–5 on an existing application; each reads first, so a rerun writes only what is missing. */
async function converge(
  i: ExtensionApiApplicationInputs,
  app: Pick<GraphApplication, "id" | "appId">,
  createdAt: string | undefined,
): Promise<ExtensionApiApplicationOutputs> {
  const api = v1Api(i.connection);
  const host = hostOf(i);
  const sp = await findOrCreate(
    () => servicePrincipalByAppId(api, app.appId),
    () =>
      api.post<{ id: string; accountEnabled?: boolean }>(
        "/servicePrincipals",
        { appId: app.appId },
        { create: true },
      ),
  );
  if (sp.accountEnabled === false)
    await convergeRetrying(() => api.patch(spPath(sp.id), { accountEnabled: true }, { afterCreate: true }));
  const role = await resolveReceivePayloadRole(api);
  const current = await convergeApplication(api, app.id, host, role.roleId);
  const isGrant = (a: GraphAppRoleAssignment) =>
    sameCi(a.resourceId, role.graphServicePrincipalId) && sameCi(a.appRoleId, role.roleId);
  const grant = await findOrCreate(
    async () => (await listGrants(api, sp.id)).find(isGrant),
    () =>
      api.post<GraphAppRoleAssignment>(
        `${spPath(role.graphServicePrincipalId)}/appRoleAssignedTo`,
        { principalId: sp.id, resourceId: role.graphServicePrincipalId, appRoleId: role.roleId },
        { create: true, afterCreate: true },
      ),
  );
  return {
    ...i,
    applicationObjectId: app.id,
    appId: app.appId,
    servicePrincipalId: sp.id,
    servicePrincipalEnabled: true,
    identifierUri: apiUriOf(current) || identifierUriFor(host, app.appId),
    requestedAccessTokenVersion: 2,
    receivePayloadRoleId: role.roleId,
    appRoleAssignmentId: grant.id,
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

async function createApplication(i: ExtensionApiApplicationInputs): Promise<ExtensionApiApplicationOutputs> {
  const api = v1Api(i.connection);
  hostOf(i); // refuse a bad target before anything is written
  const { object, extras } = await createSafely<GraphApplication>({
    adoptExisting: i.adoptExisting,
    describe: `application ${JSON.stringify(i.displayName)}`,
    ledger: ledgerOf(i),
    unique: false,
    findAll: () =>
      api.list<GraphApplication>(`/applications?$filter=displayName eq ${odataString(i.displayName)}`),
    create: () =>
      api.post<GraphApplication>(
        "/applications",
        { displayName: i.displayName, signInAudience: "AzureADMyOrg" },
        { create: true },
      ),
  });
  // Copies an interrupted earlier attempt made (ours by the create ledger): one application stays.
  for (const extra of extras) await api.delete(appPath(extra.id));
  const createdAt = createdNow();
  try {
    return await converge(i, object, createdAt);
  } catch (e) {
    throw new PartialCreateError(
      object.id,
      {
        ...i,
        applicationObjectId: object.id,
        appId: object.appId,
        servicePrincipalId: "",
        servicePrincipalEnabled: false,
        identifierUri: "",
        requestedAccessTokenVersion: null,
        receivePayloadRoleId: "",
        appRoleAssignmentId: "",
        createdAt,
      },
      e,
    );
  }
}

/** What Graph has now, in output form (drift shows as "" / false / another URI). */
async function observe(
  props: ExtensionApiApplicationOutputs,
  app: GraphApplication,
): Promise<ExtensionApiApplicationOutputs> {
  const api = v1Api(connectionOf(props));
  const sp = await servicePrincipalByAppId(api, app.appId);
  const grants = sp ? await listGrants(api, sp.id) : [];
  const grant = grants.find((g) => sameCi(g.appRoleId, props.receivePayloadRoleId));
  return {
    ...props,
    displayName: app.displayName,
    applicationObjectId: app.id,
    appId: app.appId,
    servicePrincipalId: sp?.id ?? "",
    servicePrincipalEnabled: sp?.accountEnabled !== false && sp !== undefined,
    identifierUri: apiUriOf(app),
    requestedAccessTokenVersion: app.api?.requestedAccessTokenVersion ?? null,
    appRoleAssignmentId: grant?.id ?? "",
  };
}

/** True when Graph no longer has what `news` asks for (drift to repair, or a new target host). */
export function apiIdentityDrifted(
  olds: ExtensionApiApplicationOutputs,
  news: ExtensionApiApplicationInputs,
): boolean {
  const { host } = identifierHostOf(news.targetUrl, news.connection);
  return (
    olds.servicePrincipalId === "" ||
    olds.servicePrincipalEnabled === false ||
    olds.appRoleAssignmentId === "" ||
    olds.requestedAccessTokenVersion !== 2 ||
    host === undefined ||
    !isIdentifierUriFor(olds.identifierUri, host, olds.appId)
  );
}

export const extensionApiApplicationProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizeApiApplicationInputs(news), validateApiApplicationInputs(news));
  },

  async diff(_id, olds: ExtensionApiApplicationOutputs, news: ExtensionApiApplicationInputs) {
    clearLedger(ledgerOf(olds));
    const fields = changedFields({ ...olds }, { ...news }, [
      "displayName",
      "targetUrl",
      "connection",
      "adoptExisting",
    ]);
    const drifted = !isUnknown(news.targetUrl) && apiIdentityDrifted(olds, news);
    return { changes: fields.length > 0 || drifted, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs: ExtensionApiApplicationInputs) {
    const outs = await createApplication(inputs);
    return { id: outs.applicationObjectId, outs };
  },

  async read(id, props: ExtensionApiApplicationOutputs) {
    clearLedger(ledgerOf(props));
    const api = v1Api(connectionOf(props));
    const app = await api.find<GraphApplication>(appPath(id), { afterCreate: recentlyCreated(props) });
    if (!app) return {};
    const outs = await observe(props, app);
    const inputs = normalizeApiApplicationInputs(outs as unknown as Record<string, unknown>);
    return { id, props: outs, inputs: { ...inputs } };
  },

  async update(id, olds: ExtensionApiApplicationOutputs, news: ExtensionApiApplicationInputs) {
    clearLedger(ledgerOf(olds));
    const api = v1Api(news.connection);
    const app = await api.find<GraphApplication>(appPath(id), { afterCreate: recentlyCreated(olds) });
    if (!app) return { outs: await createApplication({ ...news, adoptExisting: false }) };
    if (app.displayName !== news.displayName)
      await convergeRetrying(() => api.patch(appPath(id), { displayName: news.displayName }));
    return { outs: await converge(news, app, olds.createdAt) };
  },

  /** Reverse order: the grant, the service principal, the application (404 counts as done). */
  async delete(id, props: ExtensionApiApplicationOutputs) {
    const api = v1Api(connectionOf(props));
    const sp = await servicePrincipalByAppId(api, props.appId).catch((e: unknown) => {
      if (graphStatus(e) === 404) return undefined;
      throw e;
    });
    if (sp) {
      for (const g of await listGrants(api, sp.id)) {
        if (sameCi(g.appRoleId, props.receivePayloadRoleId))
          await api.delete(`${spPath(g.resourceId)}/appRoleAssignedTo/${encodeURIComponent(g.id)}`);
      }
      await api.delete(spPath(sp.id));
    }
    await api.delete(appPath(id));
    clearLedger(ledgerOf(props));
  },
};
