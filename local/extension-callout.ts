/**
 * Entra's side of a custom authentication extension call, as the local parts that play Entra make it: the
 * sign-up simulator (OnAttributeCollectionStart/Submit) and the Graph emulator's sign-in
 * (OnTokenIssuanceStart). One POST of the event's envelope with the bearer token, within the extension's
 * timeout, tried again only when no answer arrived (`maximumRetries`); then the answer read as strictly as
 * Entra reads it, down to its one action. docs/external-tenant-contract.md §9.1, §9.8.
 */

/** A service principal as an event's envelope names it (`authenticationContext.clientServicePrincipal`, …). */
export interface EnvelopeServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly appDisplayName: string;
  readonly displayName: string;
}

/** One HTTP answer as Entra reads it. */
export interface CalloutAnswer {
  readonly status: number;
  /** The Content-Type header, `""` when absent. */
  readonly contentType: string;
  readonly text: string;
}

/** Why a call produced no usable answer: the 1003xxx code (with its name) and the detail. */
export interface CalloutFailure {
  readonly code: string;
  readonly reason: string;
}

/** What one attempt yielded: an answer, or the failure that left none (timeout, network). */
export type CalloutAttempt =
  | { readonly answer: CalloutAnswer; readonly latencyMs: number }
  | { readonly failure: CalloutFailure; readonly latencyMs: number };

export interface CalloutTarget {
  readonly targetUrl: string;
  readonly token: string;
  readonly timeoutInMilliseconds: number;
}

/** One POST of `envelope` to the extension. Never rejects. */
export async function postCallout(envelope: unknown, target: CalloutTarget): Promise<CalloutAttempt> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(target.targetUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${target.token}` },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(target.timeoutInMilliseconds),
    });
    const text = await res.text();
    return {
      answer: { status: res.status, contentType: res.headers.get("content-type") ?? "", text },
      latencyMs: latency(),
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const failure =
      e.name === "TimeoutError"
        ? { code: "1003005 TimedOut", reason: `no response within ${target.timeoutInMilliseconds} ms` }
        : { code: "1003027 ConnectionError", reason: `network error: ${e.cause?.code ?? e.message}` };
    return { failure, latencyMs: latency() };
  }
}

/** How many times Entra tries: once, plus `maximumRetries` (0 or 1) when no answer arrives. */
export const calloutTries = (maximumRetries: number): number => 1 + Math.max(0, Math.min(1, maximumRetries));

/** The failure after every try went unanswered. */
export function unanswered(tries: number, last: CalloutFailure | undefined): CalloutFailure {
  return {
    code: last?.code ?? "1003001 CustomExtensionUnexpectedError",
    reason: `no answer after ${tries} attempt(s): ${last?.reason ?? "unknown"}`,
  };
}

/**
 * The one action of an answer, read as Entra does: HTTP 200 (1003002), a body (1003009) of at most
 * `maxBytes` (1003024), `application/json` (1003006), JSON (1003003) whose `data["@odata.type"]` is
 * `responseType` (1003003, compared by `sameType`) with exactly one action (1003010).
 */
export function readCalloutAction(
  answer: CalloutAnswer,
  responseType: string,
  options: { readonly maxBytes?: number; readonly sameType?: (got: unknown, want: string) => boolean } = {},
): { readonly action: Record<string, unknown> } | { readonly failure: CalloutFailure } {
  const fail = (code: string, reason: string) => ({ failure: { code, reason } });
  if (answer.status !== 200)
    return fail("1003002 InvalidHTTPStatus", `the extension answered HTTP ${answer.status}, not 200`);
  if (answer.text.trim() === "") return fail("1003009 EmptyResponse", "the answer has no body");
  if (options.maxBytes !== undefined && Buffer.byteLength(answer.text) > options.maxBytes)
    return fail("1003024 ResponseExceededSizeLimit", `the answer is over ${options.maxBytes} bytes`);
  const mediaType = answer.contentType.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json")
    return fail(
      "1003006 InvalidResponseContentType",
      `Content-Type is ${JSON.stringify(answer.contentType)}, not application/json`,
    );
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return fail("1003003 InvalidResponseBody", "the body is not JSON");
  }
  const data = record(record(body)?.data);
  const same = options.sameType ?? ((got, want) => got === want);
  if (!data || !same(data["@odata.type"], responseType))
    return fail(
      "1003003 InvalidResponseBody",
      `data["@odata.type"] must be ${responseType}, got ${JSON.stringify(data?.["@odata.type"])}`,
    );
  const actions = data.actions;
  if (!Array.isArray(actions) || actions.length !== 1)
    return fail(
      "1003010 InvalidNumberOfActions",
      `data.actions must hold exactly one action, got ${Array.isArray(actions) ? actions.length : JSON.stringify(actions)}`,
    );
  return { action: record(actions[0]) ?? {} };
}

/** A body as the timeline shows it: JSON when it parses, the text otherwise. */
export function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `value` when it is a plain object. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
