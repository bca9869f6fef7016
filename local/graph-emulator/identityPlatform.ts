/**
 * The identity platform's side of custom authentication extensions, for local runs: a signing key set
 * published like Entra's (`/{tenantId}/discovery/v2.0/keys`, with its OpenID configuration), and tokens
 * shaped like the ones Entra sends to an extension API (v2, RS256, `aud` = the API's appId, `azp` = the
 * authentication-events service, either external-tenant issuer form). The connector validates them with
 * the same code as in Azure; only the key set URL differs. None of this is Microsoft Graph.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-overview#protect-your-rest-api,
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import {
  AUTHENTICATION_EVENTS_APP_ID,
  tokenIssuers,
  type TokenTenantKind,
} from "../../contract/authenticationEvents";

/** What a minted token says; every claim can be overridden (tests mint bad tokens the same way). */
export interface AuthenticationEventsTokenRequest {
  /** The extension API's appId (`aud`). */
  readonly audience: string;
  /** @default "external" */
  readonly kind?: TokenTenantKind;
  /**
   * External tenants: which documented issuer host to use, `{tenantId}.ciamlogin.com` (seen in production)
   * or `{subdomain}.ciamlogin.com` (Microsoft's pages). @default "tenantId"
   */
  readonly issuerForm?: "tenantId" | "subdomain";
  /** The tenant's initial-domain label, for `issuerForm: "subdomain"`. @default "contoso" */
  readonly subdomain?: string;
  /** Lifetime in seconds. @default 300 */
  readonly lifetimeSeconds?: number;
  /** Claims to add or replace (`undefined` removes one). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export class IdentityPlatform {
  private keys: SigningKey[] = [];

  constructor(private readonly tenantId: () => string) {}

  /** The published key set (every key still in use, newest first). */
  async keySet(): Promise<{ keys: JWK[] }> {
    await this.current();
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** A new signing key, published next to the old ones (what Entra does on key rollover). */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = randomUUID().replace(/-/g, "");
    const publicJwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
    this.keys.unshift({ kid, privateKey, publicJwk });
    return kid;
  }

  /** A token as Entra sends it to a custom authentication extension. */
  async mint(request: AuthenticationEventsTokenRequest): Promise<string> {
    const key = await this.current();
    const tid = this.tenantId();
    const kind = request.kind ?? "external";
    const subdomain = request.subdomain ?? "contoso";
    const issuers = tokenIssuers({ kind, cloud: "global", tenantId: tid, subdomain });
    const iss = kind === "external" && request.issuerForm !== "subdomain" ? issuers.at(-1)! : issuers[0]!;
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      aud: request.audience,
      iss,
      iat: now,
      nbf: now,
      exp: now + (request.lifetimeSeconds ?? 300),
      aio: randomUUID(),
      azp: AUTHENTICATION_EVENTS_APP_ID,
      azpacr: "1",
      idp: iss,
      oid: randomUUID(),
      rh: "0.local.",
      sub: randomUUID(),
      tid,
      uti: randomUUID().replace(/-/g, ""),
      ver: "2.0",
    };
    for (const [name, value] of Object.entries(request.claims ?? {})) {
      if (value === undefined) delete claims[name];
      else claims[name] = value;
    }
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid })
      .sign(key.privateKey);
  }

  /** The `/{tenantId}/…` routes this serves, or `undefined` when the path is not one of them. */
  async serve(pathname: string, origin: string): Promise<{ status: number; body: unknown } | undefined> {
    const [tid, ...rest] = pathname.split("/").filter(Boolean);
    const route = rest.join("/");
    if (route !== "discovery/v2.0/keys" && route !== "v2.0/.well-known/openid-configuration")
      return undefined;
    if (tid?.toLowerCase() !== this.tenantId().toLowerCase()) {
      return {
        status: 400,
        body: { error: "invalid_tenant", error_description: `AADSTS90002: Tenant '${tid}' not found.` },
      };
    }
    if (route === "discovery/v2.0/keys") return { status: 200, body: await this.keySet() };
    return {
      status: 200,
      body: {
        issuer: tokenIssuers({ kind: "external", cloud: "global", tenantId: this.tenantId() }).at(-1),
        jwks_uri: `${origin}/${this.tenantId()}/discovery/v2.0/keys`,
        id_token_signing_alg_values_supported: ["RS256"],
      },
    };
  }

  private async current(): Promise<SigningKey> {
    if (this.keys.length === 0) await this.rotate();
    return this.keys[0]!;
  }
}

/** Serves `req` when it is one of the identity platform's routes; false when it is not. */
export async function serveIdentityPlatform(
  platform: IdentityPlatform,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if ((req.method ?? "GET").toUpperCase() !== "GET") return false;
  const answer = await platform.serve(new URL(req.url ?? "/", "http://emulator").pathname, origin);
  if (answer === undefined) return false;
  req.resume();
  res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
  return true;
}
