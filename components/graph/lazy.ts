/**
 * Heavy packages are loaded here, at call time, never at module top level: the provider process loads
 * every Graph provider on its first call (resources/provider-shim.ts), and a no-op `up` — check and diff
 * only — then loads neither the Graph SDK nor @azure/identity (node-forge only to read a given
 * certificate). It also keeps a client or credential out of any provider that an older release
 * serialized into state by value (pulumi/pulumi#8265).
 * These `require`s stay calls when the shim bundles the providers (packages are external), so they
 * resolve from the package's node_modules in the provider process.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- see the module comment */

export function graphSdk(): typeof import("@microsoft/microsoft-graph-client") {
  return require("@microsoft/microsoft-graph-client");
}

export function azureIdentity(): typeof import("@azure/identity") {
  return require("@azure/identity");
}

export function forge(): typeof import("node-forge") {
  return require("node-forge");
}

export function nodeCrypto(): typeof import("node:crypto") {
  return require("node:crypto");
}
