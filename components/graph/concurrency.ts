/**
 * At most N Graph requests in flight per tenant in this process (docs/graph-contract.md §7.1: ≤3 keeps an IaC
 * run well under the CPIM limit of 200 requests/min per app and tenant). The engine runs all dynamic
 * resources of a deployment in one provider process, but every resource kind is a separately serialized copy
 * of this code, so the state lives on `globalThis` under a registered symbol that all copies share. Those
 * copies include older code stored in state (a `delete` runs the text from the last update,
 * docs/pulumi-notes.md §A1), so the shape of {@link Gate} is a contract between versions: add fields, never
 * rename or repurpose one.
 */
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";

export const maxInFlightPerTenant = 3;

interface Gate {
  active: number;
  peak: number;
  readonly waiting: Array<() => void>;
}

function gates(): Map<string, Gate> {
  const key = Symbol.for("entra-signup.graph.concurrency");
  const g = globalThis as unknown as Record<symbol, Map<string, Gate> | undefined>;
  return (g[key] ??= new Map<string, Gate>());
}

function gateFor(tenant: string): Gate {
  const all = gates();
  let gate = all.get(tenant);
  if (!gate) {
    gate = { active: 0, peak: 0, waiting: [] };
    all.set(tenant, gate);
  }
  return gate;
}

/** Runs `work` once fewer than `limit` calls for `tenant` are running. */
export async function withTenantSlot<T>(
  tenant: string,
  work: () => Promise<T>,
  limit = maxInFlightPerTenant,
): Promise<T> {
  const gate = gateFor(tenant);
  if (gate.active >= limit) await new Promise<void>((resolve) => gate.waiting.push(resolve));
  else gate.active++;
  gate.peak = Math.max(gate.peak, gate.active);
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next waiter so `active` never dips and lets a newcomer jump the queue.
    const next = gate.waiting.shift();
    if (next) next();
    else gate.active--;
  }
}

/** Highest number of simultaneous requests seen for a tenant (for tests and the benchmark). */
export function peakInFlight(tenant: string): number {
  return gates().get(tenant)?.peak ?? 0;
}

/** Sits right before the HTTP handler, so back-off waits in the retry middleware do not hold a slot. */
export class ConcurrencyMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly tenant: string) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  execute(ctx: Context): Promise<void> {
    const next = this.next;
    if (!next) throw new Error("ConcurrencyMiddleware needs a next middleware");
    return withTenantSlot(this.tenant, () => next.execute(ctx));
  }
}
