/**
 * The ONE `userFlow` + `attributes` config (B2X words: `userInputType`, `isOptional`,
 * `userAttributeValues`) mapped to an external tenant's events flow (`externalUsersSelfServiceSignUpEventsFlow`):
 * the identity provider ids, the flow's attributes and the attribute collection page's inputs in page
 * order. Pure: the component wires the result into the `AuthenticationEventsFlow` resource, validation
 * reports its problems.
 *
 * Mapping (`userInputType` → `inputType`, by the attribute's data type), chosen because an external page
 * offers only `text`, `radioSingleSelect`, `checkboxMultiSelect`, `boolean` and `checkboxSingleSelect`:
 *
 * | B2X field | string attribute | boolean attribute | int64 attribute |
 * |---|---|---|---|
 * | `textBox` | `text` | – (B2X refuses it) | `text`, `validationRegEx` `^[0-9]+$` |
 * | `emailBox` | `text`, `validationRegEx` = an email address | – | – |
 * | `radioSingleSelect` / `dropdownSingleSelect` | `radioSingleSelect` with the same options (a drop-down becomes radio buttons) | `checkboxSingleSelect` (checked = true) | `text`, `validationRegEx` accepting exactly the option values |
 * | `checkboxMultiSelect` | `checkboxMultiSelect` | `checkboxSingleSelect` | – |
 * | `dateTimeDropdown` | a problem: no date input exists | – | – |
 *
 * - `email` is always an input, first unless the page places it, `hidden: true, editable: false,
 *   required: true`, as in every Microsoft example: the identity step has already collected and verified
 *   it (so `requiresVerification` has no counterpart and is dropped).
 * - `isOptional` → `required: !isOptional`; `displayName` → `label`; options' `name` → `label`; the
 *   `isDefault` option values → `defaultValue` (several joined with `,`, the multi-value form).
 * - `AADSignup-OAUTH` and `MSASignup-OAUTH` are problems: an external tenant has neither.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/authenticationattributecollectioninputconfiguration,
 * https://learn.microsoft.com/entra/external-id/customers/how-to-define-custom-attributes,
 * https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow
 */
import {
  BUILT_IN_ATTRIBUTES,
  EXTERNAL_IDENTITY_PROVIDER_IDS,
  defaultLabel,
  type AttributeDataType,
  type BuiltInAttribute,
  type ExternalIdentityProviderId,
} from "./userFlow";
import type { CustomAttribute, PageField, UserFlow } from "./userFlowSchema";

/** `inputType` values of an external tenant's page input. */
export const EVENTS_FLOW_INPUT_TYPES = [
  "text",
  "radioSingleSelect",
  "checkboxMultiSelect",
  "boolean",
  "checkboxSingleSelect",
] as const;
export type EventsFlowInputType = (typeof EVENTS_FLOW_INPUT_TYPES)[number];

/** Graph's display names of the built-in user flow attributes (`identityBuiltInUserFlowAttribute`). */
export const BUILT_IN_DISPLAY_NAMES: Readonly<Record<BuiltInAttribute, string>> = {
  email: "Email Address",
  displayName: "Display Name",
  givenName: "Given Name",
  surname: "Surname",
  jobTitle: "Job Title",
  streetAddress: "Street Address",
  city: "City",
  state: "State/Province",
  postalCode: "Postal Code",
  country: "Country/Region",
};

/** `validationRegEx` of an int64 attribute typed into a text box (the portal's default for Int). */
export const INTEGER_REGEX = "^[0-9]+$";
/** `validationRegEx` of a B2X `emailBox` on an attribute other than `email`. */
export const EMAIL_REGEX = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";

/** One attribute of the flow (`onAttributeCollection.attributes`). `Id` is what custom ids resolve to. */
export interface EventsFlowAttribute<Id = string> {
  readonly id: string | Id;
  readonly displayName: string;
  readonly dataType: AttributeDataType;
  readonly userFlowAttributeType: "builtIn" | "custom";
}

