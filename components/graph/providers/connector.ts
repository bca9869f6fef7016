/**
 * API connectors (docs/graph-contract.md §3). Basic auth with a given or generated password, or PKCS#12
 * client certificates with rollover by upload (never by recreating the connector, which would change its id
 * and unlink flows — the Microsoft365DSC behaviour users complain about).
 */
import { rotationDue } from "../../password";
import type * as pulumi from "@pulumi/pulumi";
import type { GraphApi } from "../client";
import {
  compact,
  connectionOf,
  createdNow,
  isUnknown,
  PartialCreateError,
  recentlyCreated,
  sameCi,
  toCheckResult,
} from "./common";
import { clearLedger } from "./create-ledger";
import { createSafely } from "./create-safely";
import { providerApi } from "./engine-guard";
import { convergeRetrying } from "./idempotent";
import { noticeTrustedSecret } from "./adopt-secrets";
import {
  certificatesToUpload,
  credentialHash,
  generatePassword,
  newSalt,
  readPfx,
  staleThumbprints,
} from "./connector-credential";
import {
  authTypeOf,
  connectorChanges,
  normalizeConnectorInputs,
  validateConnectorInputs,
  type ApiConnectorInputs,
  type ApiConnectorOutputs,
} from "./connector-inputs";

export const connectorsPath = "/identity/apiConnectors";

export interface GraphConnector {
  id: string;
  displayName: string;
  targetUrl: string;
  authenticationConfiguration?: {
    "@odata.type"?: string;
    username?: string;
    certificateList?: Array<{
      thumbprint: string;
      notAfter?: number;
      notBefore?: number;
      isActive?: boolean;
    }>;
  };
}

const connectorPath = (id: string) => `${connectorsPath}/${encodeURIComponent(id)}`;

export function authTypeFromGraph(c: GraphConnector): "basic" | "certificate" {
  return /basicAuthentication$/i.test(c.authenticationConfiguration?.["@odata.type"] ?? "")
    ? "basic"
    : "certificate";
}

export const graphThumbprints = (c: GraphConnector): string[] =>
  (c.authenticationConfiguration?.certificateList ?? []).map((x) => x.thumbprint.toUpperCase());

/** The credential to send: Basic body, or the first certificate as pkcs12 (rest are uploaded). */
export function authenticationBody(
  i: ApiConnectorInputs,
  password: string | undefined,
): Record<string, unknown> {
  const first = i.certificates?.[0];
  if (first) {
    return {
      "@odata.type": "#microsoft.graph.pkcs12Certificate",
      pkcs12Value: first.pkcs12Base64,
      password: first.password,
    };
  }
  return { "@odata.type": "#microsoft.graph.basicAuthentication", username: i.username, password };
}

/**
 * Uploads desired certificates Graph does not list yet, oldest first so the newest ends up active. Reads
 * the connector first, so a repeat after a lost answer uploads only what is still missing.
 */
async function uploadMissing(api: GraphApi, id: string, i: ApiConnectorInputs): Promise<GraphConnector> {
  const desired = (i.certificates ?? []).map((c) => ({
    ...c,
    thumbprint: readPfx(c.pkcs12Base64, c.password).thumbprint,
  }));
  let last = await api.get<GraphConnector>(connectorPath(id), { afterCreate: true });
  for (const c of certificatesToUpload(desired, graphThumbprints(last))) {
    last = await api.post<GraphConnector>(
      `${connectorPath(id)}/uploadClientCertificate`,
      { pkcs12Value: c.pkcs12Base64, password: c.password },
      { afterCreate: true },
    );
  }
  return last;
}

function outputsFor(
  i: ApiConnectorInputs,
  c: GraphConnector,
  password: string | undefined,
  salt: string,
  createdAt: string | undefined,
  passwordAdopted = false,
): ApiConnectorOutputs {
  const authType = authTypeOf(i);
  const active = graphThumbprints(c);
  return compact({
    connection: i.connection,
    displayName: i.displayName,
    targetUrl: i.targetUrl,
    username: i.username,
    rotationKey: i.rotationKey,
    adoptExisting: i.adoptExisting,
    connectorId: c.id,
    authType,
    password: authType === "basic" ? password : undefined,
    passwordGenerated: authType === "basic" && i.password === undefined,
    credentialSalt: salt,
    credentialHash:
      authType === "basic" && password !== undefined ? credentialHash(salt, i.username, password) : "",
    thumbprints: i.thumbprints,
    activeThumbprints: active,
    staleThumbprints: authType === "certificate" ? staleThumbprints(i.thumbprints, active) : [],
    passwordAdopted: passwordAdopted || undefined,
    createdAt,
  });
}

