/**
 * The emulated tenant's state: lookups shared by the route handlers, JSON persistence, and the
 * seed comparison behind `diffFromSeed()`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type {
  EmulatorState,
  StoredApplication,
  StoredAttribute,
  StoredClaimsMappingPolicy,
  StoredEventListener,
  StoredServicePrincipal,
  StoredConnector,
  StoredFlow,
  StoredIdentityProvider,
  StoredListener,
} from "./types";

/**
 * Graph matches keys case-insensitively in practice (docs/graph-contract.md Appendix B #14 for IdPs); the
 * emulator does the same for every id so clients that normalise casing differently still find their objects.
 */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Holds the live state and writes it to `stateFile` (if any) after every write. */
export class Store {
  state: EmulatorState;

  constructor(
    private readonly seed: EmulatorState,
    private readonly stateFile?: string,
  ) {
    this.state = stateFile && fs.existsSync(stateFile) ? loadStateFile(stateFile) : structuredClone(seed);
  }

  /**
   * Writes the state atomically so a crash mid-write never leaves half a file behind, readable by its
   * owner only (0600): it holds connector passwords and identity-provider client secrets.
   */
  persist(): void {
    if (!this.stateFile) return;
    fs.mkdirSync(path.dirname(path.resolve(this.stateFile)), { recursive: true });
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 2), { mode: 0o600 });
    fs.chmodSync(tmp, 0o600); // a leftover temporary file keeps its old mode through writeFileSync
    fs.renameSync(tmp, this.stateFile);
  }

  reset(): void {
    this.state = structuredClone(this.seed);
    this.persist();
  }

  snapshot(): EmulatorState {
    return structuredClone(this.state);
  }

  diffFromSeed(): string[] {
    return diffStates(this.seed, this.state);
  }

  attribute(id: string): StoredAttribute | undefined {
    return this.state.userFlowAttributes.find((a) => sameId(a.id, id));
  }

  connector(id: string): StoredConnector | undefined {
    return this.state.apiConnectors.find((c) => sameId(c.id, id));
  }

  identityProvider(id: string): StoredIdentityProvider | undefined {
    return this.state.identityProviders.find((p) => sameId(p.id, id));
  }

  flow(id: string): StoredFlow | undefined {
    return this.state.b2xUserFlows.find((f) => sameId(f.id, id));
  }

  listener(id: string): StoredListener | undefined {
    return this.state.onSignupStartListeners.find((l) => sameId(l.id, id));
  }

  application(id: string): StoredApplication | undefined {
    return this.state.applications.find((a) => sameId(a.id, id));
  }

  servicePrincipal(id: string): StoredServicePrincipal | undefined {
    return this.state.servicePrincipals.find((sp) => sameId(sp.id, id));
  }

  claimsMappingPolicy(id: string): StoredClaimsMappingPolicy | undefined {
    return this.state.claimsMappingPolicies.find((p) => sameId(p.id, id));
  }

  eventListener(id: string): StoredEventListener | undefined {
    return this.state.authenticationEventListeners.find((l) => sameId(l.id, id));
  }
}

/** An application registration and its service principal (if any), as copies. */
export interface ApplicationWithServicePrincipal {
  readonly application: StoredApplication;
  readonly servicePrincipal?: StoredServicePrincipal;
}

/**
 * Read-only look-up of an application by its client id (appId) and of its service principal, for code
 * that plays Entra next to the emulator (e.g. validating an extension's API identity). Returns copies:
 * nothing changes the tenant through this.
 */
export function applicationByAppId(
  state: EmulatorState,
  appId: string,
): ApplicationWithServicePrincipal | undefined {
  const application = state.applications.find((a) => sameId(a.appId, appId));
  if (!application) return undefined;
  const sp = state.servicePrincipals.find((x) => sameId(x.appId, appId));
  return {
    application: structuredClone(application),
    ...(sp ? { servicePrincipal: structuredClone(sp) } : {}),
  };
}

function loadStateFile(file: string): EmulatorState {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as EmulatorState;
  } catch (err) {
    throw new Error(`graph emulator: cannot read state file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** JSON with sorted keys, so key order after a PATCH does not count as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

function idOf(item: unknown, index: number): string {
  if (item && typeof item === "object" && "id" in item) return String((item as { id: unknown }).id);
  return typeof item === "string" ? item : `#${index}`;
}

/** Human-readable differences between two states, e.g. `b2xUserFlows: added B2X_1_Partner`. */
export function diffStates(before: EmulatorState, after: EmulatorState): string[] {
  const out: string[] = [];
  for (const key of Object.keys(before) as (keyof EmulatorState)[]) {
    const a = before[key];
    const b = after[key];
    if (Array.isArray(a) && Array.isArray(b)) {
      const left = new Map(a.map((item: unknown, i) => [idOf(item, i), item]));
      const right = new Map(b.map((item: unknown, i) => [idOf(item, i), item]));
      for (const [id, item] of right) {
        if (!left.has(id)) out.push(`${key}: added ${id}`);
        else if (canonical(left.get(id)) !== canonical(item)) out.push(`${key}: changed ${id}`);
      }
      for (const id of left.keys()) if (!right.has(id)) out.push(`${key}: removed ${id}`);
    } else if (canonical(a) !== canonical(b)) {
      out.push(`${key}: changed from ${canonical(a)} to ${canonical(b)}`);
    }
  }
  return out;
}
