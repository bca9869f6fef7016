/** What a route handler receives and returns, plus body validation helpers shared by the routes. */
import { badRequest } from "./errors";
import type { Store } from "./store";
import type { TenantSettings } from "./tenant";
import type { GraphVersion } from "./types";

/** A parsed Graph request as handlers see it. */
export interface RequestContext {
  readonly method: string;
  readonly version: GraphVersion;
  /** Normalised path without version, e.g. `/identity/b2xUserFlows/B2X_1_Partner`. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly store: Store;
  /** Root URL as the client addressed us (from `Host`); used in `Location` and `@odata.context`. */
  readonly root: string;
  /** Every root an `@odata.id` may legitimately start with. */
  readonly roots: readonly string[];
  readonly extensionsAppId: string;
  /** The emulated tenant's kind and the caller's permissions (tenant.ts). */
  readonly tenant: Readonly<TenantSettings>;
}

/** A handler's answer; `body` undefined means no body (e.g. 204). */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Path of an object this request created, for the `notFoundAfterCreate` fault. */
  createdPath?: string;
}

/** One HTTP method's handler. */
export type Handler = (ctx: RequestContext) => HandlerResult;

/** HTTP methods the emulator routes. */
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** A path pattern (`{name}` segments capture) and its handlers. */
export interface Route {
  pattern: string;
  methods: Partial<Record<Method, Handler>>;
  /** Set when the route exists on beta only: v1.0 answers 400 "Resource not found for the segment '<this>'". */
  betaOnlySegment?: string;
}

/** `200` with a JSON body. */
export const ok = (body: unknown): HandlerResult => ({ status: 200, body });
/** `204 No Content`. */
export const noContent = (): HandlerResult => ({ status: 204 });

/** `{ "@odata.context": …, value: […] }`. */
export function collection(ctx: RequestContext, contextPath: string, value: unknown[]): HandlerResult {
  return ok({ "@odata.context": `${ctx.root}/${ctx.version}/$metadata#${contextPath}`, value });
}

/** One entity with its `@odata.context`. */
export function entity(ctx: RequestContext, contextPath: string, value: object, status = 200): HandlerResult {
  return {
    status,
    body: { "@odata.context": `${ctx.root}/${ctx.version}/$metadata#${contextPath}/$entity`, ...value },
  };
}

/** The body as a JSON object, or 400. */
export function bodyObject(ctx: RequestContext): Record<string, unknown> {
  const b = ctx.body;
  if (!b || typeof b !== "object" || Array.isArray(b))
    throw badRequest("The request body must be a JSON object.");
  return b as Record<string, unknown>;
}

/** A required non-empty string property, or 400 naming it. */
export function requireString(obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  if (typeof v !== "string" || v.trim() === "")
    throw badRequest(`Property '${key}' is required and must be a non-empty string.`);
  return v;
}

/** An optional boolean property, or 400 if present with another type. */
export function optionalBoolean(obj: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = obj[key];
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw badRequest(`Property '${key}' must be a boolean.`);
  return v;
}

/** 400 if the body has properties outside `allowed` (`@odata.type` is always allowed). */
export function onlyProperties(obj: Record<string, unknown>, allowed: readonly string[], what: string): void {
  const extra = Object.keys(obj).filter((k) => k !== "@odata.type" && !allowed.includes(k));
  if (extra.length > 0) {
    throw badRequest(
      `Property '${extra.join("', '")}' cannot be set on ${what}; allowed: ${allowed.join(", ") || "(none)"}.`,
    );
  }
}
