/**
 * Bearer tokens for Graph. The credential is resolved inside the provider process and never passed as an
 * input or captured: `DefaultAzureCredential` (env, workload identity, managed identity, Azure CLI …) for
 * real clouds, a fixed fake token for the loopback emulator only.
 */
import type { TokenCredential } from "@azure/identity";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { cloudEndpoints } from "./clouds";
import { isLoopbackUrl } from "../../contract/url";
import { tenantKey, type GraphConnection } from "./connection";
import { azureIdentity } from "./lazy";
import { setHeader } from "./middleware-util";

/** The token the emulator accepts; meaningless anywhere else, and refused for non-loopback roots. */
export const emulatorToken = "entra-signup-emulator-token";

export type TokenSource = () => Promise<string>;

function credentialCache(): Map<string, TokenCredential> {
  const key = Symbol.for("entra-signup.graph.credentials");
  const g = globalThis as unknown as Record<symbol, Map<string, TokenCredential> | undefined>;
  return (g[key] ??= new Map<string, TokenCredential>());
}

/** One credential per cloud+tenant per process, so its token cache is reused across resources. */
export function tokenSourceFor(connection: GraphConnection): TokenSource {
  if (connection.credential === "emulator") {
    if (!connection.baseUrl || !isLoopbackUrl(connection.baseUrl)) {
      throw new Error('connection.credential "emulator" is only allowed with a loopback connection.baseUrl');
    }
    return () => Promise.resolve(emulatorToken);
  }
  const endpoints = cloudEndpoints[connection.cloud];
  const cache = credentialCache();
  const key = tenantKey(connection);
  let credential = cache.get(key);
  if (!credential) {
    const { DefaultAzureCredential } = azureIdentity();
    credential = new DefaultAzureCredential({
      tenantId: connection.tenantId,
      authorityHost: endpoints.authorityHost,
    });
    cache.set(key, credential);
  }
  const cred = credential;
  return async () => {
    const token = await cred.getToken(endpoints.scope, { tenantId: connection.tenantId });
    if (!token) throw new Error(`no token for ${endpoints.scope} from DefaultAzureCredential`);
    return token.token;
  };
}

/** Adds `Authorization: Bearer …` to every request (the SDK's handler only does so for https Graph hosts). */
export class BearerMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly token: TokenSource) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(ctx: Context): Promise<void> {
    if (!this.next) throw new Error("BearerMiddleware needs a next middleware");
    setHeader(ctx, "Authorization", `Bearer ${await this.token()}`);
    await this.next.execute(ctx);
  }
}
