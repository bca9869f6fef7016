import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { GraphConnection } from "../connection";
import { packageName, providerVersionKey, storedProvider } from "./provider-shim";

/** Fields every Graph resource takes. */
export interface GraphResourceArgs {
  /** How to reach Graph (cloud, tenant, optional emulator root). Changing it never replaces anything. */
  readonly connection: pulumi.Input<GraphConnection>;
}

/** Output names seeded as `undefined` so the engine reports them (dynamic-provider requirement). */
export function seedOutputs(names: readonly string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((n) => [n, undefined]));
}

/**
 * The provider of each Graph resource, as stored in state: a shim naming the module and export that hold
 * the code (see provider-shim.ts). One object per kind, so the program serializes each kind once.
 */
export const graphProviders = {
  SelfServiceSignUpPolicy: storedProvider({
    module: "components/graph/providers/policy",
    exportName: "selfServiceSignUpPolicyProvider",
  }),
  UserFlowAttribute: storedProvider({
    module: "components/graph/providers/attribute",
    exportName: "userFlowAttributeProvider",
  }),
  ApiConnector: storedProvider({
    module: "components/graph/providers/connector",
    exportName: "apiConnectorProvider",
  }),
  B2xUserFlow: storedProvider({
    module: "components/graph/providers/userflow",
    exportName: "b2xUserFlowProvider",
  }),
  UserFlowAppAssociation: storedProvider({
    module: "components/graph/providers/listener",
    exportName: "userFlowAppAssociationProvider",
  }),
  SocialIdentityProvider: storedProvider({
    module: "components/graph/providers/social-idp",
    exportName: "socialIdentityProviderProvider",
  }),
} as const;

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

/** The inputs every Graph resource sends: its seeded outputs, its arguments and the provider version. */
export function graphResourceProps<T extends object>(
  outputs: readonly string[],
  args: T,
): Record<string, unknown> {
  return { ...seedOutputs(outputs), ...args, [providerVersionKey]: providerVersion() };
}
