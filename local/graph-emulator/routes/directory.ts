/** Directory users: `/users` (guests the simulator signs up). Applications: applications.ts. */
import { randomUUID } from "node:crypto";
import { badRequest, notFound } from "../errors";
import {
  bodyObject,
  collection,
  entity,
  noContent,
  requireString,
  type RequestContext,
  type Route,
} from "../context";
import { applyFilter, applySelect } from "../odata";
import { sameId } from "../store";
import type { StoredUser } from "../types";

/** Directory (not CPIM) endpoints answer validation errors with this code. */
const DIRECTORY_BAD_REQUEST = "Request_BadRequest";
const USER_PROPERTIES = [
  "accountEnabled",
  "city",
  "companyName",
  "country",
  "creationType",
  "displayName",
  "externalUserState",
  "givenName",
  "identities",
  "jobTitle",
  "mail",
  "mailNickname",
  "mobilePhone",
  "otherMails",
  "postalCode",
  "state",
  "streetAddress",
  "surname",
  "userPrincipalName",
  "userType",
];
const EXTENSION_KEY = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;

function findUser(ctx: RequestContext): StoredUser {
  const id = ctx.params.userId ?? "";
  const user = ctx.store.state.users.find(
    (u) => sameId(u.id, id) || sameId(String(u.userPrincipalName ?? ""), id),
  );
  if (!user) throw notFound("user", id);
  return user;
}

function listUsers(ctx: RequestContext) {
  const filtered = applyFilter(ctx.store.state.users, ctx.query.get("$filter"), [
    "id",
    "mail",
    "displayName",
    "userType",
    "userPrincipalName",
  ]);
  return collection(
    ctx,
    "users",
    filtered.map((u) => applySelect({ ...u }, ctx.query.get("$select"))),
  );
}

function getUser(ctx: RequestContext) {
  return entity(ctx, "users", applySelect({ ...findUser(ctx) }, ctx.query.get("$select")));
}

/**
 * Extension properties exist only once their attribute has been used in a flow (docs/graph-contract.md §2.3),
 * and their value must match the attribute's dataType.
 */
function checkExtensions(ctx: RequestContext, body: Record<string, unknown>): void {
  const keys = Object.keys(body).filter((k) => k.toLowerCase().startsWith("extension_"));
  const unavailable = keys.filter(
    (k) => !EXTENSION_KEY.test(k) || !ctx.store.state.extensionProperties.some((id) => sameId(id, k)),
  );
  if (unavailable.length > 0) {
    throw badRequest(
      `The following extension properties are not available: ${unavailable.join(",")}.`,
      DIRECTORY_BAD_REQUEST,
    );
  }
  for (const key of keys) {
    const attr = ctx.store.attribute(key);
    const value = body[key];
    const okType =
      attr?.dataType === "boolean"
        ? typeof value === "boolean"
        : attr?.dataType === "int64"
          ? typeof value === "number" && Number.isInteger(value)
          : typeof value === "string";
    if (!okType) {
      throw badRequest(
        `Invalid value for extension property '${key}': expected ${attr?.dataType ?? "string"}.`,
        DIRECTORY_BAD_REQUEST,
      );
    }
  }
}

function createUser(ctx: RequestContext) {
  const body = bodyObject(ctx);
  const unknown = Object.keys(body).filter(
    (k) => k !== "@odata.type" && !k.toLowerCase().startsWith("extension_") && !USER_PROPERTIES.includes(k),
  );
  if (unknown.length > 0) throw badRequest(`Invalid property '${unknown[0] ?? ""}'.`, DIRECTORY_BAD_REQUEST);
  const displayName = requireString(body, "displayName");
  checkExtensions(ctx, body);
  if (body.identities !== undefined && !Array.isArray(body.identities)) {
    throw badRequest(
      "identities must be an array of {signInType, issuer, issuerAssignedId}.",
      DIRECTORY_BAD_REQUEST,
    );
  }
  const mail = typeof body.mail === "string" ? body.mail : undefined;
  const upn =
    typeof body.userPrincipalName === "string"
      ? body.userPrincipalName
      : `${(mail ?? randomUUID()).replace("@", "_")}#EXT#@emulator.onmicrosoft.com`;
  const users = ctx.store.state.users;
  if (users.some((u) => sameId(String(u.userPrincipalName ?? ""), upn))) {
    throw badRequest(
      "Another object with the same value for property userPrincipalName already exists.",
      DIRECTORY_BAD_REQUEST,
    );
  }
  const { ["@odata.type"]: _type, ...props } = body;
  const user: StoredUser = {
    ...props,
    id: randomUUID(),
    displayName,
    userPrincipalName: upn,
    userType: typeof body.userType === "string" ? body.userType : "Guest",
    createdDateTime: new Date().toISOString(),
  };
  users.push(user);
  const result = entity(ctx, "users", { ...user }, 201);
  result.headers = { Location: `${ctx.root}/${ctx.version}/users/${user.id}` };
  result.createdPath = `/users/${user.id}`;
  return result;
}

function deleteUser(ctx: RequestContext) {
  const user = findUser(ctx);
  const state = ctx.store.state;
  state.users = state.users.filter((u) => u !== user);
  return noContent();
}

/** Routes of directory objects. */
export const directoryRoutes: Route[] = [
  { pattern: "/users", methods: { GET: listUsers, POST: createUser } },
  { pattern: "/users/{userId}", methods: { GET: getUser, DELETE: deleteUser } },
];
