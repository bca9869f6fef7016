/**
 * Reads the tenant the way Entra sees it at sign-up time: flows, their identity providers, attribute
 * assignments in page order, and the connector wired to each step with its credentials. The credentials
 * come from the emulator-only admin route, because the simulator plays Entra, which knows the secret.
 */
import { CONNECTOR_STEPS } from "../../contract/userFlow";
import type {
  ConnectorAuth,
  ConnectorStep,
  FieldOption,
  FlowConnector,
  FlowField,
  FlowIdentityProvider,
  FlowModel,
} from "./types";

const INPUT_TYPES = [
  "textBox",
  "dateTimeDropdown",
  "radioSingleSelect",
  "dropdownSingleSelect",
  "emailBox",
  "checkboxMultiSelect",
];
const STEPS: readonly ConnectorStep[] = CONNECTOR_STEPS;
const CUSTOM_ID = /^extension_[0-9a-f]{32}_(.+)$/i;

/** A custom attribute's logical name (`extension_<appId>_PartnerRole` → `PartnerRole`); other ids as they are. */
export function shortAttributeName(id: string): string {
  return CUSTOM_ID.exec(id)?.[1] ?? id;
}

type Json = Record<string, unknown>;

/** A Graph call that did not answer 2xx. */
export class GraphCallError extends Error {
  constructor(
    readonly status: number,
    method: string,
    path: string,
    detail: string,
  ) {
    super(`Graph ${status} on ${method} ${path}: ${detail}`);
    this.name = "GraphCallError";
  }
}

/** A small Graph client for the emulator (any Bearer token is accepted there). */
export class GraphReader {
  readonly root: string;

  constructor(graphUrl: string) {
    this.root = graphUrl.replace(/\/+$/, "");
  }

  /** Calls `/v1.0<path>` (or a `/beta/…` path, or an absolute admin path starting with `/_emulator/`). */
  async call(method: string, path: string, body?: unknown): Promise<Json> {
    const absolute = path.startsWith("/_emulator/") || path.startsWith("/beta/");
    const url = absolute ? `${this.root}${path}` : `${this.root}/v1.0${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          Authorization: "Bearer sign-up-simulator",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new Error(`the Graph emulator at ${this.root} is not reachable (${(err as Error).message})`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Json) : {};
    if (!res.ok) {
      const error = json.error as { code?: string; message?: string } | undefined;
      throw new GraphCallError(
        res.status,
        method,
        path,
        `${error?.code ?? ""} ${error?.message ?? text}`.trim(),
      );
    }
    return json;
  }

  /** Ids of the tenant's B2X user flows. */
  async flowIds(): Promise<string[]> {
    const body = await this.call("GET", "/identity/b2xUserFlows");
    return values(body).map((f) => String(f.id));
  }

  /** Everything the sign-up pages need about one flow, read fresh. */
  async flow(flowId: string): Promise<FlowModel> {
    const base = `/identity/b2xUserFlows/${encodeURIComponent(flowId)}`;
    const [idps, assignments, order, wiring] = await Promise.all([
      this.call("GET", `${base}/userFlowIdentityProviders`),
      this.call("GET", `${base}/userAttributeAssignments?$expand=userAttribute`),
      this.call("GET", `${base}/userAttributeAssignments/getOrder`),
      this.call(
        "GET",
        `${base}/apiConnectorConfiguration?$expand=postFederationSignup,postAttributeCollection`,
      ),
    ]);
    const connectors: Partial<Record<ConnectorStep, FlowConnector>> = {};
    await Promise.all(
      STEPS.map(async (step) => {
        const c = wiring[step] as Json | null | undefined;
        if (c && typeof c.id === "string") connectors[step] = await this.connector(c);
      }),
    );
    return {
      id: flowId,
      identityProviders: values(idps).map(toIdentityProvider),
      fields: inPageOrder(values(assignments).map(toField), order),
      connectors,
    };
  }

  /** Creates the guest user the way Entra does once sign-up completes. */
  async createUser(user: Json): Promise<Json> {
    return this.call("POST", "/users", user);
  }

  private async connector(view: Json): Promise<FlowConnector> {
    const id = String(view.id);
    const creds = await this.call("GET", `/_emulator/connectors/${encodeURIComponent(id)}/credentials`);
    const auth: ConnectorAuth =
      creds.type === "basic"
        ? { type: "basic", username: String(creds.username), password: String(creds.password) }
        : { type: "certificate" };
    return { id, displayName: String(view.displayName ?? id), targetUrl: String(view.targetUrl), auth };
  }
}

function values(body: Json): Json[] {
  return Array.isArray(body.value) ? (body.value as Json[]) : [];
}

function toIdentityProvider(p: Json): FlowIdentityProvider {
  return {
    id: String(p.id),
    displayName: String(p.displayName ?? p.id),
    type: String(p.identityProviderType ?? ""),
  };
}

function toField(a: Json): FlowField {
  const attribute = (a.userAttribute ?? {}) as Json;
  const id = String(a.id);
  const custom = attribute.userFlowAttributeType === "custom" || CUSTOM_ID.test(id);
  const rawType = String(a.userInputType ?? "textBox");
  const dataType =
    attribute.dataType === "boolean" || attribute.dataType === "int64" ? attribute.dataType : "string";
  return {
    id,
    name: shortAttributeName(id),
    label: String(a.displayName ?? id),
    description: typeof attribute.description === "string" ? attribute.description.trim() : "",
    // Samples use PascalCase (`TextBox`); compare case-insensitively (docs/graph-contract.md §4.3).
    inputType: INPUT_TYPES.find((t) => t.toLowerCase() === rawType.toLowerCase()) ?? "textBox",
    optional: a.isOptional === true,
    requiresVerification: a.requiresVerification === true,
    options: (Array.isArray(a.userAttributeValues) ? (a.userAttributeValues as Json[]) : []).map(
      (v): FieldOption => ({
        label: String(v.name),
        value: String(v.value),
        isDefault: v.isDefault === true,
      }),
    ),
    dataType,
    custom,
  };
}

function inPageOrder(fields: FlowField[], order: Json): FlowField[] {
  const ids = Array.isArray(order.order) ? (order.order as unknown[]).map(String) : [];
  const rank = (f: FlowField) => {
    const i = ids.findIndex((id) => id.toLowerCase() === f.id.toLowerCase());
    return i < 0 ? ids.length : i;
  };
  // Stable sort: assignments missing from getOrder keep their listed order at the end.
  return [...fields].sort((a, b) => rank(a) - rank(b));
}