/** Every connector with this display name (names are not unique in Graph). */
async function findConnectors(api: GraphApi, displayName: string): Promise<GraphConnector[]> {
  // $filter on displayName is undocumented for connectors (docs/graph-contract.md §3.3): list and match here.
  const all = await api.list<GraphConnector>(connectorsPath);
  return all.filter((c) => sameCi(c.displayName, displayName));
}

const ledgerOf = (i: Pick<ApiConnectorInputs, "connection" | "displayName">) => ({
  connection: i.connection,
  kind: "apiConnector",
  key: i.displayName,
});

/**
 * What an adopted connector (made by hand, found by `adoptExisting`) needs written to match the inputs:
 * names and URL as Graph shows them; the credential only when Graph shows a different auth kind or user
 * name, when the password is generated here, or when `adoptSecrets` is "write". Otherwise the given Basic
 * password is trusted (Graph never returns it: ./adopt-secrets.ts), and a certificate is compared by
 * thumbprint (uploaded afterwards if Graph does not list it).
 */
export function adoptPatch(
  current: GraphConnector,
  i: ApiConnectorInputs,
  body: { displayName: string; targetUrl: string; authenticationConfiguration: Record<string, unknown> },
): { patch: Record<string, unknown>; passwordTrusted: boolean } {
  const patch: Record<string, unknown> = {};
  if (current.displayName !== i.displayName) patch.displayName = i.displayName;
  if (current.targetUrl !== i.targetUrl) patch.targetUrl = i.targetUrl;
  const type = authTypeOf(i);
  const sameKind = authTypeFromGraph(current) === type;
  if (type === "certificate") {
    if (!sameKind) patch.authenticationConfiguration = body.authenticationConfiguration;
    return { patch, passwordTrusted: false };
  }
  const trusted =
    sameKind &&
    current.authenticationConfiguration?.username === i.username &&
    i.password !== undefined &&
    i.adoptSecrets === "trust";
  if (!trusted) patch.authenticationConfiguration = body.authenticationConfiguration;
  return { patch, passwordTrusted: trusted };
}

async function createConnector(i: ApiConnectorInputs) {
  const api = providerApi(i.connection);
  const password = authTypeOf(i) === "basic" ? (i.password ?? generatePassword()) : undefined;
  const salt = newSalt();
  const body = {
    displayName: i.displayName,
    targetUrl: i.targetUrl,
    authenticationConfiguration: authenticationBody(i, password),
  };
  const { object, adopted, existing, extras } = await createSafely({
    adoptExisting: i.adoptExisting,
    describe: `API connector "${i.displayName}"`,
    ledger: ledgerOf(i),
    unique: false,
    findAll: () => findConnectors(api, i.displayName),
    create: () => api.post<GraphConnector>(connectorsPath, body, { create: true }),
  });
  let current = object;
  let passwordAdopted = false;
  const createdAt = createdNow();
  try {
    // Copies an interrupted earlier attempt made (ours by the create ledger): one connector stays.
    for (const extra of extras) await api.delete(connectorPath(extra.id));
    if (existing) {
      // Made by hand: write only what differs from what Graph shows (the password is trusted, see adoptPatch).
      const { patch, passwordTrusted } = adoptPatch(object, i, body);
      passwordAdopted = passwordTrusted;
      if (Object.keys(patch).length > 0)
        await convergeRetrying(() => api.patch(connectorPath(object.id), patch, { afterCreate: true }));
    } else if (adopted) {
      // Recovered from this stack's own interrupted create, whose password may have been another: send ours.
      await convergeRetrying(() => api.patch(connectorPath(object.id), body, { afterCreate: true }));
    }
    current = await convergeRetrying(() => uploadMissing(api, object.id, i));
  } catch (e) {
    const outs = outputsFor(i, current, password, salt, createdAt, passwordAdopted);
    throw new PartialCreateError(object.id, { ...outs }, e);
  }
  if (passwordAdopted) noticeTrustedSecret(`API connector "${i.displayName}"`, "Basic password");
  return { id: object.id, outs: outputsFor(i, current, password, salt, createdAt, passwordAdopted) };
}

