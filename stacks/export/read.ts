/**
 * Reads a tenant into a {@link TenantSnapshot} with the providers' own Graph client and credentials
 * (components/graph). Only GET calls; a 403 is turned into an error naming the missing read permission
 * (docs/permissions.md).
 */
import { graphApi, type GraphApi } from "../../components/graph/client";
import type { GraphConnection } from "../../components/graph/connection";
import { graphStatus, permissionFor } from "../../components/graph/errors";
import type {
  GraphApiConnector,
  GraphAssignment,
  GraphFlowSnapshot,
  GraphListener,
  GraphSocialProvider,
  GraphUserFlowAttribute,
  TenantSnapshot,
} from "./snapshot";

/** A read the identity is not allowed to make. */
export class ReadPermissionError extends Error {
  constructor(
    readonly path: string,
    readonly permission: string,
  ) {
    super(
      `Graph refused GET ${path} (403): the identity running the export lacks ${permission}. ` +
        "Grant it (docs/permissions.md lists every permission and its app-role id), admin-consent, and run the export again.",
    );
    this.name = "ReadPermissionError";
  }
}

async function guarded<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (graphStatus(e) === 403) {
      throw new ReadPermissionError(
        path,
        permissionFor("GET", path.split("?")[0]!) ?? "a Graph read permission",
      );
    }
    throw e;
  }
}

const STEPS = ["postFederationSignup", "postAttributeCollection"] as const;

/** Every object the stack config can describe, read with GET calls only. */
export async function readTenant(connection: GraphConnection): Promise<TenantSnapshot> {
  const api = graphApi(connection);
  const listenerApi = graphApi(connection, "listener");
  const get = <T>(a: GraphApi, path: string) => guarded(path, () => a.get<T>(path));
  const list = <T>(a: GraphApi, path: string) => guarded(path, () => a.list<T>(path));

  const policy = await get<{ selfServiceSignUp?: { isEnabled?: boolean } }>(
    api,
    "/policies/authenticationFlowsPolicy",
  );
  const attributes = await list<GraphUserFlowAttribute>(api, "/identity/userFlowAttributes");
  const connectors = await list<GraphApiConnector>(api, "/identity/apiConnectors");
  const providers = await list<GraphSocialProvider & { "@odata.type"?: string }>(
    api,
    "/identity/identityProviders",
  );
  const flowIds = (await list<{ id: string }>(api, "/identity/b2xUserFlows")).map((f) => f.id);
  const flows: GraphFlowSnapshot[] = [];
  for (const id of flowIds) {
    const base = `/identity/b2xUserFlows/${encodeURIComponent(id)}`;
    const idps = await list<{ id: string }>(api, `${base}/userFlowIdentityProviders`);
    const assignments = await list<GraphAssignment>(api, `${base}/userAttributeAssignments`);
    const order = await get<{ order?: string[] }>(api, `${base}/userAttributeAssignments/getOrder`);
    const slots = await get<Record<string, { id?: string } | null | undefined>>(
      api,
      `${base}/apiConnectorConfiguration?$expand=${STEPS.join(",")}`,
    );
    const position = (a: GraphAssignment) => {
      const i = (order.order ?? []).findIndex((o) => o.toLowerCase() === a.id.toLowerCase());
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const connectorSteps: GraphFlowSnapshot["connectorSteps"] = {};
    for (const step of STEPS) {
      const slot = slots[step];
      if (slot?.id) connectorSteps[step] = slot.id;
    }
    flows.push({
      id,
      identityProviders: idps.map((p) => p.id),
      assignments: [...assignments].sort((a, b) => position(a) - position(b)),
      connectorSteps,
    });
  }
  const rawListeners = await list<{
    id: string;
    priority: number;
    sourceFilter?: { includeApplications?: string[] };
    userFlow?: { id?: string } | null;
  }>(listenerApi, "/identity/events/onSignupStart?$expand=microsoft.graph.invokeUserFlowListener/userFlow");
  const listeners: GraphListener[] = rawListeners.map((l) => ({
    id: l.id,
    priority: l.priority,
    includeApplications: l.sourceFilter?.includeApplications ?? [],
    userFlowId: l.userFlow?.id ?? undefined,
  }));
  return {
    selfServiceSignUpEnabled: policy.selfServiceSignUp?.isEnabled ?? false,
    attributes,
    flows,
    connectors,
    listeners,
    socialProviders: providers
      .filter((p) => p["@odata.type"] === "#microsoft.graph.socialIdentityProvider")
      .map((p) => ({ id: p.id, identityProviderType: p.identityProviderType, clientId: p.clientId })),
  };
}
