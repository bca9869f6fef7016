import type * as pulumi from "@pulumi/pulumi";
import type { GraphConnection } from "../connection";

/** Fields every Graph resource takes. */
export interface GraphResourceArgs {
  /** How to reach Graph (cloud, tenant, optional emulator root). Changing it never replaces anything. */
  readonly connection: pulumi.Input<GraphConnection>;
}

/** Output names seeded as `undefined` so the engine reports them (dynamic-provider requirement). */
export function seedOutputs(names: readonly string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((n) => [n, undefined]));
}
