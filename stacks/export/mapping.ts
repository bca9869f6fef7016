/**
 * Graph JSON of a tenant ({@link TenantSnapshot}) → the stack config of one B2X flow, in our schema
 * (stacks/schema.ts, documented in stacks/README.md). Pure: no I/O, deterministic (stable ordering, no
 * timestamps), never a secret — Graph returns none, and the keys that need one are listed as
 * `pulumi config set --secret` commands instead.
 */
import { CONNECTOR_STEPS, IDENTITY_PROVIDER_IDS, isBuiltInAttribute } from "../../contract/userFlow";
import type { GraphCloud } from "../../components/graph/connection";
import { NAMESPACE } from "../settings";
import type {
  GraphApiConnector,
  GraphFlowSnapshot,
  GraphUserFlowAttribute,
  TenantSnapshot,
} from "./snapshot";

/** Where the tenant was read from; written to `entra-signup:tenant`. */
export interface ExportTarget {
  tenantId: string;
  cloud: GraphCloud;
  /** Graph root override (the local emulator). */
  graphBaseUrl?: string;
  graphCredential?: "default" | "emulator";
}

/** One flow's stack config and what a person must know or do about it. */
export interface FlowExport {
  /** `B2X_1_<name>`. */
  flowId: string;
  /** `entra-signup:<key>` → value, in the order the keys are written. */
  config: Record<string, unknown>;
  /** Facts the file cannot express or that need attention; written as comments and printed. */
  notes: string[];
  /** Secret config keys to set before `pulumi up` (Graph never returns their values), with what each holds. */
  secrets: { key: string; what: string }[];
}

/** The logical name the config can use: a-z, 0-9, starting with a letter. */
const LOGICAL_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
const STEP_SUFFIX = new RegExp(`/(${CONNECTOR_STEPS.join("|")})/?$`);

/**
 * The custom attribute's logical name: the part of its id after `extension_<appId>_` (Graph derives it
 * from the display name without whitespace), else the display name without whitespace.
 */
