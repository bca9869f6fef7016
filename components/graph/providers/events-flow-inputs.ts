/**
 * The inputs of an external-tenant sign-up flow (`externalUsersSelfServiceSignUpEventsFlow`) in Graph's
 * words, their validation, and the comparisons the provider diffs with (docs/graph-contract.md §8.2). https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow
 */
import type { GraphConnection } from "../connection";
import { changed, checkConnection, isUnknown, requireString, sameCi, type Problem } from "./common";

export const attachVariants = ["betaRef", "betaListener", "v1Patch"] as const;
export type AttachVariant = (typeof attachVariants)[number];
export const pageInputTypes = [
  "text",
  "radioSingleSelect",
  "checkboxMultiSelect",
  "boolean",
  "checkboxSingleSelect",
] as const;
export type PageInputType = (typeof pageInputTypes)[number];
const choiceTypes: readonly string[] = ["radioSingleSelect", "checkboxMultiSelect", "checkboxSingleSelect"];

/** One attribute of the flow (`onAttributeCollection.attributes`). */
export interface FlowAttribute {
  readonly id: string;
  readonly displayName: string;
  readonly dataType: "string" | "boolean" | "int64";
  readonly userFlowAttributeType: "builtIn" | "custom";
}

/** One page input (`authenticationAttributeCollectionInputConfiguration`); omitted fields keep Graph's default. */
export interface PageInput {
  readonly attribute: string;
  readonly label: string;
  readonly inputType: PageInputType;
  readonly required?: boolean;
  readonly hidden?: boolean;
  readonly editable?: boolean;
  readonly writeToDirectory?: boolean;
  readonly validationRegEx?: string;
  readonly defaultValue?: string;
  readonly options?: readonly { readonly label: string; readonly value: string }[];
}

export interface AuthenticationEventsFlowInputs {
  readonly connection: GraphConnection;
  readonly displayName: string;
  readonly description?: string;
  readonly identityProviderIds: readonly string[];
  readonly attributes: readonly FlowAttribute[];
  readonly inputs: readonly PageInput[];
  readonly isSignUpAllowed: boolean;
  readonly includeApplications: readonly string[];
  readonly onAttributeCollectionStartExtensionId?: string;
  readonly onAttributeCollectionSubmitExtensionId?: string;
  readonly attachVariant: AttachVariant;
  readonly adoptExisting: boolean;
  /** Computed at check: the page inputs this change removes (shown in the preview). */
  readonly removedPageInputs?: readonly string[];
}

/** How one Start/Submit slot is wired, as the provider last saw it. */
export interface SlotWiring {
  readonly extensionId: string;
  readonly via: AttachVariant;
  /** `betaListener` only: the listener that carries the handler. */
  readonly listenerId?: string;
}

export const slots = ["onAttributeCollectionStart", "onAttributeCollectionSubmit"] as const;
export type Slot = (typeof slots)[number];
export const slotInput = {
  onAttributeCollectionStart: "onAttributeCollectionStartExtensionId",
  onAttributeCollectionSubmit: "onAttributeCollectionSubmitExtensionId",
} as const;

