/**
 * Waiting for services by readiness. Every start-up here (Azurite, the Graph emulator, the connector
 * host, the simulator) is awaited until it answers, never for a fixed time; the bound only turns a hung
 * start into an error. It is generous because a loaded 2-core CI machine can take minutes to start a
 * Node.js service that takes a second on a laptop.
 */

/** Upper bound on waiting for a service to become ready, in milliseconds. */
export const READY_BOUND_MS = 180_000;

/**
 * Polls `ready` every `intervalMs` until it returns true; throws `<what> was not ready within N s …`
 * after `boundMs`. `failed` is checked first on each round: return a message to stop waiting at once
 * (e.g. the process exited).
 */
export async function waitUntilReady(
  what: string,
  ready: () => boolean | Promise<boolean>,
  opts: {
    readonly boundMs?: number;
    readonly intervalMs?: number;
    readonly failed?: () => string | undefined;
    readonly hint?: string;
  } = {},
): Promise<void> {
  const bound = opts.boundMs ?? READY_BOUND_MS;
  const deadline = Date.now() + bound;
  for (;;) {
    const failure = opts.failed?.();
    if (failure !== undefined) throw new Error(failure);
    if (await ready()) return;
    if (Date.now() > deadline)
      throw new Error(
        `${what} was not ready within ${bound / 1000} s (the machine may be overloaded)${opts.hint ? `; ${opts.hint}` : ""}`,
      );
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
  }
}
