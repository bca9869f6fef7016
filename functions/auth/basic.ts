import { secretsEqual } from "./constantTime";

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
 * Checks the header against the configured pair. Both fields are always compared (no short-circuit), so
 * the response time does not tell a caller whether the username alone was right.
 */
export function checkBasic(header: string | null, expected: BasicCredentials): boolean {
  const given = parseBasicHeader(header);
  const userOk = secretsEqual(given?.username ?? "", expected.username);
  const passwordOk = secretsEqual(given?.password ?? "", expected.password);
  return given !== undefined && userOk && passwordOk;
}