export interface AuthenticationEventsFlowOutputs extends AuthenticationEventsFlowInputs {
  readonly flowId: string;
  readonly wiring: Partial<Record<Slot, SlotWiring>>;
  /** False when a create or update stopped half-way: the next run finishes it. */
  readonly converged: boolean;
  readonly createdAt?: string;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `inputType` in Graph's casing (examples also send `Text`), or the value as given. */
export const canonicalInputType = (v: unknown): PageInputType =>
  (pageInputTypes.find((t) => typeof v === "string" && sameCi(t, v)) ?? v) as PageInputType;

function normalizeInput(raw: Record<string, unknown>): PageInput {
  const out: Record<string, unknown> = { ...raw, inputType: canonicalInputType(raw.inputType) };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as PageInput;
}

export function normalizeFlowInputs(raw: Record<string, unknown>): AuthenticationEventsFlowInputs {
  const list = <T>(v: unknown, f: (x: Record<string, unknown>) => T): T[] =>
    Array.isArray(v) ? v.map((x) => (isUnknown(x) || !x || typeof x !== "object" ? x : f(x))) : (v as T[]);
  return {
    connection: raw.connection as GraphConnection,
    displayName: raw.displayName as string,
    ...(raw.description === undefined ? {} : { description: raw.description as string }),
    identityProviderIds: (raw.identityProviderIds ?? ["EmailPassword-OAUTH"]) as string[],
    attributes: list(raw.attributes ?? [], (a) => a as unknown as FlowAttribute),
    inputs: list(raw.inputs ?? [], normalizeInput),
    isSignUpAllowed: (raw.isSignUpAllowed ?? true) as boolean,
    includeApplications: (raw.includeApplications ?? []) as string[],
    ...(raw.onAttributeCollectionStartExtensionId === undefined
      ? {}
      : { onAttributeCollectionStartExtensionId: raw.onAttributeCollectionStartExtensionId as string }),
    ...(raw.onAttributeCollectionSubmitExtensionId === undefined
      ? {}
      : { onAttributeCollectionSubmitExtensionId: raw.onAttributeCollectionSubmitExtensionId as string }),
    attachVariant: (raw.attachVariant ?? "betaRef") as AttachVariant,
    adoptExisting: (raw.adoptExisting ?? false) as boolean,
  };
}

const known = (v: unknown): boolean => !isUnknown(v);

function validateAttributes(attrs: unknown, problems: Problem[]): void {
  if (!known(attrs)) return;
  if (!Array.isArray(attrs)) {
    problems.push([
      "attributes",
      "attributes: must be a list of {id, displayName, dataType, userFlowAttributeType}",
    ]);
    return;
  }
  attrs.forEach((a, i) => {
    if (!known(a)) return;
    const o = (a ?? {}) as Record<string, unknown>;
    const at = `attributes[${i}]`;
    if (known(o.id) && (typeof o.id !== "string" || o.id === ""))
      problems.push([
        "attributes",
        `${at}.id: required (a built-in name like "city" or a UserFlowAttribute's attributeId)`,
      ]);
    if (known(o.displayName) && (typeof o.displayName !== "string" || o.displayName === ""))
      problems.push(["attributes", `${at}.displayName: required non-empty string`]);
    if (known(o.dataType) && !["string", "boolean", "int64"].includes(o.dataType as string))
      problems.push([
        "attributes",
        `${at}.dataType: ${JSON.stringify(o.dataType)} is not one of string, boolean, int64`,
      ]);
    if (known(o.userFlowAttributeType) && !["builtIn", "custom"].includes(o.userFlowAttributeType as string))
      problems.push([
        "attributes",
        `${at}.userFlowAttributeType: ${JSON.stringify(o.userFlowAttributeType)} is not "builtIn" or "custom"`,
      ]);
    const dup = attrs.findIndex((b) => sameCi((b as { id?: string })?.id, o.id as string));
    if (typeof o.id === "string" && dup !== i)
      problems.push([
        "attributes",
        `${at}.id: ${JSON.stringify(o.id)} is listed twice (also attributes[${dup}])`,
      ]);
  });
}

function validateInput(o: Record<string, unknown>, at: string, attrs: unknown, problems: Problem[]): void {
  if (typeof o.attribute !== "string" || o.attribute === "") {
    if (known(o.attribute)) problems.push(["inputs", `${at}.attribute: required attribute id`]);
  } else if (
    Array.isArray(attrs) &&
    attrs.every((a) => known(a) && known((a as { id?: unknown })?.id)) &&
    !attrs.some((a) => sameCi((a as { id?: string }).id, o.attribute as string))
  ) {
    problems.push([
      "inputs",
      `${at}.attribute: ${JSON.stringify(o.attribute)} is not one of the flow's attributes; add {id: ${JSON.stringify(o.attribute)}, …} to attributes or remove the input`,
    ]);
  }
  if (known(o.label) && (typeof o.label !== "string" || o.label === ""))
    problems.push(["inputs", `${at}.label: required non-empty string (shown to the user)`]);
  const type = canonicalInputType(o.inputType);
  if (known(o.inputType) && !pageInputTypes.includes(type))
    problems.push([
      "inputs",
      `${at}.inputType: ${JSON.stringify(o.inputType)} is not one of ${pageInputTypes.join(", ")}`,
    ]);
  for (const k of ["required", "hidden", "editable", "writeToDirectory"])
    if (o[k] !== undefined && known(o[k]) && typeof o[k] !== "boolean")
      problems.push(["inputs", `${at}.${k}: ${JSON.stringify(o[k])} must be true or false`]);
  if (typeof o.validationRegEx === "string") {
    try {
      new RegExp(o.validationRegEx);
    } catch {
      problems.push([
        "inputs",
        `${at}.validationRegEx: ${JSON.stringify(o.validationRegEx)} is not a valid regular expression`,
      ]);
    }
  }
  const options = o.options;
  if (options !== undefined && known(options)) {
    const okOptions =
      Array.isArray(options) &&
      options.every((x) => typeof x?.label === "string" && typeof x?.value === "string");
    if (!okOptions) problems.push(["inputs", `${at}.options: must be a list of {label, value} strings`]);
    else if (options.length > 0 && pageInputTypes.includes(type) && !choiceTypes.includes(type))
      problems.push([
        "inputs",
        `${at}.options: only ${choiceTypes.join(", ")} inputs take options (inputType is ${type})`,
      ]);
  }
  if (
    choiceTypes.includes(type) &&
    type !== "checkboxSingleSelect" &&
    (!Array.isArray(options) || options.length === 0) &&
    known(options)
  )
    problems.push(["inputs", `${at}.options: a ${type} input needs at least one {label, value} option`]);
}

/** Every problem with the inputs that can be seen without Graph (key path, bad value, fix). */
export function validateFlowInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  requireString(raw, "displayName", problems);
  const idps = raw.identityProviderIds;
  if (idps !== undefined && known(idps)) {
    if (!Array.isArray(idps) || idps.length === 0)
      problems.push([
        "identityProviderIds",
        'identityProviderIds: a flow needs at least one identity provider, e.g. ["EmailPassword-OAUTH"]',
      ]);
    else
      idps.forEach((id, i) => {
        if (known(id) && (typeof id !== "string" || id === ""))
          problems.push([
            "identityProviderIds",
            `identityProviderIds[${i}]: required id like "EmailOtpSignup-OAUTH"`,
          ]);
      });
  }
  validateAttributes(raw.attributes, problems);
  const inputs = raw.inputs;
  if (inputs !== undefined && known(inputs)) {
    if (!Array.isArray(inputs))
      problems.push(["inputs", "inputs: must be a list of page inputs in page order"]);
    else
      inputs.forEach((x, i) => {
        if (!known(x)) return;
        validateInput((x ?? {}) as Record<string, unknown>, `inputs[${i}]`, raw.attributes, problems);
        const attr = (x as { attribute?: unknown })?.attribute;
        const first = inputs.findIndex(
          (y) => typeof attr === "string" && sameCi((y as { attribute?: string })?.attribute, attr),
        );
        if (typeof attr === "string" && first !== i)
          problems.push([
            "inputs",
            `inputs[${i}].attribute: ${JSON.stringify(attr)} is already on the page at inputs[${first}]`,
          ]);
      });
  }
  const apps = raw.includeApplications;
  if (apps !== undefined && known(apps)) {
    if (!Array.isArray(apps))
      problems.push([
        "includeApplications",
        "includeApplications: must be a list of application (client) ids",
      ]);
    else
      apps.forEach((a, i) => {
        if (known(a) && (typeof a !== "string" || !guid.test(a)))
          problems.push([
            "includeApplications",
            `includeApplications[${i}]: ${JSON.stringify(a)} is not an application (client) id GUID (use the app registration's appId, not its object id)`,
          ]);
      });
  }
  if (
    raw.isSignUpAllowed !== undefined &&
    known(raw.isSignUpAllowed) &&
    typeof raw.isSignUpAllowed !== "boolean"
  )
    problems.push([
      "isSignUpAllowed",
      `isSignUpAllowed: ${JSON.stringify(raw.isSignUpAllowed)} must be true or false`,
    ]);
  for (const k of Object.values(slotInput)) {
    const v = raw[k];
    if (v !== undefined && known(v) && (typeof v !== "string" || v === ""))
      problems.push([k, `${k}: ${JSON.stringify(v)} must be a CustomAuthenticationExtension's extensionId`]);
  }
  const variant = raw.attachVariant;
  if (variant !== undefined && known(variant) && !attachVariants.includes(variant as AttachVariant))
    problems.push([
      "attachVariant",
      `attachVariant: ${JSON.stringify(variant)} is not one of ${attachVariants.join(", ")}`,
    ]);
  return problems;
}

