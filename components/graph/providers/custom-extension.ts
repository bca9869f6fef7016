/**
 * Custom authentication extensions (`identity/customAuthenticationExtensions`) with
 * `azureAdTokenAuthentication`. After a create (and after a change of the URL or resource) Graph's
 * `validateAuthenticationConfiguration` must report no error and no missing consent, retried with a
 * bounded back-off because a fresh app, service principal or role assignment may still be replicating.
 * The event type cannot change (a new one replaces it, before the old is deleted, so a flow can rewire).
 * Whether `clientConfiguration` can be PATCHed is undocumented: it is read back, and when Graph refused or
 * ignored it the extension is replaced (same name, new id) and the old one deleted once unwired.
 * https://learn.microsoft.com/graph/api/identitycontainer-post-customauthenticationextensions
 * https://learn.microsoft.com/graph/api/customauthenticationextension-update
 * https://learn.microsoft.com/graph/api/customauthenticationextension-validateauthenticationconfiguration
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi } from "../client";
import { graphStatus } from "../errors";
import { retryDelayMs, retryScale, sleep } from "../retry";
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
import {
  eventTypeOf,
  extensionBody,
  extensionPath,
  extensionsPath,
  normalizeExtensionInputs,
  validateExtensionInputs,
  type CustomAuthenticationExtensionInputs,
  type GraphExtension,
} from "./custom-extension-inputs";
import { providerApi } from "./engine-guard";
import { convergeRetrying } from "./idempotent";

export interface CustomAuthenticationExtensionOutputs extends CustomAuthenticationExtensionInputs {
  readonly extensionId: string;
  /** False when the last validation failed (the next run validates again). */
  readonly validated: boolean;
  /** Earlier ids of this extension (replaced because Graph would not update clientConfiguration) still to delete. */
  readonly supersededExtensionIds: readonly string[];
  readonly createdAt?: string;
}

/** How often validation is tried before its findings fail the deployment. */
export const validationAttempts = 6;

interface Finding {
  code?: string;
  message?: string;
}

/** What each finding means at run time and how to fix it. */
const findingFix: Record<string, string> = {
  incorrectresourceidformat:
    "Entra would fail sign-ups with 1003014; use the identifier URI api://<host of targetUrl>/<appId>",
  domainnamedoesnotmatch:
    "Entra would fail sign-ups with 1003015; the resourceId host must be the targetUrl host",
  serviceprincipalnotfound:
    "Entra would fail sign-ups with 1003016/1003017; create the API application's service principal (ExtensionApiApplication)",
  permissionnotgrantedtoserviceprincipal:
    "consent missing: Entra would fail sign-ups with 1003021; grant CustomAuthenticationExtension.Receive.Payload to the API's service principal (ExtensionApiApplication does this)",
};

const describeFinding = (f: Finding) =>
  `${f.code ?? "Unknown"}: ${f.message ?? ""} (${findingFix[(f.code ?? "").toLowerCase()] ?? "see the message"})`;

/**
 * Runs `validateAuthenticationConfiguration` until it reports no error and no missing consent, or fails
 * with every finding after {@link validationAttempts} tries.
 */
export async function validateExtension(
  api: GraphApi,
  id: string,
  attempts = validationAttempts,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const r = await api.post<{ errors?: Finding[]; warnings?: Finding[] }>(
      `${extensionPath(id)}/validateAuthenticationConfiguration`,
      {},
      { afterCreate: true },
    );
    const findings = [
      ...(r.errors ?? []),
      ...(r.warnings ?? []).filter((w) => sameCi(w.code, "PermissionNotGrantedToServicePrincipal")),
    ];
    if (findings.length === 0) return;
    if (attempt >= attempts)
      throw new Error(
        `custom authentication extension ${id} failed validateAuthenticationConfiguration after ${attempts} tries: ` +
          findings.map(describeFinding).join("; "),
      );
    await sleep(retryDelayMs(attempt, undefined) * retryScale());
  }
}

const ledgerOf = (
  i: Pick<CustomAuthenticationExtensionInputs, "connection" | "displayName" | "eventType">,
) => ({
  connection: i.connection,
  kind: "customAuthenticationExtension",
  key: `${i.eventType}|${String(i.displayName ?? "").toLowerCase()}`,
});

