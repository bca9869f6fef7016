/** Fixtures for the sign-up simulator tests: a Graph caller, a scripted fake connector and a flow builder. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

// Tests index into Graph JSON freely; the simulator's own types are checked in its code.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Calls Graph (emulator) at `root` the way a client would; returns status and parsed body. */
export function graph(root: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const url = path.startsWith("/_emulator/") ? `${root}${path}` : `${root}/v1.0${path}`;
    const res = await fetch(url, {
      method,
      headers: {
        Authorization: "Bearer test",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** A scripted answer of the fake connector; `delayMs` holds the response back (for timeouts). */
export interface Script {
  status?: number;
  body: unknown;
  delayMs?: number;
}

/** One request the fake connector received. */
export interface Received {
  path: string;
  authorization: string | undefined;
  body: Json;
}

/** A connector on a free port answering each path from its queue (default: Continue with no claims). */
export async function fakeConnector() {
  const queues = new Map<string, Script[]>();
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({
        path,
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"),
      });
      const next = queues.get(path)?.shift() ?? { body: { version: "1.0.0", action: "Continue" } };
      const send = () => {
        if (res.destroyed) return;
        res
          .writeHead(next.status ?? 200, { "Content-Type": "application/json" })
          .end(JSON.stringify(next.body));
      };
      if (next.delayMs) setTimeout(send, next.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    script(path: string, ...answers: Script[]) {
      queues.set(path, [...(queues.get(path) ?? []), ...answers]);
    },
    reset() {
      queues.clear();
      received.splice(0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Builds `B2X_1_<name>` over Graph: custom attributes, assignments in order and both connector steps. */
export async function createFlow(
  call: ReturnType<typeof graph>,
  opts: { name: string; connectorUrl: string; username: string; password: string },
): Promise<{ flowId: string; ids: Record<string, string> }> {
  const ids: Record<string, string> = {};
  for (const name of ["CompanyName", "PartnerRole", "Newsletter"]) {
    const dataType = name === "Newsletter" ? "boolean" : "string";
    ids[name] = (await call("POST", "/identity/userFlowAttributes", { displayName: name, dataType })).body.id;
  }
  const created = await call("POST", "/identity/b2xUserFlows", {
    id: opts.name,
    userFlowType: "signUpOrSignIn",
    userFlowTypeVersion: 1,
  });
  const flowId: string = created.body.id;
  const base = `/identity/b2xUserFlows/${flowId}`;
  await call("POST", `${base}/userFlowIdentityProviders/$ref`, {
    "@odata.id": `${graphRoot(call)}/v1.0/identity/identityProviders/EmailOtpSignup-OAUTH`,
  });
  const assign = (id: string, displayName: string, extra: Record<string, unknown> = {}) =>
    call("POST", `${base}/userAttributeAssignments`, {
      displayName,
      isOptional: false,
      requiresVerification: false,
      userInputType: "textBox",
      userAttributeValues: [],
      userAttribute: { id },
      ...extra,
    });
  await assign("givenName", "Given name");
  await assign(ids.CompanyName!, "Company name");
  await assign(ids.PartnerRole!, "Partner role", { isOptional: true });
  await assign(ids.Newsletter!, "Newsletter", {
    isOptional: true,
    userInputType: "radioSingleSelect",
    userAttributeValues: [
      { name: "Yes", value: "true", isDefault: false },
      { name: "No", value: "false", isDefault: true },
    ],
  });
  await assign("city", "City", { isOptional: true });
  // Page order differs from creation order: the simulator must follow getOrder.
  await call("POST", `${base}/userAttributeAssignments/setOrder`, {
    newAssignmentOrder: {
      order: ["email", ids.CompanyName, "givenName", ids.PartnerRole, ids.Newsletter, "city"],
    },
  });
  for (const step of ["postFederationSignup", "postAttributeCollection"]) {
    const connector = await call("POST", "/identity/apiConnectors", {
      displayName: `sim ${step}`,
      targetUrl: `${opts.connectorUrl}/api/${step}`,
      authenticationConfiguration: {
        "@odata.type": "#microsoft.graph.basicAuthentication",
        username: opts.username,
        password: opts.password,
      },
    });
    await call("PUT", `${base}/apiConnectorConfiguration/${step}/$ref`, {
      "@odata.id": `${graphRoot(call)}/v1.0/identity/apiConnectors/${connector.body.id}`,
    });
  }
  return { flowId, ids };
}

const roots = new WeakMap<object, string>();

/** Remembers the root URL behind a `graph()` caller (for `@odata.id` references). */
export function graphFor(root: string): ReturnType<typeof graph> {
  const call = graph(root);
  roots.set(call, root);
  return call;
}

function graphRoot(call: object): string {
  const root = roots.get(call);
  if (!root) throw new Error("use graphFor(root) to build the caller");
  return root;
}

/** Posts a form to the simulator without following the redirect; returns the Location. */
export async function postForm(
  url: string,
  form: Record<string, string | string[]>,
  acceptLanguage = "en-GB,en;q=0.8",
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
  const res = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": acceptLanguage },
    body,
  });
  await res.text();
  return { status: res.status, location: res.headers.get("location") };
}
