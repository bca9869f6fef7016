/**
 * `/_emulator/*`: test controls over HTTP for parts running in another process (the local sign-up
 * simulator, `npm run local`). Loopback only, no auth. None of this exists in Microsoft Graph.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseFaultRule, type Faults } from "./faults";
import type { AuthenticationEventsTokenRequest, IdentityPlatform } from "./identityPlatform";
import { readJson, send } from "./server";
import { signIn } from "./signIns";
import type { Store } from "./store";
import { emulatorAccessToken, updateTenantSettings, type TenantSettings } from "./tenant";
import type { RequestLogEntry } from "./types";

/** What the admin routes act on. */
export interface AdminDeps {
  /** Mints the tokens Entra sends to custom authentication extensions (the simulator plays Entra). */
  identityPlatform: IdentityPlatform;
  store: Store;
  faults: Faults;
  log: () => RequestLogEntry[];
  clearLog: () => void;
  counts: () => { reads: number; writes: number };
  reset: () => void;
  info: () => Record<string, string | number>;
  /** The emulated tenant's settings (tenant.ts). */
  tenant: { get(): TenantSettings; set(next: TenantSettings): void };
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function json(status: number, body?: unknown) {
  return { status, body };
}

/**
 * The connector's stored secret. The real service never returns it; the emulator does because the local
 * sign-up simulator plays Entra and must authenticate to the connector exactly as Entra would.
 */
function credentials(store: Store, id: string) {
  const connector = store.connector(id);
  if (!connector)
    return json(404, { error: { code: "Request_ResourceNotFound", message: `No API connector '${id}'.` } });
  if (connector.auth.type === "basic") {
    return json(200, { type: "basic", username: connector.auth.username, password: connector.auth.password });
  }
  return json(200, {
    type: "certificate",
    thumbprints: connector.auth.certificates.map((c) => c.thumbprint),
    certificates: connector.auth.certificates,
  });
}

/**
 * The identity platform's part: a client-credentials token for the deploying identity, as
 * `{ token_type, expires_in, access_token }`. Refused like Entra refuses a bad client secret when the
 * tenant setting `credentialValid` is false.
 */
function token(deps: AdminDeps) {
  const tenant = deps.tenant.get();
  const tenantId = String(deps.info().tenantId);
  if (!tenant.credentialValid) {
    return json(401, {
      error: "invalid_client",
      error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app in tenant '${tenantId}'.`,
    });
  }
  const audience = String(deps.info().url);
  return json(200, {
    token_type: "Bearer",
    expires_in: 3599,
    access_token: emulatorAccessToken(tenant, tenantId, audience),
  });
}

/**
 * A token as Entra sends it to a custom authentication extension, for a caller that plays Entra (the
 * local sign-up simulator): `{ audience, kind?, issuerForm? }` → `{ token_type, access_token }`.
 */
async function authenticationEventsToken(deps: AdminDeps, body: unknown) {
  const request = body as Partial<AuthenticationEventsTokenRequest> | null;
  if (typeof request?.audience !== "string" || request.audience === "") {
    return json(400, {
      error: { code: "BadRequest", message: "audience (the extension API's appId) is required" },
    });
  }
  const { audience, kind, issuerForm } = request;
  return json(200, {
    token_type: "Bearer",
    access_token: await deps.identityPlatform.mint({ audience, kind, issuerForm }),
  });
}

async function dispatch(deps: AdminDeps, method: string, parts: string[], req: IncomingMessage) {
  const [what = "", id, sub] = parts;
  const key = `${method} ${what}${sub ? `/${sub}` : ""}`;
  switch (key) {
    case "GET info":
      return json(200, deps.info());
    case "GET log":
      return json(200, { value: deps.log() });
    case "DELETE log":
      deps.clearLog();
      return json(204);
    case "GET counts":
      return json(200, deps.counts());
    case "GET faults":
      return json(200, { value: deps.faults.remaining() });
    case "POST faults": {
      try {
        const rule = parseFaultRule(await readJson(req));
        deps.faults.add(rule);
        return json(201, rule);
      } catch (err) {
        return json(400, { error: { code: "BadRequest", message: (err as Error).message } });
      }
    }
    case "DELETE faults":
      deps.faults.clear();
      return json(204);
    case "GET state":
      return json(200, deps.store.snapshot());
    case "GET diff":
      return json(200, { differences: deps.store.diffFromSeed() });
    case "POST reset":
      deps.reset();
      return json(204);
    case "GET tenant":
      return json(200, deps.tenant.get());
    case "PATCH tenant": {
      try {
        deps.tenant.set(updateTenantSettings(deps.tenant.get(), await readJson(req)));
        return json(200, deps.tenant.get());
      } catch (err) {
        return json(400, { error: { code: "BadRequest", message: (err as Error).message } });
      }
    }
    case "POST token":
      return token(deps);
    case "POST tokens":
      if (id === "authentication-events") return authenticationEventsToken(deps, await readJson(req));
      return json(404, {
        error: {
          code: "Request_ResourceNotFound",
          message: `No admin route POST /_emulator/tokens/${id ?? ""}.`,
        },
      });
    case "POST sign-ins":
      return signIn(
        {
          state: deps.store.state,
          identityPlatform: deps.identityPlatform,
          tenantType: deps.tenant.get().tenantType,
        },
        await readJson(req).catch(() => null),
      );
    case "GET connectors/credentials":
      return credentials(deps.store, id ?? "");
    default:
      return json(404, {
        error: {
          code: "Request_ResourceNotFound",
          message: `No admin route ${method} /_emulator/${parts.join("/")}.`,
        },
      });
  }
}

/** Serves one `/_emulator/...` request. */
export async function serveAdmin(deps: AdminDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) {
    send(
      res,
      json(403, { error: { code: "Forbidden", message: "Admin routes are loopback only." } }),
      requestId,
      requestId,
    );
    return;
  }
  const url = new URL(req.url ?? "/", "http://emulator");
  const parts = url.pathname.split("/").filter(Boolean).slice(1).map(decodeURIComponent);
  const result = await dispatch(deps, (req.method ?? "GET").toUpperCase(), parts, req);
  req.resume();
  send(res, result, requestId, requestId);
}
