/**
 * Tenant social identity providers (Google, Facebook) that B2X flows can offer (docs/graph-contract.md §4.2).
 * The client secret is write-only in Graph (`******` on read), so a salted hash makes secret changes
 * diffable.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi } from "../client";
import type { GraphConnection } from "../connection";
import {
  changedFields,
  checkConnection,
  connectionOf,
  createdNow,
  isUnknown,
  recentlyCreated,
  requireString,
  sameCi,
  toCheckResult,
  type Problem,
} from "./common";
import { credentialHash, newSalt } from "./connector-credential";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { providerApi } from "./engine-guard";
import { convergeRetrying } from "./idempotent";
import {
  adoptSecretsProblems,
  normalizeAdoptSecrets,
  noticeTrustedSecret,
  type AdoptSecrets,
} from "./adopt-secrets";

export const identityProvidersPath = "/identity/identityProviders";
export const socialTypes = ["Google", "Facebook"] as const;
const idpPath = (id: string) => `${identityProvidersPath}/${encodeURIComponent(id)}`;

export interface SocialIdentityProviderInputs {
  readonly connection: GraphConnection;
  readonly type: (typeof socialTypes)[number];
  readonly clientId: string;
  readonly clientSecret: string;
  readonly displayName: string;
  readonly adoptExisting: boolean;
  /** On adopt: take the given client secret as the one Graph holds ("trust") or send it ("write"). */
  readonly adoptSecrets: AdoptSecrets;
}

export interface SocialIdentityProviderOutputs extends Omit<SocialIdentityProviderInputs, "clientSecret"> {
  readonly identityProviderId: string;
  readonly secretSalt: string;
  readonly secretHash: string;
  /** True while the client secret is one adopted as given and never sent (adoptSecrets "trust"). */
  readonly secretAdopted?: boolean;
  /** When this stack created (or adopted) it; a refresh soon after retries 404s (replication). */
  readonly createdAt?: string;
}

interface GraphIdp {
  id: string;
  "@odata.type"?: string;
  displayName?: string;
  identityProviderType?: string;
  clientId?: string;
}

export function normalizeIdpInputs(raw: Record<string, unknown>): SocialIdentityProviderInputs {
  const type = (socialTypes.find((t) => typeof raw.type === "string" && sameCi(t, raw.type)) ??
    raw.type) as SocialIdentityProviderInputs["type"];
  return {
    connection: raw.connection as GraphConnection,
    type,
    clientId: raw.clientId as string,
    clientSecret: raw.clientSecret as string,
    displayName: (raw.displayName ?? type) as string,
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
    adoptSecrets: normalizeAdoptSecrets(raw.adoptSecrets),
  };
}

export function validateIdpInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection), ...adoptSecretsProblems(raw.adoptSecrets)];
  if (!isUnknown(raw.type) && !socialTypes.some((t) => typeof raw.type === "string" && sameCi(t, raw.type))) {
    problems.push(["type", `type: ${JSON.stringify(raw.type)} is not one of ${socialTypes.join(", ")}`]);
  }
  requireString(raw, "clientId", problems);
  // Never echo the secret in a message.
  if (!isUnknown(raw.clientSecret) && (typeof raw.clientSecret !== "string" || raw.clientSecret === "")) {
    problems.push(["clientSecret", "clientSecret: required non-empty string"]);
  }
  return problems;
}

const ledgerOf = (i: Pick<SocialIdentityProviderInputs, "connection" | "type">) => ({
  connection: i.connection,
  kind: "socialIdentityProvider",
  key: i.type,
});

/**
 * A provider's type cannot change in place, and replacing it would delete the tenant's provider that flows
 * offer (Graph refuses while a flow links it). Refused at preview with the way to do it on purpose.
 */
export function typeChangeProblems(olds: Record<string, unknown>, news: Record<string, unknown>): Problem[] {
  if (typeof olds.type !== "string" || typeof news.type !== "string" || isUnknown(news.type)) return [];
  if (sameCi(olds.type, news.type)) return [];
  return [
    [
      "type",
      `type: a ${olds.type} identity provider cannot become ${news.type}; replacing it would delete ${olds.type}-OAUTH, ` +
        `which user flows still offer. To switch: add a ${news.type} provider as a new resource and list it in the flow's ` +
        `identityProviders, run up; then remove ${olds.type} from the flow and this resource, and run up`,
    ],
  ];
}

async function findByType(api: GraphApi, type: string): Promise<GraphIdp | undefined> {
  const all = await api.list<GraphIdp>(identityProvidersPath);
  return all.find(
    (i) => sameCi(i.identityProviderType, type) && /social/i.test(i["@odata.type"] ?? "social"),
  );
}

function body(i: SocialIdentityProviderInputs): Record<string, unknown> {
  return {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    displayName: i.displayName,
    identityProviderType: i.type,
    clientId: i.clientId,
    clientSecret: i.clientSecret,
  };
}

/** PATCH body: the type is fixed once created (Graph rejects it in an update). */
function patchBody(i: SocialIdentityProviderInputs): Record<string, unknown> {
  const { identityProviderType: _type, ...rest } = body(i);
  return rest;
}

