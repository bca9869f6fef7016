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
 * Builds the check for the configured pair once (digests precomputed). Entra sends the header exactly
 * as `Basic base64(username:password)`, so that one string is compared first (one hash); any other
 * spelling (lower-case scheme, padding, spaces) is decoded and both fields are compared, always both
 * (no short-circuit), so the response time does not tell a caller whether the username alone was right.
 */
export function basicVerifier(expected: BasicCredentials): (header: string | null) => boolean {
  const username = secretDigest(expected.username);
  const password = secretDigest(expected.password);
  const exactHeader = secretDigest(
    `Basic ${Buffer.from(`${expected.username}:${expected.password}`, "utf8").toString("base64")}`,
  );
  return (header) => {
    if (header === null) return false;
    if (matchesSecret(header, exactHeader)) return true;
    const given = parseBasicHeader(header);
    const userOk = matchesSecret(given?.username ?? "", username);
    const passwordOk = matchesSecret(given?.password ?? "", password);
    return given !== undefined && userOk && passwordOk;
  };
}
