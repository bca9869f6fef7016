/**
 * The deploying identity's Graph access token and the claims preflight reads from it. The token comes
 * from the same credential the Graph resources use (components/graph/auth.ts: DefaultAzureCredential);
 * for the local emulator it comes from the emulator's stand-in for the identity platform. Claims are
 * read, not verified: the token is our own, freshly issued, and only tells us what we were granted.
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import { tokenSourceFor } from "../../components/graph/auth";
import type { GraphConnection } from "../../components/graph/connection";

/** The access-token claims preflight uses. */
export interface TokenClaims {
  /** Tenant that issued the token. */
  readonly tid?: string;
  /** Application permissions (app-only tokens). */
  readonly roles?: readonly string[];
  /** Delegated scopes, space separated (user tokens, e.g. `az login`). */
  readonly scp?: string;
  /** `app` for app-only tokens, `user` for delegated ones. */
  readonly idtyp?: string;
}

/** The payload of a JWT, or an error naming what is wrong with it. */
export function decodeClaims(token: string): TokenClaims {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) {
    throw new Error("the credential returned a token that is not a JWT, so its permissions cannot be read");
  }
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as unknown;
    if (!payload || typeof payload !== "object") throw new Error("payload is not an object");
    return payload as TokenClaims;
  } catch (err) {
    throw new Error(`the token's payload is not JSON (${(err as Error).message})`);
  }
}

/** A fresh access token for Graph from the stack's credential. */
export async function acquireToken(connection: GraphConnection): Promise<string> {
  if (connection.credential !== "emulator") return tokenSourceFor(connection)();
  // tokenSourceFor refuses a non-loopback root for the emulator credential; reuse that guard.
  tokenSourceFor(connection);
  const res = await fetch(`${connection.baseUrl?.replace(/\/+$/, "")}/_emulator/token`, { method: "POST" });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof body.access_token !== "string") {
    throw new Error(
      `${String(body.error ?? `HTTP ${res.status}`)}: ${String(body.error_description ?? "no token issued")}`,
    );
  }
  return body.access_token;
}