export function logicalAttributeName(a: GraphUserFlowAttribute): string {
  const fromId = /^extension_[0-9a-f]{32}_(.+)$/i.exec(a.id)?.[1];
  return fromId ?? a.displayName.replace(/\s+/g, "");
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Connector base URL: the common prefix before `/<step>` of every wired connector, if they share one. */
export function hostingBaseUrl(urls: { step: string; url: string }[]): {
  baseUrl?: string;
  problem?: string;
} {
  const bases = new Set<string>();
  for (const { step, url } of urls) {
    const m = STEP_SUFFIX.exec(url);
    if (!m || m[1] !== step) {
      return {
        problem: `connector URL ${url} (step ${step}) does not end in /${step}: the program appends the step name to connector.hosting.baseUrl, so this URL cannot be expressed — put the service behind <baseUrl>/${step} or adopt without the connector`,
      };
    }
    bases.add(url.slice(0, m.index));
  }
  if (bases.size > 1) {
    return {
      problem: `the connectors' URLs have different bases (${[...bases].sort(byString).join(", ")}); connector.hosting.baseUrl takes one — serve both steps under one base URL`,
    };
  }
  return { baseUrl: [...bases][0] };
}

function authKind(c: GraphApiConnector): "basic" | "certificate" | undefined {
  const t = c.authenticationConfiguration?.["@odata.type"] ?? "";
  if (/basicAuthentication$/i.test(t)) return "basic";
  if (/(clientCertificateAuthentication|pkcs12Certificate)$/i.test(t)) return "certificate";
  return undefined;
}

/** The stack config for one flow of the tenant. */
export function exportFlow(snapshot: TenantSnapshot, flowId: string, target: ExportTarget): FlowExport {
  const flow = snapshot.flows.find((f) => f.id.toLowerCase() === flowId.toLowerCase());
  if (!flow) throw new Error(`no flow ${flowId} in the snapshot`);
  const notes: string[] = [];
  const secrets: FlowExport["secrets"] = [];
  const secret = (key: string, what: string) => secrets.push({ key: `${NAMESPACE}:${key}`, what });

  const customs = snapshot.attributes.filter((a) => (a.userFlowAttributeType ?? "custom") !== "builtIn");
  const customById = new Map(customs.map((a) => [a.id.toLowerCase(), a]));
  const usedIds = new Set<string>();

  const page = flow.assignments.map((assignment) => {
    const attrId = assignment.userAttribute?.id ?? assignment.id;
    const custom = customById.get(attrId.toLowerCase());
    let attribute = attrId;
    if (custom) {
      usedIds.add(custom.id.toLowerCase());
      attribute = logicalAttributeName(custom);
    } else if (!isBuiltInAttribute(attrId)) {
      notes.push(`page field ${attrId} is neither a built-in nor a custom attribute of this tenant`);
    }
    const field: Record<string, unknown> = { attribute };
    if (assignment.displayName) field.displayName = assignment.displayName;
    if (assignment.userInputType && assignment.userInputType !== "textBox")
      field.userInputType = assignment.userInputType;
    if (assignment.isOptional) field.isOptional = true;
    if (assignment.requiresVerification) field.requiresVerification = true;
    const values = assignment.userAttributeValues ?? [];
    if (values.length > 0)
      field.userAttributeValues = values.map((v) => ({
        name: v.name,
        value: v.value,
        isDefault: v.isDefault ?? false,
      }));
    return field;
  });

  const attributes = customs
    .filter((a) => usedIds.has(a.id.toLowerCase()))
    .sort((a, b) => byString(logicalAttributeName(a), logicalAttributeName(b)))
    .map((a) => {
      const name = logicalAttributeName(a);
      if (!LOGICAL_NAME.test(name)) {
        notes.push(
          `attribute "${a.displayName}" (${a.id}) cannot be expressed: attributes[].name takes letters and digits only, and "${name}" is not — rename it in the portal or leave this flow to the portal`,
        );
      } else if (a.displayName !== name) {
        notes.push(
          `attribute "${a.displayName}" is written as name ${name}, the part of its id ${a.id} Graph derived from the display name; adoptExisting finds it by that id, and its display name stays as it is`,
        );
      }
      const out: Record<string, unknown> = { name };
      if (a.dataType && a.dataType !== "string") out.dataType = a.dataType;
      if (a.description) out.description = a.description;
      return out;
    });
  const unused = customs
    .filter((a) => !usedIds.has(a.id.toLowerCase()))
    .map((a) => `"${a.displayName}" (${a.id})`)
    .sort(byString);
  if (unused.length > 0)
    notes.push(
      `custom attributes in the tenant that ${flow.id} does not use (not managed): ${unused.join(", ")}`,
    );

  const known: readonly string[] = IDENTITY_PROVIDER_IDS;
  const identityProviders = flow.identityProviders
    .map((id) => known.find((k) => k.toLowerCase() === id.toLowerCase()) ?? id)
    .sort((a, b) => known.indexOf(a) - known.indexOf(b) || byString(a, b));
  for (const id of identityProviders)
    if (!known.includes(id))
      notes.push(`identity provider ${id} is not one the config can name (${known.join(", ")})`);

  const socialProviders: Record<string, { clientId: string }> = {};
  for (const [type, idp, key] of [
    ["Google", "Google-OAUTH", "googleClientSecret"],
    ["Facebook", "Facebook-OAUTH", "facebookClientSecret"],
  ] as const) {
    if (!identityProviders.includes(idp)) continue;
    const p = snapshot.socialProviders.find(
      (s) => s.identityProviderType.toLowerCase() === type.toLowerCase(),
    );
    if (!p) {
      notes.push(`${flow.id} offers ${idp} but the tenant has no ${type} identity provider`);
      continue;
    }
    socialProviders[type.toLowerCase()] = { clientId: p.clientId };
    secret(key, `${type} client secret`);
  }

  const wired = CONNECTOR_STEPS.flatMap((step) => {
    const id = flow.connectorSteps[step];
    if (!id) return [];
    const c = snapshot.connectors.find((x) => x.id.toLowerCase() === id.toLowerCase());
    if (!c) {
      notes.push(`${flow.id} step ${step} names connector ${id}, which the tenant does not list`);
      return [];
    }
    return [{ step, connector: c }];
  });
  const connectorSteps = Object.fromEntries(CONNECTOR_STEPS.map((s) => [s, wired.some((w) => w.step === s)]));
  const connector = connectorConfig(flow, wired, notes, secret);

  const userFlow = {
    name: flow.id.replace(/^B2X_1_/i, ""),
    identityProviders,
    page,
    connectorSteps,
  };

  const listeners = snapshot.listeners.filter((l) => l.userFlowId?.toLowerCase() === flow.id.toLowerCase());
  const appIds = [
    ...new Set(listeners.flatMap((l) => l.includeApplications.map((a) => a.toLowerCase()))),
  ].sort(byString);
  const priorities = [...new Set(listeners.map((l) => l.priority))].sort((a, b) => a - b);
  if (priorities.length > 1)
    notes.push(
      `${flow.id} has ${listeners.length} onSignupStart listeners with priorities ${priorities.join(", ")}; the config holds one association, written with priority ${priorities[0]}`,
    );

  const tenant: Record<string, unknown> = { tenantId: target.tenantId, cloud: target.cloud };
  if (target.graphBaseUrl) tenant.graphBaseUrl = target.graphBaseUrl;
  if (target.graphCredential && target.graphCredential !== "default")
    tenant.graphCredential = target.graphCredential;

  const config: Record<string, unknown> = {
    tenant,
    selfServiceSignUp: { enabled: snapshot.selfServiceSignUpEnabled, keepOnDestroy: true },
    attributes,
    userFlow,
    connector,
  };
  if (appIds.length > 0) config.apps = { appIds, priority: priorities[0] };
  if (Object.keys(socialProviders).length > 0) config.socialProviders = socialProviders;
  config.adoptExisting = true;
  if (connector.auth === "certificate") {
    const thumbprints = [
      ...new Set(
        wired.flatMap((w) =>
          (w.connector.authenticationConfiguration?.certificateList ?? []).flatMap((c) =>
            c.thumbprint ? [c.thumbprint.toUpperCase()] : [],
          ),
        ),
      ),
    ].sort(byString);
    if (thumbprints.length > 0) config.connectorCertificateThumbprints = thumbprints;
  }
  return { flowId: flow.id, config, notes, secrets };
}

function connectorConfig(
  flow: GraphFlowSnapshot,
  wired: { step: string; connector: GraphApiConnector }[],
  notes: string[],
  secret: (key: string, what: string) => void,
): Record<string, unknown> & { auth?: string } {
  const policyNote =
    "connector.policy only configures the bundled connector; with hosting external the rules stay in your own service";
  if (wired.length === 0) {
    notes.push(
      `${flow.id} calls no API connector; the config still needs a connector section (no connector is created without a step)`,
    );
    return {
      displayName: "entra-signup",
      auth: "basic",
      policy: {},
      hosting: { kind: "external", baseUrl: "https://connector.invalid" },
    };
  }
  const first = wired[0]!.connector;
  const kinds = new Set(wired.map((w) => authKind(w.connector)));
  const auth = authKind(first) ?? "basic";
  if (kinds.size > 1 || kinds.has(undefined))
    notes.push(`the connectors of ${flow.id} use different or unknown authentication; written as ${auth}`);
  const usernames = new Set(wired.map((w) => w.connector.authenticationConfiguration?.username ?? ""));
  if (auth === "basic" && usernames.size > 1)
    notes.push(
      `the connectors of ${flow.id} use different user names; the config takes one (${first.authenticationConfiguration?.username})`,
    );
  const { baseUrl, problem } = hostingBaseUrl(
    wired.map((w) => ({ step: w.step, url: w.connector.targetUrl })),
  );
  if (problem)
    notes.push(
      `ACTION NEEDED: ${problem}; connector.hosting.baseUrl is left out, so the config is refused until you set it`,
    );
  notes.push(policyNote);
  // The program names a connector "<displayName> <step>" unless stepDisplayNames names it: name the
  // hand-made ones, so adoptExisting finds them by display name.
  const out: Record<string, unknown> & { auth?: string } = {
    displayName: first.displayName,
    stepDisplayNames: Object.fromEntries(wired.map((w) => [w.step, w.connector.displayName])),
    auth,
  };
  if (auth === "basic") {
    out.username = first.authenticationConfiguration?.username ?? "entra-signup";
    secret("connectorPassword", "the connector's current Basic password (Graph never returns it)");
  } else {
    secret(
      "connectorCertificatePfx",
      "base64 PKCS#12 of the connector's client certificate (Graph never returns it)",
    );
    secret("connectorCertificatePassword", "the PKCS#12 password");
  }
  out.policy = {};
  out.hosting = baseUrl === undefined ? { kind: "external" } : { kind: "external", baseUrl };
  return out;
}