/** Display names are not unique: the natural key is the name and the event type. */
async function findByName(api: GraphApi, i: CustomAuthenticationExtensionInputs): Promise<GraphExtension[]> {
  const all = await api.list<GraphExtension>(
    `${extensionsPath}?$filter=displayName eq ${odataString(i.displayName)}`,
  );
  return all.filter(
    (e) => sameCi(e.displayName, i.displayName) && eventTypeOf(e["@odata.type"]) === i.eventType,
  );
}

const outputsFor = (
  i: CustomAuthenticationExtensionInputs,
  extensionId: string,
  validated: boolean,
  superseded: readonly string[],
  createdAt: string | undefined,
): CustomAuthenticationExtensionOutputs => ({
  ...i,
  extensionId,
  validated,
  supersededExtensionIds: [...superseded],
  ...(createdAt === undefined ? {} : { createdAt }),
});

/** A new extension with the full body (create, or the replacement when clientConfiguration cannot change). */
async function createExtension(api: GraphApi, i: CustomAuthenticationExtensionInputs, adopt: boolean) {
  const { object, adopted, extras } = await createSafely({
    adoptExisting: adopt,
    describe: `custom authentication extension "${i.displayName}" (${i.eventType})`,
    ledger: ledgerOf(i),
    unique: false,
    findAll: () => findByName(api, i),
    create: () => api.post<GraphExtension>(extensionsPath, extensionBody(i), { create: true }),
  });
  // Copies an interrupted earlier attempt made (ours by the create ledger): one extension stays.
  for (const extra of extras) await api.delete(extensionPath(extra.id));
  // An adopted extension gets our settings (both client settings are sent).
  if (adopted)
    await convergeRetrying(() =>
      api.patch(extensionPath(object.id), extensionBody(i), { afterCreate: true }),
    );
  return object;
}

/** Deletes earlier ids; the ones Graph still refuses (a flow still uses them) are kept for the next run. */
async function deleteSuperseded(api: GraphApi, ids: readonly string[]): Promise<string[]> {
  const left: string[] = [];
  for (const id of ids) {
    try {
      await api.delete(extensionPath(id));
    } catch (e) {
      if (graphStatus(e) !== 400 && graphStatus(e) !== 409) throw e;
      left.push(id);
    }
  }
  return left;
}

const sameClient = (g: GraphExtension, i: CustomAuthenticationExtensionInputs) =>
  g.clientConfiguration?.timeoutInMilliseconds === i.timeoutInMilliseconds &&
  g.clientConfiguration?.maximumRetries === i.maximumRetries;

/** PATCHes the extension; returns false when Graph refused or ignored the clientConfiguration. */
async function patchExtension(
  api: GraphApi,
  id: string,
  news: CustomAuthenticationExtensionInputs,
  clientChanged: boolean,
  fresh: { afterCreate: boolean },
): Promise<boolean> {
  try {
    await convergeRetrying(() => api.patch(extensionPath(id), extensionBody(news, clientChanged), fresh));
  } catch (e) {
    if (!clientChanged || graphStatus(e) !== 400) throw e;
    await convergeRetrying(() => api.patch(extensionPath(id), extensionBody(news, false), fresh));
    return false;
  }
  return !clientChanged || sameClient(await api.get<GraphExtension>(extensionPath(id), fresh), news);
}

