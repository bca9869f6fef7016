/**
 * The local host hands handlers the real `@azure/functions` HttpRequest over a body it has already
 * read. Whatever a handler can observe must match an HttpRequest built by the library's own
 * constructor (a fetch Request with a stream body), read by any of its methods, in any order.
 */
import { HttpRequest } from "@azure/functions";
import assert from "node:assert/strict";
import { test } from "node:test";
import { bufferedHttpRequest } from "../../local/connector-host/request";

const URL_WITH_QUERY = "http://127.0.0.1:7071/api/manage/approvals/abc/approve?x=1&x=2&y=%C3%A9";
const HEADERS = {
  "content-type": "application/json; charset=utf-8",
  authorization: "Basic YTpi",
  "x-forwarded-for": "10.0.0.1, 10.0.0.2",
};

function pair(body: string | Uint8Array | undefined, method = "POST", url = URL_WITH_QUERY) {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const params = { id: "abc", decision: "approve" };
  const library = new HttpRequest({ method, url, headers: HEADERS, params, body: bytes && { bytes } });
  const local = bufferedHttpRequest({ method, url, headers: new Headers(HEADERS), params, bytes });
  return { library, local };
}

async function streamText(stream: ReadableStream<Uint8Array> | null): Promise<string | null> {
  if (stream === null) return null;
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

test("url, method, headers, query, params and user read the same as the library's HttpRequest", () => {
  const { library, local } = pair("{}");
  assert.ok(local instanceof HttpRequest);
  assert.equal(local.url, library.url);
  assert.equal(local.method, library.method);
  assert.deepEqual([...local.headers], [...library.headers]);
  assert.deepEqual([...local.query], [...library.query]);
  assert.deepEqual(local.params, library.params);
  assert.deepEqual(local.user, library.user);
});

test("text(), json(), arrayBuffer() and blob() return what the library's request returns", async () => {
  const body = '\uFEFF{"email":"jo@partner-company.com","name":"Zoë"}';
  for (const read of [
    (r: HttpRequest) => r.text(),
    (r: HttpRequest) => r.json(),
    async (r: HttpRequest) => Buffer.from(await r.arrayBuffer()).toString("hex"),
    async (r: HttpRequest) => {
      const blob = await r.blob();
      return { type: blob.type, text: await blob.text() };
    },
  ]) {
    const { library, local } = pair(body);
    assert.deepEqual(await read(local), await read(library));
    assert.equal(local.bodyUsed, library.bodyUsed);
    assert.equal(local.bodyUsed, true);
  }
});

test("a body is read once: a second read rejects with a TypeError, as fetch's does", async () => {
  const { library, local } = pair("{}");
  await library.text();
  await local.text();
  await assert.rejects(library.json(), TypeError);
  await assert.rejects(local.json(), TypeError);
  await assert.rejects(local.arrayBuffer(), TypeError);
  assert.throws(() => library.clone(), TypeError);
  assert.throws(() => local.clone(), TypeError);
  // The stream of a body already read is unusable too.
  assert.equal(local.body?.locked, library.body?.locked);
});

test("the body as a stream carries the same bytes, and then counts as read", async () => {
  const { library, local } = pair("line one\nline two");
  assert.equal(local.bodyUsed, false);
  assert.equal(await streamText(local.body), await streamText(library.body));
  assert.equal(local.bodyUsed, library.bodyUsed);
  await assert.rejects(local.text(), TypeError);
});

test("malformed JSON rejects json() with the same error type", async () => {
  const { library, local } = pair("{not json");
  const libraryError = await library.json().catch((error: unknown) => error);
  const localError = await local.json().catch((error: unknown) => error);
  assert.equal((localError as Error).name, (libraryError as Error).name);
});

test("clone() before a read gives an independent request with the same body", async () => {
  const { local } = pair('{"a":1}');
  const copy = local.clone();
  assert.deepEqual(await copy.json(), { a: 1 });
  assert.deepEqual(await local.json(), { a: 1 });
});

test("a GET has no body, an empty POST has an empty one, like the library's", async () => {
  const get = pair(undefined, "GET");
  assert.equal(get.local.body, get.library.body);
  assert.equal(await get.local.text(), await get.library.text());
  const empty = pair(new Uint8Array(0));
  assert.equal(await streamText(empty.local.body), await streamText(empty.library.body));
});

test("formData() parses a urlencoded body like the library's", async () => {
  const url = "http://127.0.0.1:7071/api/x";
  const body = "a=1&b=two%20words";
  const headers = { "content-type": "application/x-www-form-urlencoded" };
  const library = new HttpRequest({ method: "POST", url, headers, body: { bytes: Buffer.from(body) } });
  const local = bufferedHttpRequest({
    method: "POST",
    url,
    headers: new Headers(headers),
    params: {},
    bytes: Buffer.from(body),
  });
  assert.deepEqual([...(await local.formData())], [...(await library.formData())]);
});