function outputsFor(
  i: SocialIdentityProviderInputs,
  id: string,
  salt: string,
  createdAt: string | undefined,
  secretAdopted = false,
): SocialIdentityProviderOutputs {
  const { clientSecret, ...rest } = i;
  return {
    ...rest,
    identityProviderId: id,
    secretSalt: salt,
    secretHash: credentialHash(salt, i.clientId, clientSecret),
    ...(secretAdopted ? { secretAdopted } : {}),
    ...(createdAt === undefined ? {} : { createdAt }),
  };
}

/**
 * What an adopted provider (made by hand) needs written: the display name when Graph shows another; the
 * whole body with the secret when the client id differs (the secret belongs to another app then) or
 * `adoptSecrets` is "write". Otherwise the given secret is trusted (Graph shows `******`: ./adopt-secrets.ts).
 */
export function adoptPatch(
  current: GraphIdp,
  i: SocialIdentityProviderInputs,
): { patch: Record<string, unknown>; secretTrusted: boolean } {
  if (current.clientId !== i.clientId || i.adoptSecrets === "write")
    return { patch: patchBody(i), secretTrusted: false };
  const patch: Record<string, unknown> =
    current.displayName === i.displayName
      ? {}
      : { "@odata.type": "#microsoft.graph.socialIdentityProvider", displayName: i.displayName };
  return { patch, secretTrusted: true };
}

export const socialIdentityProviderProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    return toCheckResult(normalizeIdpInputs(news), [
      ...validateIdpInputs(news),
      ...typeChangeProblems(olds, news),
    ]);
  },

  async diff(_id, olds: SocialIdentityProviderOutputs, news: SocialIdentityProviderInputs) {
    clearLedger(ledgerOf(olds));
    const fields = changedFields({ ...olds }, { ...news }, [
      "type",
      "clientId",
      "displayName",
      "connection",
      "adoptExisting",
    ]);
    if (
      (olds.secretAdopted === true && news.adoptSecrets === "write") ||
      isUnknown(news.clientSecret) ||
      credentialHash(olds.secretSalt, news.clientId, news.clientSecret) !== olds.secretHash
    ) {
      fields.push("clientSecret");
    }
    const replaces = fields.includes("type") ? ["type"] : [];
    // One provider per type per tenant: the old one must go before the new one can be created.
    return { changes: fields.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs: SocialIdentityProviderInputs) {
    const api = providerApi(inputs.connection);
    const { object, adopted, existing } = await createSafely({
      adoptExisting: inputs.adoptExisting,
      describe: `${inputs.type} identity provider "${inputs.type}-OAUTH"`,
      ledger: ledgerOf(inputs),
      unique: true,
      findAll: async () => {
        const found = await findByType(api, inputs.type);
        return found ? [found] : [];
      },
      create: () => api.post<GraphIdp>(identityProvidersPath, body(inputs), { create: true }),
    });
    let secretAdopted = false;
    if (existing) {
      // Made by hand: write only what differs from what Graph shows (the secret is trusted, see adoptPatch).
      const { patch, secretTrusted } = adoptPatch(object, inputs);
      if (Object.keys(patch).length > 0)
        await convergeRetrying(() => api.patch(idpPath(object.id), patch, { afterCreate: true }));
      secretAdopted = secretTrusted;
    } else if (adopted) {
      // Recovered from this stack's own interrupted create, which may have sent another secret: send ours.
      await convergeRetrying(() => api.patch(idpPath(object.id), patchBody(inputs), { afterCreate: true }));
    }
    if (secretAdopted)
      noticeTrustedSecret(`${inputs.type} identity provider "${object.id}"`, "client secret");
    return { id: object.id, outs: outputsFor(inputs, object.id, newSalt(), createdNow(), secretAdopted) };
  },

  async read(id, props: SocialIdentityProviderOutputs) {
    clearLedger(ledgerOf(props));
    const i = await providerApi(connectionOf(props)).find<GraphIdp>(idpPath(id), {
      afterCreate: recentlyCreated(props),
    });
    if (!i) return {};
    const outs: SocialIdentityProviderOutputs = {
      ...props,
      displayName: i.displayName ?? props.displayName,
      clientId: i.clientId ?? props.clientId,
    };
    const {
      identityProviderId: _i,
      secretSalt: _s,
      secretHash: _h,
      secretAdopted: _a,
      createdAt: _c,
      ...inputs
    } = outs;
    return { id, props: outs, inputs };
  },

  async update(id, olds: SocialIdentityProviderOutputs, news: SocialIdentityProviderInputs) {
    clearLedger(ledgerOf(olds));
    const api = providerApi(news.connection);
    const fresh = { afterCreate: recentlyCreated(olds) };
    await convergeRetrying(() => api.patch(idpPath(id), patchBody(news), fresh));
    return { outs: outputsFor(news, id, olds.secretSalt || newSalt(), olds.createdAt) };
  },

  async delete(id, props: SocialIdentityProviderOutputs) {
    await providerApi(connectionOf(props)).delete(idpPath(id));
    clearLedger(ledgerOf(props));
  },
};
