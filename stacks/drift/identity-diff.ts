/**
 * Differences between the tenant (a resource's refreshed state) and the config (the program's inputs),
 * told in the words of the Entra admin center: "page field CompanyName relabelled", "attribute made
 * optional", "connector rewired from step A to B". Pure: tests feed it plain objects.
 */

type Props = Record<string, unknown>;

/** One Graph resource as the drift preview saw it. */
export interface ResourceDrift {
  /** The last part of the resource type, e.g. `B2xUserFlow`. */
  readonly kind: string;
  /** Pulumi's logical name, e.g. `signup-flow`. */
  readonly name: string;
  /** What the engine will do: `update`, `replace`, `create` (gone from the tenant), `delete`. */
  readonly op: string;
  /** The tenant's values (refreshed state outputs). */
  readonly tenant: Props;
  /** The config's values (the program's inputs). */
  readonly config: Props;
  /** Top-level keys the engine reports as different, for kinds without a dedicated description. */
  readonly diffs?: readonly string[];
}

/** Display names of connectors by id, so a rewired step names the connectors, not GUIDs. */
export type ConnectorNames = ReadonlyMap<string, string>;

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
const quote = (v: unknown) => `'${str(v)}'`;
const lower = (v: unknown) => str(v).toLowerCase();
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** `extension_<32 hex>_CompanyName` → `CompanyName`; built-in ids stay as they are. */
export function attributeName(id: unknown): string {
  return str(id).replace(/^extension_[0-9a-f]{32}_/i, "");
}

interface Field {
  attributeId?: string;
  displayName?: string;
  userInputType?: string;
  isOptional?: boolean;
  requiresVerification?: boolean;
  userAttributeValues?: unknown[];
}

const fields = (v: unknown): Field[] => (Array.isArray(v) ? (v as Field[]) : []);

function pageDrift(tenant: Field[], config: Field[]): string[] {
  const out: string[] = [];
  const byId = new Map(tenant.map((f) => [lower(f.attributeId), f]));
  const configIds = new Set(config.map((f) => lower(f.attributeId)));
  for (const want of config) {
    const name = attributeName(want.attributeId);
    const have = byId.get(lower(want.attributeId));
    if (!have) {
      out.push(`page field ${name} removed from the page in the tenant (the config shows it)`);
      continue;
    }
    if (str(have.displayName) !== str(want.displayName)) {
      out.push(
        `page field ${name} relabelled to ${quote(have.displayName)} in the tenant (config: ${quote(want.displayName)})`,
      );
    }
    if (Boolean(have.isOptional) !== Boolean(want.isOptional)) {
      out.push(
        have.isOptional
          ? `page field ${name} made optional in the tenant (the config requires it)`
          : `page field ${name} made required in the tenant (the config has it optional)`,
      );
    }
    if (lower(have.userInputType || "textBox") !== lower(want.userInputType || "textBox")) {
      out.push(
        `page field ${name} input changed to ${str(have.userInputType)} in the tenant (config: ${str(want.userInputType || "textBox")})`,
      );
    }
    if (Boolean(have.requiresVerification) !== Boolean(want.requiresVerification)) {
      out.push(
        `page field ${name} verification turned ${have.requiresVerification ? "on" : "off"} in the tenant`,
      );
    }
    if (!same(have.userAttributeValues ?? [], want.userAttributeValues ?? [])) {
      out.push(`page field ${name} options changed in the tenant`);
    }
  }
  for (const have of tenant) {
    if (!configIds.has(lower(have.attributeId))) {
      out.push(
        `page field ${attributeName(have.attributeId)} added to the page in the tenant (not in the config)`,
      );
    }
  }
  const order = (list: Field[], keep: Set<string>) =>
    list.map((f) => lower(f.attributeId)).filter((id) => keep.has(id));
  const shared = new Set([...byId.keys()].filter((id) => configIds.has(id)));
  const tenantOrder = order(tenant, shared);
  const configOrder = order(config, shared);
  if (!same(tenantOrder, configOrder)) {
    const names = (ids: string[]) =>
      ids.map((id) => attributeName(config.find((f) => lower(f.attributeId) === id)?.attributeId)).join(", ");
    out.push(`page fields reordered in the tenant: ${names(tenantOrder)} (config: ${names(configOrder)})`);
  }
  return out;
}

const STEPS = ["postFederationSignup", "postAttributeCollection"] as const;

