/** `/policies/authenticationFlowsPolicy`: the tenant toggle for guest self-service sign-up. */
import { badRequest } from "../errors";
import { bodyObject, entity, noContent, onlyProperties, type RequestContext, type Route } from "../context";

function get(ctx: RequestContext) {
  return entity(ctx, "policies/authenticationFlowsPolicy", {
    id: "authenticationFlowsPolicy",
    displayName: "Authentication flows policy",
    description:
      "Authentication flows policy allows modification of settings related to authentication flows in AAD tenant, such as self-service sign up configuration.",
    selfServiceSignUp: { ...ctx.store.state.authenticationFlowsPolicy.selfServiceSignUp },
  });
}

function patch(ctx: RequestContext) {
  const body = bodyObject(ctx);
  // The update page: id, description and type cannot be modified; only selfServiceSignUp can.
  onlyProperties(body, ["selfServiceSignUp"], "authenticationFlowsPolicy");
  const ssu = body.selfServiceSignUp;
  if (ssu !== undefined) {
    if (!ssu || typeof ssu !== "object" || typeof (ssu as Record<string, unknown>).isEnabled !== "boolean") {
      throw badRequest('selfServiceSignUp must be {"isEnabled": true|false}.');
    }
    ctx.store.state.authenticationFlowsPolicy.selfServiceSignUp.isEnabled = (
      ssu as { isEnabled: boolean }
    ).isEnabled;
  }
  return noContent();
}

/** Routes of the tenant toggle. */
export const policyRoutes: Route[] = [
  { pattern: "/policies/authenticationFlowsPolicy", methods: { GET: get, PATCH: patch } },
];
