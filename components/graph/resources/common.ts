import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { GraphConnection } from "../connection";
import { packageName, providerVersionKey, storedProviderText, type GraphResourceKind } from "./provider-shim";

/** Fields every Graph resource takes. */
export interface GraphResourceArgs {
  /** How to reach Graph (cloud, tenant, optional emulator root). Changing it never replaces anything. */
  readonly connection: pulumi.Input<GraphConnection>;
}

/** Output names seeded as `undefined` so the engine reports them (dynamic-provider requirement). */
export function seedOutputs(names: readonly string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((n) => [n, undefined]));
}

let version: string | undefined;

/**
 * The release of this package (its package.json `version`), sent as every Graph resource's
 * `__providerVersion` input: a new release updates each resource in place once, so state holds the new
 * shim. Found from this file upwards, so it holds for a checkout and an installation alike.
 */
export function providerVersion(): string {
  if (version !== undefined) return version;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === packageName && typeof pkg.version === "string") return (version = pkg.version);
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`${packageName}: no package.json of ${packageName} above ${__dirname}`);
    }
  }
}

/**
 * A Graph object as a Pulumi dynamic resource (type `pulumi-nodejs:dynamic/entra-signup/graph:<kind>`, run
 * by the Node.js dynamic-provider host). What `pulumi.dynamic.Resource` does, except that the stored
 * provider is the fixed shim of provider-shim.ts rather than a serialized closure: nothing is serialized
 * while the program runs, and state holds under 3 KB per copy instead of the provider's code.
 */
export class GraphResource extends pulumi.CustomResource {
  constructor(
    kind: GraphResourceKind,
    name: string,
    outputs: readonly string[],
    args: object,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      `pulumi-nodejs:dynamic/${packageName}/graph:${kind}`,
      name,
      {
        ...seedOutputs(outputs),
        ...args,
        [providerVersionKey]: providerVersion(),
        __provider: storedProviderText(kind),
      },
      opts,
    );
  }
}
