/**
 * The Graph client every provider uses: the official SDK (`@microsoft/microsoft-graph-client`) with a
 * middleware chain of bearer token → retry/back-off → per-tenant concurrency cap → HTTP, and every failure
 * turned into a {@link GraphRequestError}. Built per provider call (cheap); credentials are cached per
 * process in auth.ts.
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import { BearerMiddleware, tokenSourceFor } from "./auth";
import { apiVersionFor, graphRootFor, type GraphSurface, type GraphVersion } from "./clouds";
import { ConcurrencyMiddleware } from "./concurrency";
import { tenantKey, type GraphConnection } from "./connection";
import { GraphRequestError, isNotFound } from "./errors";
import { graphSdk } from "./lazy";
import { createRequestHeader, retryOnNotFound, RetryMiddleware } from "./retry";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface CallOptions {
  /** API version for this call. @default the version for the client's surface and cloud */
  readonly version?: GraphVersion;
  /** JSON body. @default none */
  readonly body?: unknown;
  /** A create with a server-generated id: 5xx is not retried blindly (the caller checks by natural key). @default false */
  readonly create?: boolean;
  /** Right after creating something this call names: retry 404 for a bounded time (replication). @default false */
  readonly afterCreate?: boolean;
}

export class GraphApi {
  readonly root: string;
  readonly version: GraphVersion;

  constructor(
    readonly connection: GraphConnection,
    readonly surface: GraphSurface,
    private readonly client: Client,
  ) {
    this.root = graphRootFor(connection.cloud, connection.baseUrl);
    this.version = apiVersionFor(connection.cloud, surface);
  }

  /**
   * Absolute `@odata.id` for `$ref` bodies: same host and version as the call (docs/graph-contract.md §7.3).
   */
  odataId(path: string, version: GraphVersion = this.version): string {
    return `${this.root}/${version}${path}`;
  }

  get<T>(path: string, opts: CallOptions = {}): Promise<T> {
    return this.call<T>("GET", path, opts);
  }
  post<T>(path: string, body: unknown, opts: CallOptions = {}): Promise<T> {
    return this.call<T>("POST", path, { ...opts, body });
  }
  patch<T>(path: string, body: unknown, opts: CallOptions = {}): Promise<T> {
    return this.call<T>("PATCH", path, { ...opts, body });
  }
  put<T>(path: string, body: unknown, opts: CallOptions = {}): Promise<T> {
    return this.call<T>("PUT", path, { ...opts, body });
  }
  /** DELETE; a 404 counts as success (the object is gone either way). */
  async delete(path: string, opts: CallOptions = {}): Promise<void> {
    try {
      await this.call("DELETE", path, opts);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** GET that maps 404 to undefined. */
  async find<T>(path: string, opts: CallOptions = {}): Promise<T | undefined> {
    try {
      return await this.get<T>(path, opts);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** All items of a collection, following `@odata.nextLink`. */
  async list<T>(path: string, opts: CallOptions = {}): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: { value?: T[]; "@odata.nextLink"?: string } = await this.get(next, opts);
      items.push(...(page.value ?? []));
      const link = page["@odata.nextLink"];
      next = link ? link.replace(/^https?:\/\/[^/]+\/(v1\.0|beta)/, "") : undefined;
    }
    return items;
  }

  call<T>(method: HttpMethod, path: string, opts: CallOptions = {}): Promise<T> {
    const once = () => this.once<T>(method, path, opts);
    return opts.afterCreate ? retryOnNotFound(once, isNotFound) : once();
  }

  private async once<T>(method: HttpMethod, path: string, opts: CallOptions): Promise<T> {
    const version = opts.version ?? this.version;
    let req = this.client.api(path).version(version);
    if (opts.create) req = req.header(createRequestHeader, "1");
    try {
      switch (method) {
        case "GET":
          return (await req.get()) as T;
        case "POST":
          return (await req.post(opts.body ?? {})) as T;
        case "PATCH":
          return (await req.patch(opts.body ?? {})) as T;
        case "PUT":
          return (await req.put(opts.body ?? {})) as T;
        case "DELETE":
          return (await req.delete()) as T;
      }
    } catch (e) {
      throw toGraphRequestError(e, method, path.split("?")[0] ?? path, version, secretValues(opts.body));
    }
  }
}

/** Body members that hold secrets (Basic/PFX passwords, PFX bytes, IdP client secrets). */
const secretKey = /password|secret|pkcs12Value|token/i;

/**
 * The secret strings in a request body. Services sometimes echo a bad value back in the error message
 * ("Invalid value '…' for property 'password'"); every error built from a response is scrubbed of these
 * before it can reach a log line, the engine's diagnostics or state. Very short values are left alone:
 * replacing a 1–3 character string would garble the message and protect nothing.
 */
export function secretValues(body: unknown, found: string[] = []): string[] {
  if (Array.isArray(body)) for (const v of body) secretValues(v, found);
  else if (body && typeof body === "object") {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v === "string" && secretKey.test(k) && v.length >= 4) found.push(v);
      else secretValues(v, found);
    }
  }
  return found;
}

/** `text` with every secret replaced by `***` (longest first, so a secret inside another is covered). */
export function redact(text: string, secrets: readonly string[]): string {
  return [...secrets].sort((a, b) => b.length - a.length).reduce((t, s) => t.split(s).join("***"), text);
}

interface SdkGraphError {
  statusCode?: number;
  code?: string | null;
  message?: string;
  requestId?: string | null;
  headers?: Headers;
  body?: unknown;
}

function toGraphRequestError(
  e: unknown,
  method: string,
  path: string,
  version: string,
  secrets: readonly string[],
): Error {
  const g = e as SdkGraphError;
  if (typeof g?.statusCode !== "number" || g.statusCode <= 0) {
    const reason = redact(e instanceof Error ? e.message : String(e), secrets);
    return new Error(`Graph ${method} /${version}${path} failed before a response: ${reason}`);
  }
  const requestId =
    g.requestId ?? g.headers?.get("request-id") ?? g.headers?.get("client-request-id") ?? undefined;
  return new GraphRequestError({
    method,
    path,
    version,
    status: g.statusCode,
    code: g.code ?? undefined,
    graphMessage: g.message === undefined ? undefined : redact(g.message, secrets),
    requestId,
  });
}

/** A client for one connection and surface (`b2x` or the beta-only `listener`). */
export function graphApi(connection: GraphConnection, surface: GraphSurface = "b2x"): GraphApi {
  const { Client, HTTPMessageHandler } = graphSdk();
  const middleware = [
    new BearerMiddleware(tokenSourceFor(connection)),
    new RetryMiddleware(),
    new ConcurrencyMiddleware(tenantKey(connection)),
    new HTTPMessageHandler(),
  ];
  const client = Client.initWithMiddleware({
    middleware,
    baseUrl: graphRootFor(connection.cloud, connection.baseUrl) + "/",
    defaultVersion: apiVersionFor(connection.cloud, surface),
  });
  return new GraphApi(connection, surface, client);
}
