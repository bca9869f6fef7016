/**
 * The local host's side of the wire: reading a capped request body within a deadline, flattening
 * headers for `HttpRequest`, and writing a handler's answer back the way the Functions host would.
 */
import { HttpResponse, type HttpResponseInit } from "@azure/functions";
import type * as http from "node:http";

/** The local stand-in for the Functions host's own request limit; handlers enforce the real 64 KiB. */
export const HOST_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Repeated headers joined with `, `, as the Functions host hands them to the worker. */
export function requestHeaders(headers: http.IncomingHttpHeaders): Headers {
  const flat = new Headers();
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat.append(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return flat;
}

export type BodyResult =
  | { readonly kind: "read"; readonly bytes: Buffer }
  | { readonly kind: "too-large" }
  | { readonly kind: "timed-out" }
  | { readonly kind: "closed" };

export interface BodyLimits {
  readonly maxBytes: number;
  /** From the end of the headers to the last body byte. */
  readonly deadlineMs: number;
}

/**
 * Reads the whole body within `limits`. Stops at the first byte over the cap (a body without a
 * declared length), at the deadline (a body that stalls), or when the client goes away; never rejects.
 * The caller answers the first two with `Connection: close`, so the rest is never read.
 */
export function readBody(req: http.IncomingMessage, limits: BodyLimits): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: BodyResult) => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onGone);
      if (result.kind !== "read") req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limits.maxBytes) finish({ kind: "too-large" });
      else chunks.push(chunk);
    };
    const onEnd = () =>
      finish({ kind: "read", bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) });
    // "close" before "end" (or an "aborted" error) is a client that went away mid-body.
    const onGone = () => finish({ kind: "closed" });
    const timer = setTimeout(() => finish({ kind: "timed-out" }), limits.deadlineMs);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onGone);
  });
}

/** True when nothing can be written back any more: the client closed or reset the connection. */
export function clientGone(res: http.ServerResponse): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

/**
 * A handler's usual answer (status, a headers record, a string body) is written as is: building a
 * fetch `Response` just to read the same bytes back out cost more than the whole decision. Anything
 * richer (jsonBody, cookies, streams, `Headers` objects, an `HttpResponse`) goes through the library's
 * own `HttpResponse`, so its defaults apply exactly as in the Functions host.
 */
export async function send(
  res: http.ServerResponse,
  result: HttpResponseInit | HttpResponse | undefined,
): Promise<void> {
  if (isPlain(result)) {
    const body = result.body === undefined ? undefined : Buffer.from(result.body, "utf8");
    const headers: Record<string, string> = { ...(result.headers as Record<string, string> | undefined) };
    // What fetch's Response adds for a string body without a declared type.
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
      headers["content-type"] = "text/plain;charset=UTF-8";
    headers["content-length"] = String(body?.length ?? 0);
    res.writeHead(result.status ?? 200, headers);
    res.end(body);
    return;
  }
  const response = result instanceof HttpResponse ? result : new HttpResponse(result ?? { status: 204 });
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  res.writeHead(response.status, { ...headers, "Content-Length": String(body.length) });
  res.end(body);
}

type PlainInit = HttpResponseInit & { body?: string; headers?: Record<string, string> };

function isPlain(result: HttpResponseInit | HttpResponse | undefined): result is PlainInit {
  if (result === undefined || result instanceof HttpResponse) return false;
  const { body, headers, jsonBody, cookies, status } = result;
  const plainHeaders =
    headers === undefined ||
    (Object.getPrototypeOf(headers) === Object.prototype &&
      Object.values(headers).every((v) => typeof v === "string"));
  const nullBodyStatus = status === 204 || status === 205 || status === 304;
  return (
    (body === undefined || typeof body === "string") &&
    jsonBody === undefined &&
    cookies === undefined &&
    plainHeaders &&
    !nullBodyStatus
  );
}