/** `"city (City)"` for each input of `olds` whose attribute is no longer on the page in `news`. */
export function removedInputs(olds: readonly PageInput[] | undefined, news: readonly PageInput[]): string[] {
  // Unknown during preview (e.g. a new attribute id): which inputs go cannot be told yet.
  if (
    !Array.isArray(olds) ||
    !Array.isArray(news) ||
    news.some((n) => isUnknown(n) || isUnknown(n?.attribute))
  )
    return [];
  return olds
    .filter((o) => o && !news.some((n) => sameCi(n?.attribute, o.attribute)))
    .map((o) => `${o.attribute} (${o.label})`);
}

/** Same members, ignoring case and order. */
export const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length &&
  a.every((x) => b.some((y) => sameCi(x, y))) &&
  b.every((y) => a.some((x) => sameCi(x, y)));

/** `read` in the known order when it is the same set (Graph's list order is not guaranteed). */
export const inKnownOrder = (read: readonly string[], knownOrder: readonly string[] | undefined): string[] =>
  knownOrder && sameSet(read, knownOrder) ? [...knownOrder] : [...read];

/**
 * A page read from Graph, seen through the fields the desired page sets: Graph fills omitted fields
 * with its defaults, which are not a difference. Order is kept (it is the page order).
 */
export function pageAsDesired(
  read: readonly Record<string, unknown>[],
  desired: readonly PageInput[],
): PageInput[] {
  return read.map((r) => {
    const want = desired.find((d) => sameCi(d.attribute, r.attribute as string));
    const full = normalizeInput(r);
    if (!want) return full;
    const keys = Object.keys(want);
    return Object.fromEntries(
      keys.map((k) => [k, (full as unknown as Record<string, unknown>)[k]]),
    ) as unknown as PageInput;
  });
}

export const samePage = (a: readonly PageInput[], b: readonly PageInput[]): boolean =>
  a.length === b.length &&
  a.every(
    (x, i) =>
      sameCi(x.attribute, b[i]?.attribute) && !changed({ ...x, attribute: "" }, { ...b[i], attribute: "" }),
  );
