import { matchesSecret, secretDigest } from "./constantTime";

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** Splits an `Authorization: Basic …` header; undefined when absent or not Basic. */
export function parseBasicHeader(header: string | null): BasicCredentials | undefined {
  const match = header === null ? null : /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Builds the check for the configured pair once (digests precomputed). Both fields are always compared
 * (no short-circuit), so the response time does not tell a caller whether the username alone was right.
 */
export function basicVerifier(expected: BasicCredentials): (header: string | null) => boolean {
  const username = secretDigest(expected.username);
  const password = secretDigest(expected.password);
  return (header) => {
    const given = parseBasicHeader(header);
    const userOk = matchesSecret(given?.username ?? "", username);
    const passwordOk = matchesSecret(given?.password ?? "", password);
    return given !== undefined && userOk && passwordOk;
  };
}
