/** `/identity/b2xUserFlows/{id}/userAttributeAssignments`, including getOrder/setOrder. */
import { alreadyExists, badRequest, notFound } from "../errors";
import {
  bodyObject,
  collection,
  entity,
  noContent,
  onlyProperties,
  optionalBoolean,
  requireString,
  type RequestContext,
  type Route,
} from "../context";
import { applySelect, expandSet } from "../odata";
import { sameId } from "../store";
import type { StoredAssignment, StoredAttributeValue, StoredFlow } from "../types";
import { attributeView } from "./attributes";
import { findFlow } from "./findFlow";

const INPUT_TYPES = [
  "textBox",
  "dateTimeDropdown",
  "radioSingleSelect",
  "dropdownSingleSelect",
  "emailBox",
  "checkboxMultiSelect",
];
const UPDATABLE = [
  "displayName",
  "isOptional",
  "requiresVerification",
  "userInputType",
  "userAttributeValues",
];

/** Graph view of an assignment; `userAttribute` only when expanded, as Graph does for navigation properties. */
export function assignmentView(
  ctx: RequestContext,
  a: StoredAssignment,
  expand: boolean,
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    ...a,
    userAttributeValues: a.userAttributeValues.map((v) => ({ ...v })),
  };
  if (expand) {
    const attr = ctx.store.attribute(a.id);
    view.userAttribute = attr ? attributeView(attr) : { id: a.id };
  }
  return view;
}

/**
 * Samples use PascalCase (`TextBox`) while the enum is camelCase (docs/graph-contract.md Appendix B #13):
 * accept both, store camelCase.
 */
function inputType(value: unknown): string {
  const match = INPUT_TYPES.find((t) => typeof value === "string" && sameId(t, value));
  if (!match)
    throw badRequest(`userInputType must be one of ${INPUT_TYPES.join(", ")}; got ${JSON.stringify(value)}.`);
  return match;
}

function attributeValues(value: unknown): StoredAttributeValue[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw badRequest("userAttributeValues must be an array.");
  return value.map((v: unknown) => {
    const item = v && typeof v === "object" ? (v as Record<string, unknown>) : {};
    if (typeof item.name !== "string" || typeof item.value !== "string") {
      throw badRequest("Each userAttributeValues item needs string 'name' and 'value'.");
    }
    return { name: item.name, value: item.value, isDefault: item.isDefault === true };
  });
}

function findAssignment(ctx: RequestContext, flow: StoredFlow): StoredAssignment {
  const id = ctx.params.assignmentId ?? "";
  const a = flow.assignments.find((x) => sameId(x.id, id));
  if (!a) throw notFound("identityUserFlowAttributeAssignment", id);
  return a;
}

