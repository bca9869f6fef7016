/** `/identity/userFlowAttributes`: built-in and custom user flow attributes. */
import { alreadyExists, badRequest, notFound } from "../errors";
import {
  bodyObject,
  collection,
  entity,
  noContent,
  onlyProperties,
  requireString,
  type RequestContext,
  type Route,
} from "../context";
import { applyFilter, applySelect } from "../odata";
import { sameId } from "../store";
import type { StoredAttribute } from "../types";

const DATA_TYPES = ["string", "boolean", "int64"] as const;
const CONTEXT = "identity/userFlowAttributes";

/** Graph view of an attribute. */
export function attributeView(a: StoredAttribute): Record<string, unknown> {
  const type =
    a.userFlowAttributeType === "custom"
      ? "#microsoft.graph.identityCustomUserFlowAttribute"
      : "#microsoft.graph.identityBuiltInUserFlowAttribute";
  return { "@odata.type": type, ...a };
}

function find(ctx: RequestContext): StoredAttribute {
  const id = ctx.params.attributeId ?? "";
  const attr = ctx.store.attribute(id);
  if (!attr) throw notFound("identityUserFlowAttribute", id);
  return attr;
}

function list(ctx: RequestContext) {
  const views = ctx.store.state.userFlowAttributes.map(attributeView);
  const filtered = applyFilter(views, ctx.query.get("$filter"), [
    "id",
    "displayName",
    "userFlowAttributeType",
    "dataType",
  ]);
  return collection(
    ctx,
    CONTEXT,
    filtered.map((v) => applySelect(v, ctx.query.get("$select"))),
  );
}

function get(ctx: RequestContext) {
  return entity(ctx, CONTEXT, applySelect(attributeView(find(ctx)), ctx.query.get("$select")));
}

function create(ctx: RequestContext) {
  const body = bodyObject(ctx);
  onlyProperties(
    body,
    ["displayName", "description", "dataType", "id", "userFlowAttributeType"],
    "a user flow attribute",
  );
  const displayName = requireString(body, "displayName");
  const dataType = body.dataType;
  if (!DATA_TYPES.includes(dataType as never)) {
    // The create page lists only these three as supported; stringCollection/dateTime are UNCONFIRMED for B2X.
    throw badRequest(`dataType must be one of ${DATA_TYPES.join(", ")}; got ${JSON.stringify(dataType)}.`);
  }
  if (body.description !== undefined && typeof body.description !== "string") {
    throw badRequest("description must be a string.");
  }
  // Name derivation is UNCONFIRMED (docs/graph-contract.md §2.2); the "Shoe size" → "ShoeSize" example
  // suggests whitespace removal. We also refuse names that would not make a valid extension property name.
  const name = displayName.replace(/\s+/g, "");
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    throw badRequest(
      `displayName '${displayName}' must start with a letter and contain only letters, digits, '_' and spaces.`,
    );
  }
  const state = ctx.store.state;
  // External tenants keep custom attributes on the b2c-extensions-app (docs/graph-contract.md §8.1).
  const owner =
    ctx.tenant.tenantType === "CIAM"
      ? (state.applications.find((a) => a.displayName.startsWith("b2c-extensions-app"))?.appId ??
        ctx.extensionsAppId)
      : ctx.extensionsAppId;
  const id = `extension_${owner.replace(/-/g, "")}_${name}`;
  const clash = state.userFlowAttributes.find((a) => sameId(a.displayName, displayName) || sameId(a.id, id));
  if (clash) throw alreadyExists("user flow attribute", clash.id);
  const attr: StoredAttribute = {
    id,
    displayName,
    description: typeof body.description === "string" ? body.description : "",
    userFlowAttributeType: "custom",
    dataType: dataType as StoredAttribute["dataType"],
  };
  state.userFlowAttributes.push(attr);
  const result = entity(ctx, CONTEXT, attributeView(attr), 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/identity/userFlowAttributes('${id}')` };
  result.createdPath = `/identity/userFlowAttributes/${id}`;
  return result;
}

function update(ctx: RequestContext) {
  const attr = find(ctx);
  const body = bodyObject(ctx);
  // The update page: description is the only updatable property; displayName/dataType force a replace.
  onlyProperties(body, ["description"], "a user flow attribute (only description is updatable)");
  if (attr.userFlowAttributeType !== "custom")
    throw badRequest(`Built-in attribute '${attr.id}' cannot be updated.`);
  if (body.description !== undefined) {
    if (typeof body.description !== "string") throw badRequest("description must be a string.");
    attr.description = body.description;
  }
  return noContent();
}

function remove(ctx: RequestContext) {
  const attr = find(ctx);
  if (attr.userFlowAttributeType !== "custom")
    throw badRequest(`Built-in attribute '${attr.id}' cannot be deleted.`);
  const state = ctx.store.state;
  // UNCONFIRMED in Graph (docs/graph-contract.md §2.2); strict choice: refuse while a flow still uses the
  // attribute.
  const users = [
    ...state.b2xUserFlows.filter((f) => f.assignments.some((a) => sameId(a.id, attr.id))).map((f) => f.id),
    ...(state.authenticationEventsFlows ?? [])
      .filter((f) => f.attributeIds.some((a) => sameId(a, attr.id)))
      .map((f) => f.id),
  ];
  if (users.length > 0) {
    throw badRequest(
      `User flow attribute '${attr.id}' is still assigned to user flow(s) ${users.join(", ")}; delete those userAttributeAssignments first.`,
    );
  }
  state.userFlowAttributes = state.userFlowAttributes.filter((a) => a !== attr);
  state.extensionProperties = state.extensionProperties.filter((id) => !sameId(id, attr.id));
  return noContent();
}

/** Routes of user flow attributes. */
export const attributeRoutes: Route[] = [
  { pattern: "/identity/userFlowAttributes", methods: { GET: list, POST: create } },
  {
    pattern: "/identity/userFlowAttributes/{attributeId}",
    methods: { GET: get, PATCH: update, DELETE: remove },
  },
];
