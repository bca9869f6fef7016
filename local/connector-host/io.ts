/**
 * The local host's side of the wire: reading a capped request body, flattening headers for
 * `HttpRequest`, and writing a handler's answer back the way the Functions host would.
 */
import { HttpResponse, type HttpResponseInit } from "@azure/functions";
import type * as http from "node:http";

/** The local stand-in for the Functions host's own request limit; handlers enforce the real 64 KiB. */
export const HOST_MAX_BODY_BYTES = 4 * 1024 * 1024;

export function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Drains the whole request even past the cap (so the 413 can be written on the same socket). */
export function readCapped(req: http.IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total <= HOST_MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () =>
      resolve(
        total > HOST_MAX_BODY_BYTES ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      ),
    );
    req.on("error", reject);
  });
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
