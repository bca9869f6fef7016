/**
 * The page comparisons the events-flow provider diffs with: Graph's defaults for fields the stack does
 * not set are not drift, any reorder is, and the preview names exactly the inputs a change drops.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  pageAsDesired,
  removedInputs,
  samePage,
  validateFlowInputs,
  type PageInput,
} from "../../components/graph/providers/events-flow-inputs";

const attrIds = ["email", "givenName", "surname", "city", "extension_abc_Loyalty"];
const pageArb = fc
  .shuffledSubarray(attrIds, { minLength: 1 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(
        fc.record({
          label: fc.string({ minLength: 1 }),
          required: fc.option(fc.boolean(), { nil: undefined }),
        }),
        {
          minLength: ids.length,
          maxLength: ids.length,
        },
      ),
    ),
  )
  .map(([ids, extra]) =>
    ids.map((attribute, i): PageInput => {
      const e = extra[i]!;
      return {
        attribute,
        label: e.label,
        inputType: "text",
        ...(e.required === undefined ? {} : { required: e.required }),
      };
    }),
  );

/** What Graph returns for a page it was given: every field filled with its default. */
const asGraphReturns = (page: readonly PageInput[]) =>
  page.map((p) => ({
    hidden: false,
    editable: true,
    writeToDirectory: true,
    required: false,
    validationRegEx: "^.*",
    options: [],
    defaultValue: null,
    ...p,
    inputType: p.inputType === "text" ? "Text" : p.inputType,
  }));

test("a page read back with Graph's defaults equals the desired page; any reorder does not", () => {
  fc.assert(
    fc.property(pageArb, (page) => {
      assert.ok(samePage(pageAsDesired(asGraphReturns(page), page), page));
      if (page.length > 1) {
        const rotated = [...page.slice(1), page[0]!];
        assert.ok(!samePage(pageAsDesired(asGraphReturns(rotated), page), page), "order is a difference");
      }
    }),
  );
});

test("the preview names exactly the inputs the new page drops", () => {
  fc.assert(
    fc.property(pageArb, pageArb, (olds, news) => {
      const removed = removedInputs(olds, news);
      const expected = olds
        .filter((o) => !news.some((n) => n.attribute === o.attribute))
        .map((o) => `${o.attribute} (${o.label})`);
      assert.deepEqual(removed, expected);
    }),
  );
});

test("flow inputs: each problem names its key path, the bad value and the fix", () => {
  const problems = validateFlowInputs({
    connection: { cloud: "global" },
    displayName: "",
    identityProviderIds: [],
    attributes: [{ id: "email", displayName: "Email", dataType: "text", userFlowAttributeType: "builtIn" }],
    inputs: [
      { attribute: "email", label: "Email", inputType: "textBox" },
      { attribute: "city", label: "City", inputType: "radioSingleSelect" },
    ],
    includeApplications: ["portal"],
    attachVariant: "betaPut",
  }).map(([k, reason]) => `${k} | ${reason}`);
  assert.deepEqual(problems, [
    "displayName | displayName: required non-empty string",
    'identityProviderIds | identityProviderIds: a flow needs at least one identity provider, e.g. ["EmailPassword-OAUTH"]',
    'attributes | attributes[0].dataType: "text" is not one of string, boolean, int64',
    'inputs | inputs[0].inputType: "textBox" is not one of text, radioSingleSelect, checkboxMultiSelect, boolean, checkboxSingleSelect',
    'inputs | inputs[1].attribute: "city" is not one of the flow\'s attributes; add {id: "city", …} to attributes or remove the input',
    "inputs | inputs[1].options: a radioSingleSelect input needs at least one {label, value} option",
    'includeApplications | includeApplications[0]: "portal" is not an application (client) id GUID (use the app registration\'s appId, not its object id)',
    'attachVariant | attachVariant: "betaPut" is not one of betaRef, betaListener, v1Patch',
  ]);
});