function list(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const expand = expandSet(ctx.query.get("$expand")).has("userattribute");
  return collection(
    ctx,
    `identity/b2xUserFlows('${flow.id}')/userAttributeAssignments`,
    flow.assignments.map((a) => applySelect(assignmentView(ctx, a, expand), ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const expand = expandSet(ctx.query.get("$expand")).has("userattribute");
  return entity(
    ctx,
    `identity/b2xUserFlows('${flow.id}')/userAttributeAssignments`,
    applySelect(assignmentView(ctx, findAssignment(ctx, flow), expand), ctx.query.get("$select")),
  );
}

function create(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const body = bodyObject(ctx);
  onlyProperties(body, [...UPDATABLE, "userAttribute", "id"], "a userAttributeAssignment");
  const ref = body.userAttribute as Record<string, unknown> | undefined;
  if (!ref || typeof ref !== "object" || typeof ref.id !== "string") {
    throw badRequest('userAttribute must be {"id": "<userFlowAttribute id>"}.');
  }
  const attr = ctx.store.attribute(ref.id);
  if (!attr) throw badRequest(`User flow attribute '${ref.id}' does not exist; create it first.`);
  if (flow.assignments.some((a) => sameId(a.id, attr.id)))
    throw alreadyExists("user attribute assignment", attr.id);
  const assignment: StoredAssignment = {
    id: attr.id,
    displayName: requireString(body, "displayName"),
    isOptional: optionalBoolean(body, "isOptional", false),
    requiresVerification: optionalBoolean(body, "requiresVerification", false),
    userInputType: inputType(body.userInputType),
    userAttributeValues: attributeValues(body.userAttributeValues),
  };
  // New assignments go to the end of the page order.
  flow.assignments.push(assignment);
  // First use of a custom attribute in any flow materialises its directory extension property
  // (docs/graph-contract.md §2.3).
  const state = ctx.store.state;
  if (
    attr.userFlowAttributeType === "custom" &&
    !state.extensionProperties.some((id) => sameId(id, attr.id))
  ) {
    state.extensionProperties.push(attr.id);
  }
  const path = `/identity/b2xUserFlows/${flow.id}/userAttributeAssignments/${attr.id}`;
  const result = entity(
    ctx,
    `identity/b2xUserFlows('${flow.id}')/userAttributeAssignments`,
    assignmentView(ctx, assignment, false),
    201,
  );
  result.headers = { Location: `${ctx.root}/${ctx.version}${path}` };
  result.createdPath = path;
  return result;
}

/**
 * The update doc conflicts on 200 vs 204 (docs/graph-contract.md Appendix B #3); the emulator answers 204
 * like the example.
 */
function update(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const a = findAssignment(ctx, flow);
  const body = bodyObject(ctx);
  if ("userAttribute" in body) {
    throw badRequest("userAttribute cannot be updated; delete the assignment and create a new one.");
  }
  onlyProperties(body, UPDATABLE, "a userAttributeAssignment");
  const next: StoredAssignment = {
    id: a.id,
    displayName: body.displayName === undefined ? a.displayName : requireString(body, "displayName"),
    isOptional: optionalBoolean(body, "isOptional", a.isOptional),
    requiresVerification: optionalBoolean(body, "requiresVerification", a.requiresVerification),
    userInputType: body.userInputType === undefined ? a.userInputType : inputType(body.userInputType),
    userAttributeValues:
      body.userAttributeValues === undefined
        ? a.userAttributeValues
        : attributeValues(body.userAttributeValues),
  };
  Object.assign(a, next);
  return noContent();
}

function remove(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const a = findAssignment(ctx, flow);
  // Our choice for the UNCONFIRMED defaults: email is the flow's required attribute and stays.
  if (sameId(a.id, "email")) {
    throw badRequest("The 'email' attribute is required by every B2X user flow and cannot be removed.");
  }
  flow.assignments = flow.assignments.filter((x) => x !== a);
  return noContent();
}

function getOrder(ctx: RequestContext) {
  const flow = findFlow(ctx);
  return {
    status: 200,
    body: {
      "@odata.context": `${ctx.root}/${ctx.version}/$metadata#microsoft.graph.assignmentOrder`,
      order: flow.assignments.map((a) => a.id),
    },
  };
}

/**
 * Whether setOrder needs a full permutation is UNCONFIRMED (docs/graph-contract.md §4.3); strict choice: the
 * order must name every current assignment exactly once, otherwise 400 and nothing changes.
 */
function setOrder(ctx: RequestContext) {
  const flow = findFlow(ctx);
  const body = bodyObject(ctx);
  const order = (body.newAssignmentOrder as Record<string, unknown> | undefined)?.order;
  if (!Array.isArray(order) || !order.every((x) => typeof x === "string")) {
    throw badRequest('Body must be {"newAssignmentOrder": {"order": ["<assignment id>", …]}}.');
  }
  const current = flow.assignments.map((a) => a.id);
  const seen = new Set(order.map((x) => x.toLowerCase()));
  const unknown = order.filter((x) => !current.some((c) => sameId(c, x)));
  const missing = current.filter((c) => !seen.has(c.toLowerCase()));
  if (unknown.length > 0 || missing.length > 0 || seen.size !== order.length) {
    throw badRequest(
      `newAssignmentOrder.order must list every current assignment exactly once (current: ${current.join(", ")}` +
        `${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}${missing.length ? `; missing: ${missing.join(", ")}` : ""}).`,
    );
  }
  flow.assignments = order.map((id) => flow.assignments.find((a) => sameId(a.id, id)) as StoredAssignment);
  return noContent();
}

const BASE = "/identity/b2xUserFlows/{flowId}/userAttributeAssignments";

/** Routes of attribute assignments (literal getOrder/setOrder before the `{assignmentId}` pattern). */
export const assignmentRoutes: Route[] = [
  { pattern: BASE, methods: { GET: list, POST: create } },
  { pattern: `${BASE}/getOrder`, methods: { GET: getOrder } },
  { pattern: `${BASE}/setOrder`, methods: { POST: setOrder } },
  { pattern: `${BASE}/{assignmentId}`, methods: { GET: get, PATCH: update, DELETE: remove } },
];
