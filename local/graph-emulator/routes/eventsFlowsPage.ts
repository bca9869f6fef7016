/**
 * The attribute collection page of an external-tenant flow (`attributeCollectionPage.views[0].inputs`,
 * `authenticationAttributeCollectionInputConfiguration`): parsed strictly, every input naming one of the
 * flow's attributes. https://learn.microsoft.com/graph/api/resources/authenticationattributecollectioninputconfiguration
 */
import { badRequest } from "../errors";
import { onlyProperties, requireString } from "../context";
import { sameId } from "../store";
import type { StoredPageInput } from "../types";

const INPUT_TYPES = ["text", "radioSingleSelect", "checkboxMultiSelect", "boolean", "checkboxSingleSelect"];

/** Canonical casing of a page input type (Graph's examples also send `Text`), or 400. */
function inputTypeOf(v: unknown, i: number): string {
  const t = INPUT_TYPES.find((x) => typeof v === "string" && x.toLowerCase() === v.toLowerCase());
  if (!t)
    throw badRequest(`inputs[${i}].inputType ${JSON.stringify(v)} is not one of ${INPUT_TYPES.join(", ")}.`);
  return t;
}

function readInput(raw: unknown, i: number): StoredPageInput {
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw badRequest(`inputs[${i}] must be an object.`);
  const o = raw as Record<string, unknown>;
  onlyProperties(
    o,
    [
      "attribute",
      "label",
      "inputType",
      "defaultValue",
      "hidden",
      "editable",
      "writeToDirectory",
      "required",
      "validationRegEx",
      "options",
    ],
    "an authenticationAttributeCollectionInputConfiguration",
  );
  const bool = (k: string, d: boolean) => {
    if (o[k] === undefined) return d;
    if (typeof o[k] !== "boolean") throw badRequest(`inputs[${i}].${k} must be a boolean.`);
    return o[k] as boolean;
  };
  const options = o.options ?? [];
  if (
    !Array.isArray(options) ||
    !options.every(
      (x) =>
        x &&
        typeof x === "object" &&
        typeof (x as never)["label"] === "string" &&
        typeof (x as never)["value"] === "string",
    )
  )
    throw badRequest(`inputs[${i}].options must be a list of {label, value} strings.`);
  if (o.defaultValue !== undefined && o.defaultValue !== null && typeof o.defaultValue !== "string")
    throw badRequest(`inputs[${i}].defaultValue must be a string or null.`);
  if (o.validationRegEx !== undefined && typeof o.validationRegEx !== "string")
    throw badRequest(`inputs[${i}].validationRegEx must be a string.`);
  return {
    attribute: requireString(o, "attribute"),
    label: requireString(o, "label"),
    inputType: inputTypeOf(o.inputType, i),
    defaultValue: (o.defaultValue as string | null | undefined) ?? null,
    hidden: bool("hidden", false),
    editable: bool("editable", true),
    writeToDirectory: bool("writeToDirectory", true),
    required: bool("required", false),
    validationRegEx: (o.validationRegEx as string | undefined) ?? "^.*",
    options: (options as { label: string; value: string }[]).map((x) => ({ label: x.label, value: x.value })),
  };
}

/** `attributeCollectionPage` → inputs; every input must name one of `attributeIds`. */
export function readPage(page: unknown, attributeIds: readonly string[]): StoredPageInput[] {
  if (!page || typeof page !== "object") throw badRequest("attributeCollectionPage must be an object.");
  const views = (page as Record<string, unknown>).views;
  if (!Array.isArray(views) || views.length !== 1)
    throw badRequest("attributeCollectionPage.views must hold exactly one view.");
  const inputs = (views[0] as Record<string, unknown> | undefined)?.inputs;
  if (!Array.isArray(inputs)) throw badRequest("attributeCollectionPage.views[0].inputs must be an array.");
  const read = inputs.map(readInput);
  read.forEach((inp, i) => {
    if (!attributeIds.some((a) => sameId(a, inp.attribute)))
      throw badRequest(
        `inputs[${i}].attribute '${inp.attribute}' is not one of the flow's attributes; add it to onAttributeCollection.attributes first.`,
      );
    if (read.findIndex((x) => sameId(x.attribute, inp.attribute)) !== i)
      throw badRequest(`inputs[${i}].attribute '${inp.attribute}' appears twice on the page.`);
  });
  return read;
}
