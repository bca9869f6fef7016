import type { RequestContext } from "../context";
import { notFound } from "../errors";
import type { StoredFlow } from "../types";

/** The flow addressed by `{flowId}`, or 404. Shared by every route below `/identity/b2xUserFlows/{id}`. */
export function findFlow(ctx: RequestContext): StoredFlow {
  const id = ctx.params.flowId ?? "";
  const flow = ctx.store.flow(id);
  if (!flow) throw notFound("b2xIdentityUserFlow", id);
  return flow;
}