/** One choice of a radio or checkbox input (`authenticationAttributeCollectionOptionConfiguration`). */
export interface EventsFlowInputOption {
  readonly label: string;
  readonly value: string;
}

/** One page input (`authenticationAttributeCollectionInputConfiguration`), in Graph's words. */
export interface EventsFlowInput<Id = string> {
  /** The attribute id: a built-in id (`email`) or the custom attribute's resolved id. */
  readonly attribute: string | Id;
  readonly label: string;
  readonly inputType: EventsFlowInputType;
  readonly required: boolean;
  readonly hidden: boolean;
  readonly editable: boolean;
  readonly writeToDirectory: boolean;
  readonly validationRegEx?: string;
  readonly defaultValue?: string;
  /** Choices of radio/checkbox inputs; `[]` otherwise. */
  readonly options: readonly EventsFlowInputOption[];
}

/** What the events flow needs from the config. */
export interface EventsFlowPage<Id = string> {
  readonly identityProviderIds: readonly ExternalIdentityProviderId[];
  readonly attributes: readonly EventsFlowAttribute<Id>[];
  /** Page order = `inputs` order. */
  readonly inputs: readonly EventsFlowInput<Id>[];
}

/** Something in the config that has no meaning in an external tenant. */
export interface EventsFlowPageProblem {
  /** Key path relative to the arguments, e.g. `userFlow.page.2.userInputType`. */
  readonly path: string;
  /** The value found there. */
  readonly value: unknown;
  /** Why it has no meaning there, then ` — ` and the fix. */
  readonly message: string;
}

const EXTERNAL_IDPS: ReadonlySet<string> = new Set(EXTERNAL_IDENTITY_PROVIDER_IDS);
const WORKFORCE_ONLY_IDPS: Readonly<Record<string, string>> = {
  "AADSignup-OAUTH": "Microsoft Entra ID accounts",
  "MSASignup-OAUTH": "Microsoft accounts",
};

const builtInId = (attribute: string): BuiltInAttribute | undefined =>
  BUILT_IN_ATTRIBUTES.find((b) => b.toLowerCase() === attribute.toLowerCase());

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The events flow's identity providers, attributes and page inputs for `userFlow` and the declared
 * custom `attributes`, and the problems (key path, value, fix) of what has no meaning in an external
 * tenant. `customAttributeId` resolves a custom attribute to the id Graph gave it
 * (`extension_<b2c-extensions-app id>_<Name>`, read back from Graph, never derived); without it the
 * logical name stands in. Page fields naming an undeclared attribute are skipped (validation reports them).
 */
