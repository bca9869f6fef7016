/**
 * The engine's decision as an attribute-collection response: exactly one action, with the camelCase
 * `@odata.type` strings of Microsoft's JSON examples (the prose's `setPreFillValues` and a 2024 sample's
 * PascalCase are not what the JSON shows), and nothing else in the body.
 *  - Start: Continue → `setPrefillValues` (the claims) or `continueWithDefaultBehavior`; block → `showBlockPage`.
 *  - Submit: Continue → `modifyAttributeValues` (the claims) or `continueWithDefaultBehavior`; ValidationError
 *    → `showValidationError` with the message beside each field the rule named (`attributeErrors`);
 *    block → `showBlockPage`.
 * Values answer in the request's types: an int64 attribute gets a number, a boolean one a boolean, a
 * multi-value one a comma-delimited string; a value that cannot be written in its attribute's type is
 * left out (and named in `dropped`) rather than failing the whole sign-up with 1003003.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionstart-retrieve-return-data,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import type { AttributeCollectionEvent } from "../../contract/extensionRoutes";
import { setOwn } from "../../contract/own";
import type { Decision } from "../engine/types";
import type { AttributeCollectionCall, AttributeValueType } from "./envelope";

const RESPONSE_DATA: Readonly<Record<AttributeCollectionEvent, string>> = {
  attributeCollectionStart: "microsoft.graph.onAttributeCollectionStartResponseData",
  attributeCollectionSubmit: "microsoft.graph.onAttributeCollectionSubmitResponseData",
};

/** The action types each event accepts (`microsoft.graph.<event>.<action>`). */
export const EXTENSION_ACTIONS = {
  attributeCollectionStart: ["continueWithDefaultBehavior", "setPrefillValues", "showBlockPage"],
  attributeCollectionSubmit: [
    "continueWithDefaultBehavior",
    "modifyAttributeValues",
    "showValidationError",
    "showBlockPage",
  ],
} as const satisfies Record<AttributeCollectionEvent, readonly string[]>;

export type ExtensionAction = (typeof EXTENSION_ACTIONS)[keyof typeof EXTENSION_ACTIONS][number];

export interface ExtensionResponse {
  readonly action: ExtensionAction;
  readonly body: {
    readonly data: { readonly "@odata.type": string; readonly actions: readonly [Record<string, unknown>] };
  };
  /** Claim keys the engine returned that could not be written in their attribute's type (logged, never sent). */
  readonly dropped: readonly string[];
}

export interface ResponseTexts {
  /** `showBlockPage.title`, in the request's locale. */
  readonly blockTitle: string;
  /** The tenant's extensions app id without dashes, for `extension_<Name>` claims the request did not carry. */
  readonly extensionsAppId?: string;
}

/** The one-action response for `decision` (made by the engine for `call`). */
export function extensionResponse(
  call: AttributeCollectionCall,
  decision: Decision,
  texts: ResponseTexts,
): ExtensionResponse {
  const { event } = call;
  const response = decision.response;
  const answer = (action: ExtensionAction, fields: Record<string, unknown> = {}, dropped: string[] = []) => ({
    action,
    body: {
      data: {
        "@odata.type": RESPONSE_DATA[event],
        actions: [{ "@odata.type": `microsoft.graph.${event}.${action}`, ...fields }] as [
          Record<string, unknown>,
        ],
      },
    },
    dropped,
  });
  if (response.action === "ShowBlockPage")
    return answer("showBlockPage", { message: response.userMessage, title: texts.blockTitle });
  if (response.action === "ValidationError") {
    // The engine gives a ValidationError at postAttributeCollection (Submit) only.
    if (event === "attributeCollectionStart")
      return answer("showBlockPage", { message: response.userMessage, title: texts.blockTitle });
    return answer("showValidationError", {
      message: response.userMessage,
      attributeErrors: attributeErrors(call, decision.fields ?? [], response.userMessage),
    });
  }
  const { version: _version, action: _action, ...claims } = response;
  const { values, dropped } = typedValues(call, claims, texts.extensionsAppId);
  if (Object.keys(values).length === 0) return answer("continueWithDefaultBehavior", {}, dropped);
  return event === "attributeCollectionStart"
    ? answer("setPrefillValues", { inputs: values }, dropped)
    : answer("modifyAttributeValues", { attributes: values }, dropped);
}

/** `message` beside each named field the request has (a key the page does not show has nowhere to go). */
function attributeErrors(
  call: AttributeCollectionCall,
  fields: readonly string[],
  message: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const key = requestKey(call, field);
    if (key !== undefined) setOwn(out, key, message);
  }
  return out;
}

function typedValues(
  call: AttributeCollectionCall,
  claims: Record<string, unknown>,
  extensionsAppId: string | undefined,
): { values: Record<string, unknown>; dropped: string[] } {
  const values: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [claim, raw] of Object.entries(claims)) {
    const key = requestKey(call, claim) ?? withAppId(claim, extensionsAppId);
    const value = inType(call.attributes.get(key)?.type, raw);
    if (value === undefined) dropped.push(key);
    else setOwn(values, key, value);
  }
  return { values, dropped };
}

/** `raw` written as `type` (the request's type of the attribute; `undefined` when the request lacks it). */
function inType(type: AttributeValueType | undefined, raw: unknown): string | number | boolean | undefined {
  const value = Array.isArray(raw) ? raw.map(String).join(",") : raw;
  switch (type) {
    case "opaque":
      return undefined;
    case "int64":
      if (Number.isSafeInteger(value)) return value as number;
      return typeof value === "string" && /^-?\d{1,15}$/.test(value.trim())
        ? Number(value.trim())
        : undefined;
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      return undefined;
    case "string":
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : undefined;
    default:
      return typeof value === "string" || typeof value === "boolean" || Number.isFinite(value)
        ? (value as string | number | boolean)
        : undefined;
  }
}

const EXTENSION_KEY = /^extension_(?:[0-9a-f]{32}_)?(.+)$/i;

/**
 * The request's own key for a claim key: the same key, the same ignoring case, or for `extension_<Name>` /
 * `extension_<appId>_<Name>` the request's `extension_<its appId>_<Name>`.
 */
function requestKey(call: AttributeCollectionCall, claim: string): string | undefined {
  if (call.attributes.has(claim)) return claim;
  const lower = claim.toLowerCase();
  const name = EXTENSION_KEY.exec(claim)?.[1]?.toLowerCase();
  for (const key of call.attributes.keys()) {
    if (key.toLowerCase() === lower) return key;
    if (name !== undefined && EXTENSION_KEY.exec(key)?.[1]?.toLowerCase() === name) return key;
  }
  return undefined;
}

/** `extension_<Name>` → `extension_<appId>_<Name>` when the app id is known; other keys as they are. */
function withAppId(claim: string, extensionsAppId: string | undefined): string {
  if (!extensionsAppId || !/^extension_/i.test(claim) || /^extension_[0-9a-f]{32}_/i.test(claim))
    return claim;
  return `extension_${extensionsAppId}_${claim.slice("extension_".length)}`;
}
