/**
 * Calls a custom authentication extension the way Entra does: a JSON POST of the event's envelope with
 * `Authorization: Bearer <token for the extension API>`, the extension's own timeout, at most
 * `maximumRetries` more attempts when no answer arrives, and a strict reading of the answer. An answer
 * Entra would not accept fails the sign-up with the 1003xxx code Entra logs for it.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot#error-codes-reference,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionstart-retrieve-return-data,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import {
  calloutTries,
  parseBody,
  postCallout,
  readCalloutAction,
  record,
  unanswered,
  type CalloutAnswer,
  type CalloutFailure,
  type EnvelopeServicePrincipal,
} from "../extension-callout";
import type { DirectoryAttributeValue } from "./attribute-values";
import type { ExtensionEvent, Identity, TimelineEntry } from "./types";

/** Microsoft Graph's service principal, the resource of most interactive sign-ins. */
const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** What one extension request is about. */
export interface EnvelopeInput {
  readonly event: ExtensionEvent;
  readonly tenantId: string;
  /** The flow (Entra's listener for the event). */
  readonly listenerId: string;
  readonly extensionId: string;
  readonly correlationId: string;
  /** IPv4 or IPv6, as the person's browser reached Entra. */
  readonly clientIp: string;
  /** Lower-case BCP 47 tag, e.g. `en-us`. */
  readonly locale: string;
  readonly clientServicePrincipal: EnvelopeServicePrincipal;
  readonly attributes: Readonly<Record<string, DirectoryAttributeValue>>;
  /** Absent when Entra has none to send (possible at Submit). */
  readonly identities?: readonly Identity[];
}

/** The request body Entra POSTs to an OnAttributeCollectionStart/Submit extension. */
export function extensionEnvelope(input: EnvelopeInput): Record<string, unknown> {
  const event = input.event;
  const callout = `on${event[0]?.toUpperCase()}${event.slice(1)}`;
  return {
    type: `microsoft.graph.authenticationEvent.${event}`,
    source: `/tenants/${input.tenantId}/applications/${MICROSOFT_GRAPH_APP_ID}`,
    data: {
      "@odata.type": `microsoft.graph.${callout}CalloutData`,
      tenantId: input.tenantId,
      authenticationEventListenerId: input.listenerId,
      customAuthenticationExtensionId: input.extensionId,
      authenticationContext: {
        correlationId: input.correlationId,
        client: { ip: input.clientIp, locale: input.locale, market: input.locale },
        protocol: "OAUTH2.0",
        clientServicePrincipal: input.clientServicePrincipal,
        resourceServicePrincipal: {
          id: "00000000-0000-0000-0000-000000000003",
          appId: MICROSOFT_GRAPH_APP_ID,
          appDisplayName: "Microsoft Graph",
          displayName: "Microsoft Graph",
        },
      },
      userSignUpInfo: {
        attributes: input.attributes,
        ...(input.identities ? { identities: input.identities } : {}),
      },
    },
  };
}

/** What an extension's answer means for the sign-up. */
export type ExtensionOutcome =
  | { readonly kind: "continue" }
  | { readonly kind: "prefill"; readonly inputs: Record<string, unknown> }
  | { readonly kind: "modify"; readonly attributes: Record<string, unknown> }
  | {
      readonly kind: "validation";
      readonly message: string;
      readonly attributeErrors: Record<string, string>;
    }
  | { readonly kind: "block"; readonly message: string; readonly title?: string }
  | { readonly kind: "failed"; readonly code: string; readonly reason: string };

/** The actions each event accepts, by the kind of outcome they give. */
const ACTIONS: Record<ExtensionEvent, Record<string, ExtensionOutcome["kind"]>> = {
  attributeCollectionStart: {
    continueWithDefaultBehavior: "continue",
    setPrefillValues: "prefill",
    showBlockPage: "block",
  },
  attributeCollectionSubmit: {
    continueWithDefaultBehavior: "continue",
    modifyAttributeValues: "modify",
    showValidationError: "validation",
    showBlockPage: "block",
  },
};

/** One HTTP answer as Entra reads it. */
export type ExtensionAnswer = CalloutAnswer;

const failed = (code: string, reason: string): ExtensionOutcome => ({ kind: "failed", code, reason });

/**
 * Reads an answer strictly, as Entra does: HTTP 200, `application/json`, a body of the event's response
 * schema with exactly one action of a type defined for the event. Action types are compared
 * case-insensitively (Microsoft's 2024 samples answer `ShowValidationError`).
 */