export function eventsFlowPage<Id = string>(
  userFlow: Pick<UserFlow, "identityProviders" | "page">,
  attributes: readonly CustomAttribute[],
  customAttributeId?: (attribute: CustomAttribute) => Id,
): { page: EventsFlowPage<Id>; problems: EventsFlowPageProblem[] } {
  const problems: EventsFlowPageProblem[] = [];
  const identityProviderIds: ExternalIdentityProviderId[] = [];
  userFlow.identityProviders.forEach((id, i) => {
    if (EXTERNAL_IDPS.has(id)) identityProviderIds.push(id as ExternalIdentityProviderId);
    else
      problems.push({
        path: `userFlow.identityProviders.${i}`,
        value: id,
        message:
          `${WORKFORCE_ONLY_IDPS[id] ?? id} can sign up only in a workforce tenant; an external tenant offers ` +
          `${EXTERNAL_IDENTITY_PROVIDER_IDS.join(", ")} — remove it or replace it with one of those`,
      });
  });

  const custom = new Map(attributes.map((a) => [a.name.toLowerCase(), a]));
  const idOf = (a: CustomAttribute): string | Id => (customAttributeId ? customAttributeId(a) : a.name);
  const flowAttributes: EventsFlowAttribute<Id>[] = [];
  const inputs: EventsFlowInput<Id>[] = [];
  if (!userFlow.page.some((f) => builtInId(f.attribute) === "email")) {
    flowAttributes.push(builtInAttribute("email"));
    inputs.push(emailInput(BUILT_IN_DISPLAY_NAMES.email));
  }
  userFlow.page.forEach((field, i) => {
    const builtIn = builtInId(field.attribute);
    const declared = builtIn ? undefined : custom.get(field.attribute.toLowerCase());
    if (!builtIn && !declared) return;
    const label = field.displayName ?? defaultLabel(field.attribute);
    if (builtIn === "email") {
      flowAttributes.push(builtInAttribute("email"));
      inputs.push(emailInput(label));
      return;
    }
    const dataType = declared?.dataType ?? "string";
    const shape = inputShape(field, dataType);
    if ("problem" in shape) {
      problems.push({
        path: `userFlow.page.${i}.userInputType`,
        value: field.userInputType,
        message: shape.problem,
      });
      return;
    }
    const id = builtIn ?? idOf(declared!);
    flowAttributes.push(
      builtIn
        ? builtInAttribute(builtIn)
        : { id, displayName: declared!.name, dataType, userFlowAttributeType: "custom" },
    );
    inputs.push({
      attribute: id,
      label,
      required: !field.isOptional,
      hidden: false,
      editable: true,
      writeToDirectory: true,
      ...shape,
    });
  });
  return { page: { identityProviderIds, attributes: flowAttributes, inputs }, problems };
}

function builtInAttribute(id: BuiltInAttribute): EventsFlowAttribute<never> {
  return {
    id,
    displayName: BUILT_IN_DISPLAY_NAMES[id],
    dataType: "string",
    userFlowAttributeType: "builtIn",
  };
}

function emailInput(label: string): EventsFlowInput<never> {
  return {
    attribute: "email",
    label,
    inputType: "text",
    required: true,
    hidden: true,
    editable: false,
    writeToDirectory: true,
    options: [],
  };
}

type InputShape = Pick<EventsFlowInput, "inputType" | "validationRegEx" | "defaultValue" | "options">;

/** The input type, regex, default and options of a field, or why the field has no counterpart. */
function inputShape(field: PageField, dataType: AttributeDataType): InputShape | { problem: string } {
  const defaults = field.userAttributeValues.filter((o) => o.isDefault).map((o) => o.value);
  const defaultValue = defaults.length > 0 ? defaults.join(",") : undefined;
  const options = field.userAttributeValues.map((o) => ({ label: o.name, value: o.value }));
  const type = field.userInputType;
  if (type === "dateTimeDropdown")
    return {
      problem:
        "an external tenant's page has no date input (text, radioSingleSelect, checkboxMultiSelect, boolean, " +
        "checkboxSingleSelect only) — use textBox",
    };
  if (dataType === "boolean")
    return {
      inputType: "checkboxSingleSelect",
      options: [],
      ...(defaults.includes("true") ? { defaultValue: "true" } : {}),
    };
  if (dataType === "int64") {
    const validationRegEx =
      options.length > 0 ? `^(?:${options.map((o) => escapeRegex(o.value)).join("|")})$` : INTEGER_REGEX;
    return { inputType: "text", validationRegEx, options: [], ...(defaultValue ? { defaultValue } : {}) };
  }
  switch (type) {
    case "textBox":
      return { inputType: "text", options: [] };
    case "emailBox":
      return { inputType: "text", validationRegEx: EMAIL_REGEX, options: [] };
    case "checkboxMultiSelect":
      return { inputType: "checkboxMultiSelect", options, ...(defaultValue ? { defaultValue } : {}) };
    default:
      return { inputType: "radioSingleSelect", options, ...(defaultValue ? { defaultValue } : {}) };
  }
}
