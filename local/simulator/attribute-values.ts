/**
 * Attribute values of an external tenant's sign-up, typed the way Entra types them: the page holds text,
 * the extension request carries `stringDirectoryAttributeValue` / `int64DirectoryAttributeValue` /
 * `booleanDirectoryAttributeValue` objects, and an extension's answer must keep each attribute's type
 * (an int64 comes back as an integer, never `"2010"`; a multi-select as one comma-separated string).
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionsubmit-retrieve-return-data
 */
import type { ExternalFlowModel, ExternalInput } from "./events-flow";

export type DataType = ExternalInput["dataType"];
export type TypedValue = string | number | boolean;

/** One attribute of `userSignUpInfo.attributes`. */
export interface DirectoryAttributeValue {
  readonly "@odata.type": string;
  readonly value: TypedValue;
  readonly attributeType: "builtIn" | "directorySchemaExtension";
}

/** The typed value of a page value, or `undefined` when the text does not fit the data type. */
export function typedValue(dataType: DataType, text: string): TypedValue | undefined {
  if (dataType === "boolean") {
    if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
    return undefined;
  }
  if (dataType === "int64") {
    if (!/^-?\d{1,19}$/.test(text.trim())) return undefined;
    const n = Number(text.trim());
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return text;
}

/** The page's text for a typed value. */
export function pageText(value: TypedValue): string {
  return typeof value === "string" ? value : String(value);
}

/** `userSignUpInfo.attributes` from typed values: every key typed by its flow attribute. */
export function directoryAttributes(
  flow: Pick<ExternalFlowModel, "attributes">,
  values: Readonly<Record<string, TypedValue>>,
): Record<string, DirectoryAttributeValue> {
  const out: Record<string, DirectoryAttributeValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const attribute = flow.attributes.get(key);
    const custom = attribute?.custom ?? /^extension_/i.test(key);
    Object.defineProperty(out, key, {
      enumerable: true,
      value: {
        "@odata.type": `microsoft.graph.${attribute?.dataType ?? "string"}DirectoryAttributeValue`,
        value,
        attributeType: custom ? "directorySchemaExtension" : "builtIn",
      },
    });
  }
  return out;
}

/** What Entra does with the values of setPrefillValues / modifyAttributeValues. */
export interface ReturnedValues {
  readonly applied: Record<string, TypedValue>;
  /** Keys Entra drops, with why (shown on the timeline). */
  readonly ignored: ReadonlyArray<{ readonly claim: string; readonly reason: string }>;
  /** Values of a flow attribute whose JSON type is not the attribute's data type. */
  readonly mistyped: readonly string[];
}

/**
 * Sorts returned values: keys that are not attributes of the flow (or are the verified email) are ignored,
 * values whose JSON type differs from the attribute's data type are mistyped (the answer is invalid).
 */
export function returnedValues(
  flow: Pick<ExternalFlowModel, "attributes">,
  values: Readonly<Record<string, unknown>>,
): ReturnedValues {
  const applied: Record<string, TypedValue> = {};
  const ignored: Array<{ claim: string; reason: string }> = [];
  const mistyped: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const attribute = flow.attributes.get(key);
    if (!attribute) {
      ignored.push({ claim: key, reason: "not an attribute of this flow: Entra ignores unknown keys" });
      continue;
    }
    if (key.toLowerCase() === "email") {
      ignored.push({ claim: key, reason: "the email was verified at sign-in and is never replaced" });
      continue;
    }
    const expected = attribute.dataType === "int64" ? "number" : attribute.dataType;
    const fits = typeof value === expected && (attribute.dataType !== "int64" || Number.isSafeInteger(value));
    if (!fits) {
      mistyped.push(
        `${key}: expected ${attribute.dataType === "int64" ? "an integer" : `a ${attribute.dataType}`}, got ${JSON.stringify(value)}`,
      );
      continue;
    }
    Object.defineProperty(applied, key, { enumerable: true, writable: true, value: value as TypedValue });
  }
  return { applied, ignored, mistyped };
}