export function interpretAnswer(event: ExtensionEvent, answer: ExtensionAnswer): ExtensionOutcome {
  const responseType = `microsoft.graph.on${event[0]?.toUpperCase()}${event.slice(1)}ResponseData`;
  const read = readCalloutAction(answer, responseType, { sameType });
  if ("failure" in read) return failed(read.failure.code, read.failure.reason);
  const { action } = read;
  const type = String(action["@odata.type"] ?? "");
  const prefix = `microsoft.graph.${event}.`.toLowerCase();
  const name = type.toLowerCase().startsWith(prefix) ? type.slice(prefix.length).toLowerCase() : "";
  // Lower-casing also reads the prose's `setPreFillValues` as `setPrefillValues`.
  const entry = Object.entries(ACTIONS[event]).find(([n]) => n.toLowerCase() === name);
  if (!entry)
    return failed(
      "1003012 InvalidActionType",
      `${JSON.stringify(type)} is not an action of ${event}; expected one of ${Object.keys(ACTIONS[event])
        .map((n) => `microsoft.graph.${event}.${n}`)
        .join(", ")}`,
    );
  return actionOutcome(entry[1], action);
}

function actionOutcome(kind: ExtensionOutcome["kind"], action: Record<string, unknown>): ExtensionOutcome {
  const bad = (field: string, want: string) =>
    failed(
      "1003003 InvalidResponseBody",
      `the action's ${field} must be ${want}, got ${JSON.stringify(action[field])}`,
    );
  switch (kind) {
    case "continue":
      return { kind };
    case "prefill": {
      const inputs = record(action.inputs);
      return inputs ? { kind, inputs } : bad("inputs", "an object of attribute values");
    }
    case "modify": {
      const attributes = record(action.attributes);
      return attributes ? { kind, attributes } : bad("attributes", "an object of attribute values");
    }
    case "block": {
      if (!nonEmpty(action.message)) return bad("message", "a non-empty string");
      if (action.title !== undefined && action.title !== null && typeof action.title !== "string")
        return bad("title", "a string");
      return { kind, message: action.message, ...(nonEmpty(action.title) ? { title: action.title } : {}) };
    }
    case "validation": {
      if (!nonEmpty(action.message)) return bad("message", "a non-empty string");
      const errors = action.attributeErrors === undefined ? {} : record(action.attributeErrors);
      if (!errors || !Object.values(errors).every(nonEmpty))
        return bad("attributeErrors", "an object of attribute key → non-empty message");
      return { kind, message: action.message, attributeErrors: errors as Record<string, string> };
    }
    case "failed":
      return { kind: "failed", code: "1003001 CustomExtensionUnexpectedError", reason: "unreachable" };
  }
}

/** How a call is made. */
export interface ExtensionCallOptions {
  readonly targetUrl: string;
  readonly event: ExtensionEvent;
  readonly timeoutInMilliseconds: number;
  readonly maximumRetries: number;
  /** The bearer token for the extension API (fetched once per call, reused for the retry). */
  readonly token: string;
  /** Called once per attempt (for logs); carries no secret. */
  readonly onAttempt?: (entry: TimelineEntry) => void;
}

export interface ExtensionCallResult {
  readonly outcome: ExtensionOutcome;
  readonly attempts: TimelineEntry[];
}

/**
 * POSTs `envelope`; tries again (same body, same correlation id) only when no answer arrived, at most
 * `maximumRetries` times. Any HTTP answer is final: the local system must not look better than Entra.
 */
export async function callExtension(
  envelope: Record<string, unknown>,
  opts: ExtensionCallOptions,
): Promise<ExtensionCallResult> {
  const attempts: TimelineEntry[] = [];
  const tries = calloutTries(opts.maximumRetries);
  let last: CalloutFailure | undefined;
  for (let attempt = 1; attempt <= tries; attempt++) {
    const at = new Date().toISOString();
    const base = { step: opts.event, attempt, url: opts.targetUrl, request: envelope, at };
    const result = await postCallout(envelope, opts);
    let recorded: TimelineEntry;
    let outcome: ExtensionOutcome | undefined;
    if ("failure" in result) {
      const { failure, latencyMs } = result;
      recorded = { ...base, status: null, error: `${failure.code}: ${failure.reason}`, latencyMs };
      last = failure;
    } else {
      const { answer, latencyMs } = result;
      outcome = interpretAnswer(opts.event, answer);
      const entry = { ...base, status: answer.status, response: parseBody(answer.text), latencyMs };
      recorded =
        outcome.kind === "failed" ? { ...entry, error: `${outcome.code}: ${outcome.reason}` } : entry;
    }
    attempts.push(recorded);
    opts.onAttempt?.(recorded);
    if (outcome) return { attempts, outcome };
  }
  const none = unanswered(tries, last);
  return { attempts, outcome: failed(none.code, none.reason) };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}

function sameType(actual: unknown, expected: string): boolean {
  return typeof actual === "string" && actual.replace(/^#/, "").toLowerCase() === expected.toLowerCase();
}
