/**
 * `MappedClaimsAcceptance`: lets a single-tenant application accept tokens with claims from a claims
 * mapping policy, `api.acceptMappedClaims: true` with v2 access tokens
 * (https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration).
 * Multi-tenant applications are refused at preview: with acceptMappedClaims, a policy made in any tenant
 * could put claims into their tokens; such apps need a custom signing key instead. The values found
 * before the first change are kept and put back on delete.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphConnection } from "../connection";
import { errorText } from "./error-text";
import {
  changedFields,
  checkConnection,
  connectionOf,
  isUnknown,
  requireString,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";
import { convergeRetrying } from "./idempotent";
import {
  appPath,
  applicationByAppId,
  v1Api,
  type GraphApplication,
  type V1Api,
} from "./api-application-graph";

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const singleTenantAudience = "AzureADMyOrg";

export interface MappedClaimsAcceptanceInputs {
  readonly connection: GraphConnection;
  readonly appId: string;
}

export interface MappedClaimsAcceptanceOutputs extends MappedClaimsAcceptanceInputs {
  readonly applicationObjectId: string;
  readonly signInAudience: string;
  readonly acceptMappedClaims: boolean | null;
  readonly requestedAccessTokenVersion: number | null;
  /** Found before this resource first changed them; restored on delete. */
  readonly previousAcceptMappedClaims: boolean | null;
  readonly previousRequestedAccessTokenVersion: number | null;
}

export const normalizeAcceptanceInputs = (raw: Record<string, unknown>): MappedClaimsAcceptanceInputs => ({
  connection: raw.connection as GraphConnection,
  appId: raw.appId as string,
});

/** Why this app must not accept mapped claims, or undefined when it may. */
export function multiTenantRefusal(
  app: Pick<GraphApplication, "appId" | "displayName" | "signInAudience">,
): string | undefined {
  if (app.signInAudience === singleTenantAudience) return undefined;
  return (
    `appId: application "${app.displayName}" (${app.appId}) is multi-tenant (signInAudience ${app.signInAudience ?? "unset"}); ` +
    "acceptMappedClaims on a multi-tenant app lets a claims mapping policy made in any tenant put claims into its tokens, so it is refused. " +
    "Fix: make the app single-tenant (signInAudience AzureADMyOrg), or give it a custom signing key instead " +
    "(https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration) and drop it from tokenClaims.appIds"
  );
}

async function findApp(api: V1Api, appId: string): Promise<GraphApplication> {
  const app = await applicationByAppId(api, appId);
  if (!app)
    throw new Error(
      `appId: no application with appId ${appId} in this tenant (an app registration is needed, not only a service principal)`,
    );
  return app;
}

const accepts = (app: GraphApplication) =>
  app.api?.acceptMappedClaims === true && app.api?.requestedAccessTokenVersion === 2;

/** PATCH `api` (sent back whole: Graph may replace the complex property) only when it differs. */
async function setApi(
  api: V1Api,
  id: string,
  acceptMappedClaims: boolean | null,
  version: number | null,
): Promise<void> {
  await convergeRetrying(async () => {
    const app = await api.get<GraphApplication>(appPath(id));
    if (
      (app.api?.acceptMappedClaims ?? null) === acceptMappedClaims &&
      (app.api?.requestedAccessTokenVersion ?? null) === version
    )
      return;
    await api.patch(appPath(id), {
      api: { ...(app.api ?? {}), acceptMappedClaims, requestedAccessTokenVersion: version },
    });
  });
}

function outputsFor(
  i: MappedClaimsAcceptanceInputs,
  app: GraphApplication,
  previous: Pick<
    MappedClaimsAcceptanceOutputs,
    "previousAcceptMappedClaims" | "previousRequestedAccessTokenVersion"
  >,
): MappedClaimsAcceptanceOutputs {
  return {
    connection: i.connection,
    appId: i.appId,
    applicationObjectId: app.id,
    signInAudience: app.signInAudience ?? "",
    acceptMappedClaims: app.api?.acceptMappedClaims ?? null,
    requestedAccessTokenVersion: app.api?.requestedAccessTokenVersion ?? null,
    previousAcceptMappedClaims: previous.previousAcceptMappedClaims ?? null,
    previousRequestedAccessTokenVersion: previous.previousRequestedAccessTokenVersion ?? null,
  };
}

