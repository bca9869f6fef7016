/** Inputs of the ApiConnector provider: normalisation, validation and the diff rule (pure). */
import { rotationDue } from "../../password";
import type { GraphConnection } from "../connection";
import { endpointUrlProblem } from "../../../contract/url";
import { isLoopbackGraph } from "../connection";
import { changedFields, checkConnection, isUnknown, requireString, type Problem } from "./common";
import { credentialHash, readPfx } from "./connector-credential";
import { adoptSecretsProblems, normalizeAdoptSecrets, type AdoptSecrets } from "./adopt-secrets";

export interface ConnectorCertificateInput {
  readonly pkcs12Base64: string;
  readonly password: string;
}

export interface ApiConnectorInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly targetUrl: string;
  readonly username: string;
  /** Given password; undefined means "generate one". */
  readonly password?: string;
  readonly rotationKey: string;
  readonly certificates?: readonly ConnectorCertificateInput[];
  /** Derived in check from the PFX files, so diffs need no secret. */
  readonly thumbprints: readonly string[];
  readonly adoptExisting: boolean;
  /** On adopt: take the given password as the one the connector holds ("trust") or send it ("write"). */
  readonly adoptSecrets: AdoptSecrets;
}

export interface ApiConnectorOutputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly targetUrl: string;
  readonly username: string;
  readonly rotationKey: string;
  readonly adoptExisting: boolean;
  readonly connectorId: string;
  readonly authType: "basic" | "certificate";
  readonly password?: string;
  readonly passwordGenerated: boolean;
  readonly credentialSalt: string;
  readonly credentialHash: string;
  readonly thumbprints: readonly string[];
  readonly activeThumbprints: readonly string[];
  readonly staleThumbprints: readonly string[];
  /** True while the Basic password is one adopted as given and never sent (adoptSecrets "trust"). */
  readonly passwordAdopted?: boolean;
  /** When this stack created (or adopted) it; a refresh soon after retries 404s (replication). */
  readonly createdAt?: string;
}

export const defaultConnectorUsername = "entra-signup";

export const authTypeOf = (i: Pick<ApiConnectorInputs, "certificates">): "basic" | "certificate" =>
  i.certificates && i.certificates.length > 0 ? "certificate" : "basic";

export function normalizeConnectorInputs(raw: Record<string, unknown>): ApiConnectorInputs {
  const certs = Array.isArray(raw.certificates)
    ? (raw.certificates as Record<string, unknown>[]).map((c) => ({
        pkcs12Base64: c?.pkcs12Base64 as string,
        password: (c?.password ?? "") as string,
      }))
    : undefined;
  return {
    connection: raw.connection as GraphConnection,
    displayName: raw.displayName as string,
    targetUrl: raw.targetUrl as string,
    username: (raw.username ?? defaultConnectorUsername) as string,
    password: raw.password === undefined || raw.password === null ? undefined : (raw.password as string),
    rotationKey: (raw.rotationKey ?? "") as string,
    certificates: certs && certs.length > 0 ? certs : undefined,
    thumbprints: [],
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
    adoptSecrets: normalizeAdoptSecrets(raw.adoptSecrets),
  };
}

/** https anywhere; plain http only for a loopback host registered with a loopback Graph emulator. */
export function validateTargetUrl(url: string, connection?: unknown): string | undefined {
  const problem = endpointUrlProblem(url, isLoopbackGraph(connection));
  return problem === undefined ? undefined : `targetUrl: ${problem}`;
}

/**
 * Validates everything and returns the thumbprints of the given PFX files. Secret values are never put
 * into a message: a bad certificate is named by its index only.
 */
export function validateConnectorInputs(raw: Record<string, unknown>): {
  problems: Problem[];
  thumbprints: string[];
} {
  const problems: Problem[] = [...checkConnection(raw.connection), ...adoptSecretsProblems(raw.adoptSecrets)];
  requireString(raw, "displayName", problems);
  requireString(raw, "targetUrl", problems);
  if (typeof raw.targetUrl === "string" && !isUnknown(raw.targetUrl)) {
    const bad = validateTargetUrl(raw.targetUrl, raw.connection);
    if (bad) problems.push(["targetUrl", bad]);
  }
  for (const f of ["username", "password", "rotationKey"]) {
    const v = raw[f];
    if (
      v !== undefined &&
      v !== null &&
      !isUnknown(v) &&
      (typeof v !== "string" || (f !== "rotationKey" && v === ""))
    ) {
      problems.push([f, `${f}: must be a non-empty string when given`]);
    }
  }
  if (typeof raw.username === "string" && raw.username.includes(":")) {
    problems.push(["username", "username: must not contain ':' (Basic auth separator)"]);
  }
  const thumbprints: string[] = [];
  const certs = raw.certificates;
  if (certs !== undefined && !isUnknown(certs)) {
    if (!Array.isArray(certs))
      problems.push(["certificates", "certificates: must be a list of { pkcs12Base64, password }"]);
    else
      certs.forEach((c: { pkcs12Base64?: unknown; password?: unknown } | undefined, i) => {
        if (typeof c?.pkcs12Base64 !== "string" || c.pkcs12Base64 === "") {
          problems.push(["certificates", `certificates[${i}].pkcs12Base64: required base64 of a .pfx file`]);
          return;
        }
        try {
          thumbprints.push(
            readPfx(c.pkcs12Base64, typeof c.password === "string" ? c.password : "").thumbprint,
          );
        } catch (e) {
          problems.push(["certificates", `certificates[${i}]: ${(e as Error).message}`]);
        }
      });
  }
  return { problems, thumbprints };
}

/** Which outputs-vs-inputs differences need an update; a connector is never replaced (id kept for flows). */
export function connectorChanges(olds: ApiConnectorOutputs, news: ApiConnectorInputs): string[] {
  const fields = changedFields({ ...olds }, { ...news }, [
    "displayName",
    "targetUrl",
    "connection",
    "adoptExisting",
  ]);
  const type = authTypeOf(news);
  if (type !== olds.authType) fields.push("authType");
  if (type === "certificate") {
    if (isUnknown(news.certificates) || changedFields({ ...olds }, { ...news }, ["thumbprints"]).length)
      fields.push("certificates");
    return fields;
  }
  if (news.password === undefined) {
    if (!olds.passwordGenerated || rotationDue(olds, news)) fields.push("password");
  } else if (
    (olds.passwordAdopted === true && news.adoptSecrets === "write") ||
    isUnknown(news.password) ||
    isUnknown(news.username) ||
    credentialHash(olds.credentialSalt, news.username, news.password) !== olds.credentialHash
  ) {
    fields.push("password");
  }
  if (olds.username !== news.username) fields.push("username");
  if (olds.rotationKey !== news.rotationKey && !fields.includes("rotationKey")) fields.push("rotationKey");
  return fields;
}