async function updateConnector(id: string, olds: ApiConnectorOutputs, news: ApiConnectorInputs) {
  const api = providerApi(news.connection);
  const changes = connectorChanges(olds, news);
  const type = authTypeOf(news);
  const rotate =
    type === "basic" && news.password === undefined && (!olds.passwordGenerated || rotationDue(olds, news));
  const password =
    type === "basic" ? (news.password ?? (rotate ? generatePassword() : olds.password)) : undefined;
  const patch: Record<string, unknown> = {};
  if (news.displayName !== olds.displayName) patch.displayName = news.displayName;
  if (news.targetUrl !== olds.targetUrl) patch.targetUrl = news.targetUrl;
  const credentialChanged = changes.some((f) => ["authType", "password", "username"].includes(f));
  if (type === "basic" && credentialChanged)
    patch.authenticationConfiguration = authenticationBody(news, password);
  // An update moments after the create may still hit the replication window (docs/graph-contract.md §7.2).
  const fresh = { afterCreate: recentlyCreated(olds) };
  let current: GraphConnector = await api.get<GraphConnector>(connectorPath(id), fresh);
  if (type === "certificate" && authTypeFromGraph(current) === "basic") {
    patch.authenticationConfiguration = authenticationBody(news, undefined);
  }
  if (Object.keys(patch).length > 0) {
    await convergeRetrying(() => api.patch(connectorPath(id), patch, fresh));
    current = await api.get<GraphConnector>(connectorPath(id), fresh);
  }
  if (type === "certificate") current = await convergeRetrying(() => uploadMissing(api, id, news));
  // A password adopted as given stays marked until this stack sends one.
  const stillAdopted =
    type === "basic" && olds.passwordAdopted === true && !patch.authenticationConfiguration;
  return {
    outs: outputsFor(news, current, password, olds.credentialSalt || newSalt(), olds.createdAt, stillAdopted),
  };
}

/**
 * The connector's id when already known: a connector is never replaced, so the id of the one this resource
 * manages is passed on as an input and stays known during preview (the engine previews an update's
 * outputs as its inputs): a flow wired to it previews no change. From the last inputs, or once from Graph
 * when exactly one connector has the name.
 */
async function knownConnectorId(
  olds: Record<string, unknown>,
  news: ApiConnectorInputs,
): Promise<string | undefined> {
  if (typeof olds.displayName !== "string") return undefined;
  if (typeof olds.connectorId === "string" && olds.connectorId !== "") return olds.connectorId;
  if (isUnknown(news.connection) || olds.displayName !== news.displayName) return undefined;
  try {
    const found = await findConnectors(providerApi(news.connection), olds.displayName);
    return found.length === 1 ? found[0]!.id : undefined;
  } catch {
    return undefined; // only a preview nicety
  }
}

export const apiConnectorProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds, news) {
    const inputs = normalizeConnectorInputs(news);
    const { problems, thumbprints } = validateConnectorInputs(news);
    const connectorId = problems.length === 0 ? await knownConnectorId(olds, inputs) : undefined;
    return toCheckResult({ ...inputs, thumbprints, ...(connectorId ? { connectorId } : {}) }, problems);
  },

  async diff(_id, olds: ApiConnectorOutputs, news: ApiConnectorInputs) {
    clearLedger(ledgerOf(olds));
    const fields = connectorChanges(olds, news);
    return { changes: fields.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  create: (inputs: ApiConnectorInputs) => createConnector(inputs),

  async read(id, props: ApiConnectorOutputs) {
    clearLedger(ledgerOf(props));
    const c = await providerApi(connectionOf(props)).find<GraphConnector>(connectorPath(id), {
      afterCreate: recentlyCreated(props),
    });
    if (!c) return {};
    const active = graphThumbprints(c);
    const outs: ApiConnectorOutputs = {
      ...props,
      displayName: c.displayName,
      targetUrl: c.targetUrl,
      authType: authTypeFromGraph(c),
      username: c.authenticationConfiguration?.username ?? props.username,
      activeThumbprints: active,
      staleThumbprints:
        authTypeFromGraph(c) === "certificate" ? staleThumbprints(props.thumbprints, active) : [],
    };
    // Secrets stay out of the refreshed inputs; diffs run against outputs (hash, thumbprints).
    const inputs = {
      connection: outs.connection,
      displayName: outs.displayName,
      targetUrl: outs.targetUrl,
      username: outs.username,
      rotationKey: outs.rotationKey,
      adoptExisting: outs.adoptExisting,
      thumbprints: outs.thumbprints,
      connectorId: id,
    };
    return { id, props: compact(outs), inputs: compact(inputs) };
  },

  update: (id, olds: ApiConnectorOutputs, news: ApiConnectorInputs) => {
    clearLedger(ledgerOf(olds));
    return updateConnector(id, olds, news);
  },

  async delete(id, props: ApiConnectorOutputs) {
    await providerApi(connectionOf(props)).delete(connectorPath(id));
    clearLedger(ledgerOf(props));
  },
};
