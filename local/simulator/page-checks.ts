/**
 * What Entra's attribute page does before it submits: read the form (check boxes as `true`/`false`,
 * multi-select as one comma-separated string; hidden and read-only inputs keep their values) and refuse a
 * required field left empty, a number that is not whole, or a value that does not match `validationRegEx`,
 * each with a message beside its field.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/authenticationattributecollectioninputconfiguration
 */
import { typedValue } from "./attribute-values";
import type { ExternalInput } from "./events-flow";

/** Messages Entra's page shows beside a field it refuses before submitting. */
export const FIELD_MESSAGES = {
  required: "This information is required.",
  int64: "Enter a whole number.",
  pattern: "Please enter a valid value.",
} as const;

/** The page's editable values read from the form (hidden and read-only inputs keep theirs). */
export function readPage(inputs: readonly ExternalInput[], form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of inputs) {
    if (input.hidden || !input.editable || same(input.attribute, "email")) continue;
    const all = form
      .getAll(input.attribute)
      .map((v) => v.trim())
      .filter(Boolean);
    const value =
      input.inputType === "boolean" || input.inputType === "checkboxSingleSelect"
        ? String(all.includes("true"))
        : input.inputType === "checkboxMultiSelect"
          ? all.join(",")
          : (all[0] ?? "");
    Object.defineProperty(out, input.attribute, { enumerable: true, value });
  }
  return out;
}

/**
 * What Entra's page refuses before submitting, by attribute id: a required field left empty (a required
 * check box left unticked), a number field that is not a whole number, a value that does not match the
 * input's `validationRegEx`.
 */
export function checkPage(
  inputs: readonly ExternalInput[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const input of inputs) {
    if (input.hidden || !input.editable) continue;
    const value = values[input.attribute] ?? "";
    const checkbox = input.inputType === "boolean" || input.inputType === "checkboxSingleSelect";
    let problem: string | undefined;
    if (input.required && (checkbox ? value !== "true" : value === "")) problem = FIELD_MESSAGES.required;
    else if (
      value !== "" &&
      !checkbox &&
      input.dataType === "int64" &&
      typedValue("int64", value) === undefined
    )
      problem = FIELD_MESSAGES.int64;
    else if (value !== "" && !checkbox && !matches(input.validationRegEx, value))
      problem = FIELD_MESSAGES.pattern;
    if (problem) Object.defineProperty(errors, input.attribute, { enumerable: true, value: problem });
  }
  return errors;
}

function matches(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  let re: RegExp;
  try {
    re = new RegExp(pattern, "u");
  } catch {
    // A .NET-only construct the browser cannot compile: Entra's page would not check it either.
    return true;
  }
  return re.test(value);
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
