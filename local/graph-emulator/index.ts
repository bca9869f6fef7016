/**
 * Local Microsoft Graph emulator for Entra External ID B2X self-service sign-up: the subset of Graph in
 * `docs/graph-contract.md`, with request logging, fault injection and state inspection for tests.
 *
 * Deliberate choices where the contract says UNCONFIRMED are documented next to the code that makes
 * them (strict behaviour wherever Graph might be strict).
 */
import * as http from "node:http";
import { serveAdmin } from "./admin";
import { Faults, type FaultController } from "./faults";
import { IdentityPlatform, serveIdentityPlatform } from "./identityPlatform";
import { DEFAULT_SEED, buildSeed, type SeedOptions } from "./seed";
import { serveGraph, type ResponseHold } from "./server";
import { Store } from "./store";
import { defaultTenantSettings, updateTenantSettings, type TenantSettings, type TenantType } from "./tenant";
import type { EmulatorState, RequestLogEntry } from "./types";
import { logWhenSlow } from "../slow-requests";

export type { ActiveFaultRule, FaultController } from "./faults";
export { DEFAULT_SEED, EXTENSIONS_APP_DISPLAY_NAME, type SeedOptions } from "./seed";
export type * from "./types";
export { ALL_ROLES, type AttachVariant, type TenantSettings, type TenantType } from "./tenant";
export { IdentityPlatform, type AuthenticationEventsTokenRequest } from "./identityPlatform";

/** How to start the emulator. */
export interface GraphEmulatorOptions {
  /** @default 0 - a random free port */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** Overrides `seed.tenantId`. @default DEFAULT_SEED.tenantId */
  tenantId?: string;
  /** Persist state as JSON after every write; loaded at start if present. @default - in memory only */
  stateFile?: string;
  /** Seed overrides. @default DEFAULT_SEED */
  seed?: Partial<SeedOptions>;
  /**
   * The tenant's kind (`organization.tenantType`) at start and after every `reset()`: `CIAM` emulates an
   * external tenant (authenticationEventsFlows instead of B2X user flows). @default "AAD"
   */
  tenantType?: TenantType;
  /** Requests answered in this many ms or more are logged (method, path, status, ms). @default - none logged */
  slowRequestMs?: number;
  /** Where slow requests are logged. @default console.error */
  log?: (line: string) => void;
}

