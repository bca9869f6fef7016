import type { HttpRequest } from "@azure/functions";

export type BodyRead =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly tooLarge: true };

/**
 * Reads the body, never buffering more than `limit` bytes in our code: a declared Content-Length over
 * the limit is refused before reading; a body with a declared length within the limit is read whole
 * (HTTP framing bounds it, and the Functions host has it in memory already), without a web-stream
 * reader per chunk; a body without a declared length (chunked) is streamed and cut off mid-stream.
 */
export async function readBodyWithLimit(request: HttpRequest, limit: number): Promise<BodyRead> {
  const header = request.headers.get("content-length");
  const declared = Number(header ?? "0");
  if (Number.isFinite(declared) && declared > limit) return { ok: false, tooLarge: true };
  if (header !== null && DECIMAL.test(header)) {
    const bytes = await request.arrayBuffer();
    if (bytes.byteLength > limit) return { ok: false, tooLarge: true };
    return { ok: true, text: Buffer.from(bytes).toString("utf8") };
  }
  if (request.body === null) return { ok: true, text: "" };
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, tooLarge: true };
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

const DECIMAL = /^\s*\d+\s*$/;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** Entra always sends `application/json`; anything else is not a connector call. */
export function isJsonContentType(header: string | null): boolean {
  const mediaType = (header ?? "").split(";")[0]?.trim() ?? "";
  return JSON_MEDIA_TYPE.test(mediaType);
}

export type JsonParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
