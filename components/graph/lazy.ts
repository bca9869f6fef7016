/**
 * Heavy packages are loaded here, at call time, never at module top level. Dynamic providers are
 * serialized into state by value; a module-level import of the Graph SDK, @azure/identity or node-forge
 * would be captured by the serializer, and a captured client or credential can leak tokens into state
 * (pulumi/pulumi#8265). `require` is deliberately not captured by Pulumi's closure serializer, so in the
 * provider process it resolves from the program's node_modules.
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