/** A running emulator. */
export interface GraphEmulator {
  /** Root URL, e.g. `http://127.0.0.1:41234`; clients append `/v1.0` or `/beta`. */
  readonly url: string;
  readonly port: number;
  readonly tenantId: string;
  /** appId (with dashes) of the seeded aad-extensions-app. */
  readonly extensionsAppId: string;
  /** appId of the seeded sample application "Partner Portal". */
  readonly sampleAppId: string;
  /** Every Graph request (admin routes are not logged). */
  readonly log: RequestLogEntry[];
  clearLog(): void;
  /** Requests that reached a handler: writes = POST/PATCH/PUT/DELETE, reads = GET. Cleared by `clearLog()`. */
  counts(): { reads: number; writes: number };
  faults: FaultController;
  /** Deep copy of all objects, secrets included (test-only). */
  snapshot(): EmulatorState;
  /** Differences from the freshly seeded state; `[]` means as seeded. */
  diffFromSeed(): string[];
  /**
   * Holds back the answer to the next request that `matches` (after it was handled and logged, so a write
   * is applied): `reached` resolves with it, and the answer is sent on `release()`. For tests of what
   * happens when the caller dies while a call is in flight.
   */
  holdResponse(matches: (entry: RequestLogEntry) => boolean): {
    reached: Promise<RequestLogEntry>;
    release: () => void;
  };
  /** The emulated tenant's kind and the caller's permissions (see tenant.ts); Graph enforces them. */
  tenant: {
    get(): TenantSettings;
    /** Changes some settings; unknown keys and bad values throw. */
    set(patch: Partial<TenantSettings>): TenantSettings;
  };
  /**
   * The identity platform's signing keys and the tokens Entra sends to custom authentication extensions
   * (identityPlatform.ts); the key set is served at {@link GraphEmulator.keySetUri}.
   */
  readonly identityPlatform: IdentityPlatform;
  /** `<url>/<tenantId>/discovery/v2.0/keys`: the key set a local connector validates tokens against. */
  readonly keySetUri: string;
  /** Back to the seed; also clears the log, all fault rules and the tenant settings. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the emulator and resolves once it is listening. */
export async function startGraphEmulator(opts: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const seedOptions: SeedOptions = { ...DEFAULT_SEED, ...opts.seed };
  if (opts.tenantId) seedOptions.tenantId = opts.tenantId;
  const store = new Store(buildSeed(seedOptions), opts.stateFile);
  const faults = new Faults();
  const log: RequestLogEntry[] = [];
  const host = opts.host ?? "127.0.0.1";
  let url = "";
  let port = 0;

  const counts = () => ({
    reads: log.filter((e) => e.handled && !e.write).length,
    writes: log.filter((e) => e.handled && e.write).length,
  });
  const clearLog = () => void log.splice(0, log.length);
  const holds: ResponseHold[] = [];
  const initialTenant = (): TenantSettings => ({
    ...defaultTenantSettings(),
    ...(opts.tenantType ? { tenantType: opts.tenantType } : {}),
  });
  let tenant = initialTenant();
  const tenantControl = {
    get: () => ({
      ...tenant,
      grantedRoles: [...tenant.grantedRoles],
      attachVariants: [...tenant.attachVariants],
    }),
    set: (patch: Partial<TenantSettings>) => {
      tenant = updateTenantSettings(tenant, patch);
      return tenantControl.get();
    },
  };
  const reset = () => {
    tenant = initialTenant();
    store.reset();
    faults.clear();
    clearLog();
    holds.splice(0, holds.length);
  };
  const roots = () => [url, `http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const graphDeps = {
    store,
    faults,
    log,
    holds,
    extensionsAppId: seedOptions.extensionsAppId,
    roots,
    tenant: () => tenant,
  };
  const holdResponse = (matches: (entry: RequestLogEntry) => boolean) => {
    let release!: () => void;
    let reach!: (entry: RequestLogEntry) => void;
    const released = new Promise<void>((r) => (release = r));
    const reached = new Promise<RequestLogEntry>((r) => (reach = r));
    holds.push({ matches, reached: reach, released });
    return { reached, release };
  };
  const identityPlatform = new IdentityPlatform(() => store.state.tenantId);
  const adminDeps = {
    identityPlatform,
    store,
    faults,
    log: () => log,
    clearLog,
    counts,
    reset,
    tenant: {
      get: () => tenant,
      set: (next: TenantSettings) => {
        tenant = next;
      },
    },
    info: () => ({
      url,
      port,
      tenantId: store.state.tenantId,
      extensionsAppId: seedOptions.extensionsAppId,
      sampleAppId: seedOptions.sampleAppId,
    }),
  };

  const logLine = opts.log ?? ((line: string) => console.error(line));
  const server = http.createServer((req, res) => {
    logWhenSlow("graph emulator", req, res, opts.slowRequestMs, logLine);
    const admin = (req.url ?? "").startsWith("/_emulator/");
    const served = admin
      ? serveAdmin(adminDeps, req, res)
      : serveIdentityPlatform(identityPlatform, url, req, res).then(async (done) => {
          if (!done) await serveGraph(graphDeps, req, res);
        });
    served.catch((err: unknown) => {
      console.error("graph emulator: request failed", err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    tenantId: store.state.tenantId,
    extensionsAppId: seedOptions.extensionsAppId,
    sampleAppId: seedOptions.sampleAppId,
    log,
    clearLog,
    counts,
    faults,
    snapshot: () => store.snapshot(),
    diffFromSeed: () => store.diffFromSeed(),
    holdResponse,
    tenant: tenantControl,
    identityPlatform,
    keySetUri: `${url}/${store.state.tenantId}/discovery/v2.0/keys`,
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