export const mappedClaimsAcceptanceProvider: pulumi.dynamic.ResourceProvider = {
  /** Reads the app (no write) so a multi-tenant app is refused at preview. */
  async check(_olds, news) {
    const problems: Problem[] = [...checkConnection(news.connection)];
    requireString(news, "appId", problems);
    const appId = news.appId;
    if (typeof appId === "string" && !isUnknown(appId) && !guid.test(appId))
      problems.push(["appId", `appId: ${JSON.stringify(appId)} is not an application (client) id GUID`]);
    if (problems.length === 0 && !isUnknown(appId) && !isUnknown(news.connection)) {
      try {
        const app = await findApp(v1Api(news.connection as GraphConnection), appId as string);
        const refusal = multiTenantRefusal(app);
        if (refusal) problems.push(["appId", refusal]);
      } catch (e) {
        problems.push(["appId", `appId: cannot read application ${String(appId)}: ${errorText(e)}`]);
      }
    }
    return toCheckResult(normalizeAcceptanceInputs(news), problems);
  },

  async diff(_id, olds: MappedClaimsAcceptanceOutputs, news: MappedClaimsAcceptanceInputs) {
    const fields = changedFields({ ...olds }, { ...news }, ["connection"]);
    const otherApp = isUnknown(news.appId) || !sameCi(olds.appId, news.appId);
    const drifted = olds.acceptMappedClaims !== true || olds.requestedAccessTokenVersion !== 2;
    return {
      changes: fields.length > 0 || otherApp || drifted,
      replaces: otherApp ? ["appId"] : [],
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: MappedClaimsAcceptanceInputs) {
    const api = v1Api(inputs.connection);
    const app = await findApp(api, inputs.appId);
    const refusal = multiTenantRefusal(app);
    if (refusal) throw new Error(refusal);
    const previous = {
      previousAcceptMappedClaims: app.api?.acceptMappedClaims ?? null,
      previousRequestedAccessTokenVersion: app.api?.requestedAccessTokenVersion ?? null,
    };
    if (!accepts(app)) await setApi(api, app.id, true, 2);
    const outs = outputsFor(
      inputs,
      { ...app, api: { ...(app.api ?? {}), acceptMappedClaims: true, requestedAccessTokenVersion: 2 } },
      previous,
    );
    return { id: app.id, outs };
  },

  async read(id, props: MappedClaimsAcceptanceOutputs) {
    const app = await v1Api(connectionOf(props)).find<GraphApplication>(appPath(id));
    if (!app) return {};
    const outs = outputsFor(props, app, props);
    return { id, props: outs, inputs: normalizeAcceptanceInputs(outs as unknown as Record<string, unknown>) };
  },

  async update(id, olds: MappedClaimsAcceptanceOutputs, news: MappedClaimsAcceptanceInputs) {
    const api = v1Api(news.connection);
    const app = await api.get<GraphApplication>(appPath(id));
    const refusal = multiTenantRefusal(app);
    if (refusal) throw new Error(refusal);
    if (!accepts(app)) await setApi(api, id, true, 2);
    return {
      outs: outputsFor(
        news,
        { ...app, api: { ...(app.api ?? {}), acceptMappedClaims: true, requestedAccessTokenVersion: 2 } },
        olds,
      ),
    };
  },

  /** Puts back what was found before the first change (a deleted app is done). */
  async delete(id, props: MappedClaimsAcceptanceOutputs) {
    const api = v1Api(connectionOf(props));
    if (!(await api.find<GraphApplication>(appPath(id)))) return;
    await setApi(
      api,
      id,
      props.previousAcceptMappedClaims ?? null,
      props.previousRequestedAccessTokenVersion ?? null,
    );
  },
};
