/**
 * Objects that already exist in the tenant under the names this stack will create, and that the stack
 * does not manage yet. Without `adoptExisting`, `up` would fail half-way on a name conflict; with it,
 * they are taken over (and changed to match the config).
 */
import type { Settings } from "../settings";
import { NAMESPACE } from "../settings";
import { fail, note, type Finding } from "./finding";

/** A Graph object found in the tenant. */
export interface FoundObject {
  readonly id: string;
  readonly displayName?: string;
}

export interface TenantObjects {
  /** Custom user-flow attributes (`userFlowAttributeType: custom`). */
  readonly attributes: readonly FoundObject[];
  readonly apiConnectors: readonly FoundObject[];
  readonly userFlows: readonly FoundObject[];
}

/** Graph's words for each kind, and the config key its name comes from. */
interface Wanted {
  readonly kind: string;
  readonly name: string;
  readonly key: string;
  readonly match: (o: FoundObject) => boolean;
  readonly among: keyof TenantObjects;
}

const same = (a: string | undefined, b: string) => (a ?? "").toLowerCase() === b.toLowerCase();

/** The natural keys the stack's objects will have (what the components name them). */
export function wantedObjects(settings: Settings): Wanted[] {
  const wanted: Wanted[] = settings.attributes.map((a, i) => ({
    kind: "user flow attribute",
    name: a.name,
    key: `${NAMESPACE}:attributes[${i}].name`,
    match: (o) => same(o.displayName, a.name),
    among: "attributes",
  }));
  const steps = (["postFederationSignup", "postAttributeCollection"] as const).filter(
    (s) => settings.userFlow.connectorSteps[s],
  );
  for (const step of steps) {
    const name = `${settings.connector.displayName} ${step}`;
    wanted.push({
      kind: "API connector",
      name,
      key: `${NAMESPACE}:connector.displayName`,
      match: (o) => same(o.displayName, name),
      among: "apiConnectors",
    });
  }
  const flowId = `B2X_1_${settings.userFlow.name}`;
  wanted.push({
    kind: "user flow",
    name: flowId,
    key: `${NAMESPACE}:userFlow.name`,
    match: (o) => same(o.id, flowId),
    among: "userFlows",
  });
  return wanted;
}

/**
 * Objects with our names that the stack's state does not hold (`managedIds`, compared
 * case-insensitively): a failure without adoptExisting, a note with it. `managedIds` undefined means the
 * state could not be read: every match is then only a note, since it may be the stack's own.
 */
export function checkExisting(
  settings: Settings,
  found: TenantObjects,
  managedIds: ReadonlySet<string> | undefined,
): Finding[] {
  const managed = new Set([...(managedIds ?? [])].map((id) => id.toLowerCase()));
  const clashes = wantedObjects(settings).flatMap((w) =>
    found[w.among].filter((o) => w.match(o) && !managed.has(o.id.toLowerCase())).map((o) => ({ w, o })),
  );
  return clashes.map(({ w, o }) => {
    const what = `${w.kind} '${w.name}' already exists in the tenant (id ${o.id}) and this stack does not manage it`;
    if (!managedIds) {
      return note(
        "existing objects",
        `${what.replace(" and this stack does not manage it", "")}; the stack's state could not be read to tell whether it is the stack's own`,
        undefined,
        w.key,
      );
    }
    return settings.adoptExisting
      ? note("existing objects", `${what}; adoptExisting is on, so up takes it over`, undefined, w.key)
      : fail(
          "existing objects",
          what,
          `set ${NAMESPACE}:adoptExisting to true to take it over (up then changes it to match the config), or rename it in the config, or delete it in the portal`,
          w.key,
        );
  });
}