export const customAuthenticationExtensionProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizeExtensionInputs(news), validateExtensionInputs(news));
  },

  async diff(_id, olds: CustomAuthenticationExtensionOutputs, news: CustomAuthenticationExtensionInputs) {
    clearLedger(ledgerOf(olds));
    const fields = changedFields({ ...olds }, { ...news }, [
      "eventType",
      "displayName",
      "description",
      "targetUrl",
      "resourceId",
      "timeoutInMilliseconds",
      "maximumRetries",
      "claimsForTokenConfiguration",
      "connection",
      "adoptExisting",
    ]);
    if (olds.validated === false) fields.push("validated");
    if ((olds.supersededExtensionIds ?? []).length > 0) fields.push("supersededExtensionIds");
    // A new event type is a new extension: created first, so the flow can switch to it before the old goes.
    const replaces = isUnknown(news.eventType) || olds.eventType !== news.eventType ? ["eventType"] : [];
    return { changes: fields.length > 0, replaces, deleteBeforeReplace: false };
  },

  async create(inputs: CustomAuthenticationExtensionInputs) {
    const api = providerApi(inputs.connection);
    const e = await createExtension(api, inputs, inputs.adoptExisting);
    const createdAt = createdNow();
    try {
      await validateExtension(api, e.id);
    } catch (err) {
      throw new PartialCreateError(
        e.id,
        { ...outputsFor(inputs, e.id, false, [], createdAt) } as Record<string, unknown>,
        err,
      );
    }
    return { id: e.id, outs: outputsFor(inputs, e.id, true, [], createdAt) };
  },

  async read(id, props: CustomAuthenticationExtensionOutputs) {
    clearLedger(ledgerOf(props));
    const extId = props.extensionId ?? id;
    const e = await providerApi(connectionOf(props)).find<GraphExtension>(extensionPath(extId), {
      afterCreate: recentlyCreated(props),
    });
    if (!e) return {};
    const outs: CustomAuthenticationExtensionOutputs = {
      ...props,
      extensionId: e.id,
      eventType: eventTypeOf(e["@odata.type"]) ?? props.eventType,
      displayName: e.displayName ?? props.displayName,
      ...(props.description === undefined && !e.description ? {} : { description: e.description ?? "" }),
      targetUrl: e.endpointConfiguration?.targetUrl ?? "",
      resourceId: e.authenticationConfiguration?.resourceId ?? "",
      // null = the service default, which is not what this stack asks for: shown as drift.
      timeoutInMilliseconds: e.clientConfiguration?.timeoutInMilliseconds ?? (null as unknown as number),
      maximumRetries: e.clientConfiguration?.maximumRetries ?? (null as unknown as number),
      ...(props.claimsForTokenConfiguration === undefined
        ? {}
        : {
            claimsForTokenConfiguration: (e.claimsForTokenConfiguration ?? []).map(
              (c) => c.claimIdInApiResponse,
            ),
          }),
    };
    const { extensionId: _e, validated: _v, supersededExtensionIds: _s, createdAt: _c, ...inputs } = outs;
    return { id, props: outs, inputs };
  },

  async update(id, olds: CustomAuthenticationExtensionOutputs, news: CustomAuthenticationExtensionInputs) {
    clearLedger(ledgerOf(olds));
    const api = providerApi(news.connection);
    const fresh = { afterCreate: recentlyCreated(olds) };
    let extId = olds.extensionId ?? id;
    let superseded = await deleteSuperseded(api, olds.supersededExtensionIds ?? []);
    const clientChanged =
      olds.timeoutInMilliseconds !== news.timeoutInMilliseconds ||
      olds.maximumRetries !== news.maximumRetries;
    const bodyChanged =
      changedFields({ ...olds }, { ...news }, [
        "displayName",
        "description",
        "targetUrl",
        "resourceId",
        "claimsForTokenConfiguration",
      ]).length > 0;
    let validated =
      olds.validated !== false &&
      !(bodyChanged && (olds.targetUrl !== news.targetUrl || olds.resourceId !== news.resourceId));
    if (bodyChanged || clientChanged) {
      const applied = await patchExtension(api, extId, news, clientChanged, fresh);
      if (!applied) {
        // Graph kept the old timeout/retries: a new extension carries the new ones; the flow rewires to it
        // (its input is this extensionId), and the old one is deleted once nothing uses it.
        const replacement = await createExtension(api, news, false);
        superseded = [...superseded, extId];
        extId = replacement.id;
        validated = false;
        superseded = await deleteSuperseded(api, superseded);
      }
    }
    if (!validated) await validateExtension(api, extId);
    return { outs: outputsFor(news, extId, true, superseded, olds.createdAt) };
  },

  async delete(id, props: CustomAuthenticationExtensionOutputs) {
    const api = providerApi(connectionOf(props));
    const ids = [...new Set([props.extensionId ?? id, id, ...(props.supersededExtensionIds ?? [])])];
    for (const extId of ids) {
      try {
        await api.delete(extensionPath(extId));
      } catch (e) {
        if (graphStatus(e) !== 400) throw e;
        throw new Error(
          `custom authentication extension ${extId} is still wired to a user flow or listener, and deleting it would leave ` +
            "a dangling reference (Entra error 1003011 CustomExtensionNotFound). Fix: remove it from the flow's " +
            `onAttributeCollectionStart/SubmitExtensionId (or delete the flow) first. Graph: ${(e as Error).message}`,
        );
      }
    }
    clearLedger(ledgerOf(props));
  },
};
