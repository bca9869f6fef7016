/**
 * The one userFlow/attributes config mapped to an external tenant's events flow: identity providers,
 * attributes and page inputs in page order, and a problem (path, value, fix) for what has no meaning there.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  EMAIL_REGEX,
  EVENTS_FLOW_INPUT_TYPES,
  INTEGER_REGEX,
  eventsFlowPage,
} from "../../contract/eventsFlowPage";
import { USER_INPUT_TYPES } from "../../contract/userFlow";
import { customAttributeSchema, userFlowSchema, type UserFlowInput } from "../../contract/userFlowSchema";

const flow = (input: Partial<UserFlowInput>) =>
  userFlowSchema.parse({ name: "Partners", page: [{ attribute: "email" }], ...input });
const attrs = (...list: { name: string; dataType?: "string" | "boolean" | "int64" }[]) =>
  list.map((a) => customAttributeSchema.parse(a));

test("the seed partner page maps to email (hidden) then the fields in order, with Graph's attribute list", () => {
  const { page, problems } = eventsFlowPage(
    flow({
      identityProviders: ["EmailOtpSignup-OAUTH", "Google-OAUTH"],
      page: [
        { attribute: "email", userInputType: "emailBox", requiresVerification: true },
        { attribute: "displayName" },
        { attribute: "CompanyName", displayName: "Company" },
        { attribute: "Justification", isOptional: true },
      ],
    }),
    attrs({ name: "CompanyName" }, { name: "Justification" }),
    (a) => `extension_0a1b_${a.name}`,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(page.identityProviderIds, ["EmailOtpSignup-OAUTH", "Google-OAUTH"]);
  assert.deepEqual(page.attributes, [
    { id: "email", displayName: "Email Address", dataType: "string", userFlowAttributeType: "builtIn" },
    { id: "displayName", displayName: "Display Name", dataType: "string", userFlowAttributeType: "builtIn" },
    {
      id: "extension_0a1b_CompanyName",
      displayName: "CompanyName",
      dataType: "string",
      userFlowAttributeType: "custom",
    },
    {
      id: "extension_0a1b_Justification",
      displayName: "Justification",
      dataType: "string",
      userFlowAttributeType: "custom",
    },
  ]);
  assert.deepEqual(
    page.inputs.map((i) => [i.attribute, i.label, i.inputType, i.required, i.hidden, i.editable]),
    [
      ["email", "Email", "text", true, true, false],
      ["displayName", "Display name", "text", true, false, true],
      ["extension_0a1b_CompanyName", "Company", "text", true, false, true],
      ["extension_0a1b_Justification", "Justification", "text", false, false, true],
    ],
  );
  assert.ok(page.inputs.every((i) => i.writeToDirectory));
});

test("email is always an input, hidden and not editable, even when the page leaves it out", () => {
  const { page } = eventsFlowPage(flow({ page: [{ attribute: "City" }] }), []);
  assert.deepEqual(
    page.inputs.map((i) => ({ attribute: i.attribute, hidden: i.hidden, editable: i.editable })),
    [
      { attribute: "email", hidden: true, editable: false },
      { attribute: "city", hidden: false, editable: true },
    ],
    "built-in ids come out in Graph's camelCase",
  );
  assert.equal(page.attributes[0]?.id, "email");
});

test("workforce-only identity providers are problems naming the external ones", () => {
  const { page, problems } = eventsFlowPage(
    flow({ identityProviders: ["AADSignup-OAUTH", "EmailPassword-OAUTH", "MSASignup-OAUTH"] }),
    [],
  );
  assert.deepEqual(page.identityProviderIds, ["EmailPassword-OAUTH"]);
  assert.deepEqual(
    problems.map((p) => [p.path, p.value]),
    [
      ["userFlow.identityProviders.0", "AADSignup-OAUTH"],
      ["userFlow.identityProviders.2", "MSASignup-OAUTH"],
    ],
  );
  assert.match(problems[0]!.message, /Microsoft Entra ID accounts can sign up only in a workforce tenant/);
  assert.match(problems[0]!.message, /— remove it or replace it with one of those/);
  assert.match(
    problems[1]!.message,
    /EmailPassword-OAUTH, EmailOtpSignup-OAUTH, Google-OAUTH, Facebook-OAUTH/,
  );
});

test("a drop-down becomes radio buttons with the same options and default; a multi-select keeps its defaults", () => {
  const options = [
    { name: "Gold", value: "gold" },
    { name: "Silver", value: "silver", isDefault: true },
  ];
  const { page, problems } = eventsFlowPage(
    flow({
      page: [
        { attribute: "Tier", userInputType: "dropdownSingleSelect", userAttributeValues: options },
        {
          attribute: "Interests",
          userInputType: "checkboxMultiSelect",
          userAttributeValues: [
            { name: "A", value: "a", isDefault: true },
            { name: "B", value: "b", isDefault: true },
          ],
        },
      ],
    }),
    attrs({ name: "Tier" }, { name: "Interests" }),
  );
  assert.deepEqual(problems, []);
  const [, tier, interests] = page.inputs;
  assert.equal(tier?.inputType, "radioSingleSelect");
  assert.deepEqual(tier?.options, [
    { label: "Gold", value: "gold" },
    { label: "Silver", value: "silver" },
  ]);
  assert.equal(tier?.defaultValue, "silver");
  assert.equal(interests?.inputType, "checkboxMultiSelect");
  assert.equal(interests?.defaultValue, "a,b", "several defaults in the multi-value (comma) form");
});

test("int64 fields become text checked by a regex; boolean fields a single checkbox; emailBox an email regex", () => {
  const { page, problems } = eventsFlowPage(
    flow({
      page: [
        { attribute: "Employees" },
        {
          attribute: "Seats",
          userInputType: "radioSingleSelect",
          userAttributeValues: [
            { name: "ten", value: "10" },
            { name: "minus one", value: "-1" },
          ],
        },
        {
          attribute: "Newsletter",
          userInputType: "radioSingleSelect",
          userAttributeValues: [
            { name: "Yes", value: "true", isDefault: true },
            { name: "No", value: "false" },
          ],
        },
        { attribute: "BillingEmail", userInputType: "emailBox" },
      ],
    }),
    attrs(
      { name: "Employees", dataType: "int64" },
      { name: "Seats", dataType: "int64" },
      { name: "Newsletter", dataType: "boolean" },
      { name: "BillingEmail" },
    ),
  );
  assert.deepEqual(problems, []);
  const [, employees, seats, newsletter, billing] = page.inputs;
  assert.deepEqual([employees?.inputType, employees?.validationRegEx], ["text", INTEGER_REGEX]);
  assert.deepEqual([seats?.inputType, seats?.validationRegEx], ["text", "^(?:10|-1)$"]);
  assert.ok(
    new RegExp(seats!.validationRegEx!).test("-1") && !new RegExp(seats!.validationRegEx!).test("11"),
  );
  assert.deepEqual(
    [newsletter?.inputType, newsletter?.options, newsletter?.defaultValue],
    ["checkboxSingleSelect", [], "true"],
  );
  assert.deepEqual([billing?.inputType, billing?.validationRegEx], ["text", EMAIL_REGEX]);
  assert.deepEqual(
    page.attributes.slice(1).map((a) => a.dataType),
    ["int64", "int64", "boolean", "string"],
  );
});

test("a date drop-down has no equivalent and is a problem at its key path", () => {
  const { page, problems } = eventsFlowPage(
    flow({ page: [{ attribute: "email" }, { attribute: "Since", userInputType: "dateTimeDropdown" }] }),
    attrs({ name: "Since" }),
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.value]),
    [["userFlow.page.1.userInputType", "dateTimeDropdown"]],
  );
  assert.match(problems[0]!.message, /no date input .* — use textBox/);
  assert.equal(page.inputs.length, 1);
});

test("every valid page maps to inputs Graph accepts, one per field plus email, in page order", () => {
  const field = fc.record({
    attribute: fc.constantFrom("A0", "A1", "A2", "city", "givenName"),
    userInputType: fc.constantFrom(...USER_INPUT_TYPES.filter((t) => t !== "dateTimeDropdown")),
  });
  fc.assert(
    fc.property(
      fc.uniqueArray(field, { selector: (f) => f.attribute, minLength: 1, maxLength: 5 }),
      (fields) => {
        const page = fields.map((f) => ({
          ...f,
          userAttributeValues: ["radioSingleSelect", "dropdownSingleSelect", "checkboxMultiSelect"].includes(
            f.userInputType,
          )
            ? [{ name: "x", value: "1" }]
            : [],
        }));
        const declared = attrs(
          { name: "A0" },
          { name: "A1", dataType: "int64" },
          { name: "A2", dataType: "boolean" },
        );
        const result = eventsFlowPage(flow({ page }), declared);
        assert.deepEqual(result.problems, []);
        const inputs = result.page.inputs;
        assert.equal(inputs.length, fields.length + 1);
        assert.deepEqual(
          inputs.slice(1).map((i) => String(i.attribute).toLowerCase()),
          fields.map((f) => f.attribute.toLowerCase()),
        );
        for (const input of inputs) {
          assert.ok((EVENTS_FLOW_INPUT_TYPES as readonly string[]).includes(input.inputType));
          if (input.validationRegEx) new RegExp(input.validationRegEx, "u");
          const choices =
            input.inputType === "radioSingleSelect" || input.inputType === "checkboxMultiSelect";
          assert.equal(input.options.length > 0, choices);
        }
        assert.deepEqual(
          result.page.attributes.map((a) => a.id),
          inputs.map((i) => i.attribute),
        );
      },
    ),
  );
});