function connectorDrift(tenant: Props, config: Props, names: ConnectorNames): string[] {
  const name = (id: unknown) => `'${names.get(lower(id)) ?? str(id)}'`;
  const out: string[] = [];
  const explained = new Set<string>();
  for (const from of STEPS) {
    const id = lower(config[from]);
    if (!id || lower(tenant[from]) === id) continue;
    const to = STEPS.find((s) => s !== from && lower(tenant[s]) === id && lower(config[s]) !== id);
    if (!to) continue;
    out.push(`connector ${name(id)} rewired in the tenant from step ${from} to ${to}`);
    explained.add(from).add(to);
  }
  for (const step of STEPS) {
    const have = lower(tenant[step]);
    const want = lower(config[step]);
    if (have === want || explained.has(step)) continue;
    if (!have) out.push(`connector ${name(want)} removed from step ${step} in the tenant`);
    else if (!want)
      out.push(`step ${step} calls connector ${name(have)} in the tenant (the config leaves it empty)`);
    else out.push(`step ${step} calls connector ${name(have)} in the tenant (config: ${name(want)})`);
  }
  return out;
}

function listDrift(what: string, tenant: unknown, config: unknown): string[] {
  const t = (Array.isArray(tenant) ? tenant : []).map(lower);
  const c = (Array.isArray(config) ? config : []).map(lower);
  return [
    ...c.filter((x) => !t.includes(x)).map((x) => `${what} ${x} removed in the tenant (the config has it)`),
    ...t.filter((x) => !c.includes(x)).map((x) => `${what} ${x} added in the tenant (not in the config)`),
  ];
}

function changed(what: string, key: string, tenant: Props, config: Props, label = key): string[] {
  if (config[key] === undefined || same(tenant[key], config[key])) return [];
  return [`${what} ${label} changed in the tenant to ${quote(tenant[key])} (config: ${quote(config[key])})`];
}

/** Identity-term lines for one resource the drift preview found different. */
export function describeDrift(r: ResourceDrift, names: ConnectorNames = new Map()): string[] {
  const { tenant, config } = r;
  const label = (): string => {
    switch (r.kind) {
      case "B2xUserFlow":
        return `user flow B2X_1_${str(config.name).replace(/^B2X_1_/i, "")}`;
      case "UserFlowAttribute":
        return `attribute ${str(config.displayName)}`;
      case "ApiConnector":
        return `connector '${str(config.displayName)}'`;
      case "SelfServiceSignUpPolicy":
        return "the tenant toggle 'Enable guest self-service sign up via user flows'";
      case "UserFlowAppAssociation":
        return "the app association (onSignupStart listener)";
      case "SocialIdentityProvider":
        return `identity provider ${str(config.type)}`;
      default:
        return `${r.kind} ${r.name}`;
    }
  };
  if (r.op === "create")
    return [`${label()} is missing from the tenant (deleted outside the stack); up recreates it`];
  if (r.op === "delete") return [`${label()} is in the stack but no longer in the config; up deletes it`];
  let lines: string[] = [];
  switch (r.kind) {
    case "B2xUserFlow":
      lines = [
        ...pageDrift(fields(tenant.attributes), fields(config.attributes)),
        ...listDrift("identity provider", tenant.identityProviders, config.identityProviders),
        ...connectorDrift(
          (tenant.apiConnectors ?? {}) as Props,
          (config.apiConnectors ?? {}) as Props,
          names,
        ),
      ].map((l) => `${label()}: ${l}`);
      break;
    case "UserFlowAttribute":
      lines = [
        ...changed(label(), "description", tenant, config),
        ...changed(label(), "dataType", tenant, config),
      ];
      break;
    case "ApiConnector":
      lines = [
        ...changed(label(), "targetUrl", tenant, config, "endpoint (targetUrl)"),
        ...changed(label(), "username", tenant, config),
      ];
      break;
    case "SelfServiceSignUpPolicy":
      if (config.enabled !== undefined && Boolean(tenant.enabled) !== Boolean(config.enabled)) {
        lines = [
          `${label()} turned ${tenant.enabled ? "on" : "off"} in the tenant (config: ${config.enabled ? "on" : "off"})`,
        ];
      }
      break;
    case "UserFlowAppAssociation":
      lines = listDrift("app", tenant.appIds, config.appIds).map((l) => `${label()}: ${l}`);
      lines.push(...changed(label(), "priority", tenant, config));
      break;
    case "SocialIdentityProvider":
      lines = changed(label(), "clientId", tenant, config);
      break;
  }
  if (lines.length === 0) {
    const keys = (r.diffs ?? []).filter((k) => !k.startsWith("__"));
    lines = [`${label()} differs from the config${keys.length ? ` in ${keys.join(", ")}` : ""}`];
  }
  return lines;
}
