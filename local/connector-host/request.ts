/**
 * The local host's `HttpRequest`: the real `@azure/functions` class, over a body the host has already
 * read into memory (as the Functions host does before it invokes the worker).
 *
 * The library's own constructor wraps every request in a fetch `Request` whose body is a web
 * `ReadableStream`; building that stream cost more than the whole sign-up decision. Here the class
 * gets a {@link BufferedNativeRequest} instead: `text()`, `json()` and `arrayBuffer()` answer from the
 * bytes, and the fetch `Request` (with its stream) is built only when a handler asks for `body`,
 * `blob()` or `formData()`. Every answer follows the Fetch standard's body
 * rules (https://fetch.spec.whatwg.org/#body-mixin): a body is read once, text is UTF-8 with a leading
 * BOM removed, and a second read rejects with a TypeError.
 */
import { HttpRequest } from "@azure/functions";

export interface BufferedRequestInit {
  readonly method: string;
  /** Absolute URL, e.g. `http://127.0.0.1:7071/api/postAttributeCollection?x=1`. */
  readonly url: string;
  /** Header names lower-case, repeated headers already joined with `, ` (as the Functions host sends them). */
  readonly headers: Headers;
  /** Route parameters (`{id}` segments), already decoded. */
  readonly params: Record<string, string>;
  /** The whole body; undefined for GET/HEAD (the fetch standard gives them no body). */
  readonly bytes: Uint8Array | undefined;
}

const UTF8 = new TextDecoder("utf-8"); // fatal: false, ignoreBOM: false, as the fetch standard decodes

/** What `HttpRequest` reads from its native request; the names and results of the fetch `Request`. */
export class BufferedNativeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly #bytes: Uint8Array | undefined;
  #used = false;
  /** Set once the body is asked for as a stream; from then on the fetch `Request` answers everything. */
  #native: Request | undefined;

  constructor(init: Omit<BufferedRequestInit, "params">) {
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.#bytes = init.bytes;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#bytes === undefined ? null : this.#fetchRequest().body;
  }

  get bodyUsed(): boolean {
    return this.#native?.bodyUsed ?? this.#used;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#native !== undefined) return this.#native.arrayBuffer();
    return this.#consume((bytes) => {
      const copy = new ArrayBuffer(bytes.byteLength);
      new Uint8Array(copy).set(bytes);
      return copy;
    });
  }

  text(): Promise<string> {
    if (this.#native !== undefined) return this.#native.text();
    return this.#consume((bytes) => UTF8.decode(bytes));
  }

  json(): Promise<unknown> {
    if (this.#native !== undefined) return this.#native.json();
    return this.#consume((bytes) => JSON.parse(UTF8.decode(bytes)) as unknown);
  }

  /** Fetch's own: the blob's type is the parsed and re-serialized Content-Type. */
  blob(): Promise<Blob> {
    return this.#fetchRequest().blob();
  }

  formData(): Promise<FormData> {
    return this.#fetchRequest().formData();
  }

  clone(): BufferedNativeRequest | Request {
    if (this.#native !== undefined) return this.#native.clone();
    if (this.#used) throw new TypeError("Request.clone: Body has already been consumed.");
    return new BufferedNativeRequest({
      method: this.method,
      url: this.url,
      headers: new Headers(this.headers),
      bytes: this.#bytes,
    });
  }

  #consume<T>(convert: (bytes: Uint8Array) => T): Promise<T> {
    if (this.#used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.#used = true;
    try {
      return Promise.resolve(convert(this.#bytes ?? new Uint8Array(0)));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** The fetch `Request` over the same bytes; a body already read stays read (locked and disturbed). */
  #fetchRequest(): Request {
    if (this.#native === undefined) {
      const bytes = this.#bytes;
      this.#native = new Request(this.url, {
        method: this.method,
        headers: this.headers,
        body: bytes === undefined ? undefined : (bytes as Uint8Array<ArrayBuffer>),
      });
      if (this.#used) this.#native.arrayBuffer().catch(() => undefined);
    }
    return this.#native;
  }
}

/** `nativeRequest` is how the library's own streaming path hands `HttpRequest` a ready request. */
type InitWithNative = ConstructorParameters<typeof HttpRequest>[0] & { nativeRequest: unknown };

export function bufferedHttpRequest(init: BufferedRequestInit): HttpRequest {
  const hasQuery = init.url.includes("?");
  const withNative: InitWithNative = {
    nativeRequest: new BufferedNativeRequest(init),
    params: init.params,
    // Without a query string the library would parse the whole URL again just to find none.
    ...(hasQuery ? {} : { query: {} }),
  };
  return new HttpRequest(withNative);
}
