/**
 * Nothing outlives the engine that started it. Pulumi starts each dynamic-provider host as a child of the
 * engine and passes the engine's gRPC address as its first argument
 * (`@pulumi/pulumi/cmd/dynamic-provider`). When the engine is killed (`kill -9`, a CI job cancelled), the
 * host is not: it would finish its Graph calls and create objects no state records. So, in the host:
 * - before every Graph write, the engine's address must still accept a connection, or the write is
 *   refused ({@link EngineGoneError});
 * - a watchdog checks the same every second and ends the host process once the engine is gone, so no
 *   retry loop or later step can write either, and no provider process lingers.
 * Outside a provider host (unit tests, the program itself) there is no engine address and nothing is
 * checked. A connection refused is the only "gone" signal: a slow or busy engine is never mistaken for a
 * dead one.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded at call time, see ../lazy.ts */
import type { GraphConnection } from "../connection";
import { graphApi, type GraphApi, type HttpMethod } from "../client";
import type { GraphSurface } from "../clouds";

/** `host:port` of the engine when this process is a dynamic-provider host, else undefined. */
export function engineAddressOf(argv: readonly string[] = process.argv): string | undefined {
  if (!argv.some((a) => /[\\/]dynamic-provider([\\/]|$)/.test(a))) return undefined;
  return argv.slice(2).find((a) => /^(\[[0-9a-f:]+\]|[\w.-]+):\d{1,5}$/i.test(a));
}

export class EngineGoneError extends Error {
  constructor(address: string, what: string) {
    const message =
      `the Pulumi engine that started this provider (${address}) is gone; refusing ${what} so that ` +
      "nothing is written that no state records. Run the same command again: it finishes the work";
    super(message);
    this.message = message; // see PartialCreateError: serialized Error subclasses lose `message`
    this.name = "EngineGoneError";
  }
}

/** Resolves true when nothing listens at `address` any more (connection refused). */
export function engineGone(address: string, timeoutMs = 2000): Promise<boolean> {
  const net: typeof import("node:net") = require("node:net");
  const at = address.lastIndexOf(":");
  const host = address.slice(0, at).replace(/^\[|\]$/g, "");
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (gone: boolean) => {
      socket.destroy();
      resolve(gone);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(false));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED"));
  });
}

/** A string key (the closure serializer cannot carry a Symbol into state). */
const watchdogKey = "__entraSignupEngineWatchdog";

/** Starts (once per process) the timer that ends this provider host when its engine is gone. */
export function startEngineWatchdog(address: string | undefined = engineAddressOf()): void {
  const g = globalThis as unknown as Record<string, unknown>;
  if (!address || g[watchdogKey]) return;
  const timer = setInterval(() => {
    void engineGone(address).then((gone) => {
      if (!gone) return;
      process.stderr.write(`entra-signup: the Pulumi engine (${address}) is gone; this provider stops\n`);
      process.exit(1);
    });
  }, 1000);
  timer.unref();
  g[watchdogKey] = timer;
}

/** Throws {@link EngineGoneError} when this is a provider host whose engine is gone. */
export async function assertEngineAlive(what: string, address = engineAddressOf()): Promise<void> {
  if (address && (await engineGone(address))) throw new EngineGoneError(address, what);
}

/**
 * The Graph client for providers: {@link graphApi}, but every write first checks that the engine is
 * alive, and the watchdog is running.
 */
export function providerApi(connection: GraphConnection, surface: GraphSurface = "b2x"): GraphApi {
  const api = graphApi(connection, surface);
  const address = engineAddressOf();
  if (!address) return api;
  startEngineWatchdog(address);
  const call = api.call.bind(api);
  api.call = async <T>(method: HttpMethod, path: string, opts = {}): Promise<T> => {
    if (method !== "GET") await assertEngineAlive(`${method} ${path.split("?")[0]}`, address);
    return call<T>(method, path, opts);
  };
  return api;
}
