/**
 * `host.json` for the connector app (Functions runtime 4, Node v4 programming model).
 *
 * No `extensionBundle`: the runtime runs HTTP and timer triggers natively, and only other triggers and
 * bindings come from extension packages
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-register). The app uses only those
 * two (it writes to Table and Queue storage with the Azure SDKs, not through bindings), so a bundle would
 * be a floating download at start-up that nothing needs. A function with any other binding type must add a
 * bundle pinned to an exact version here; the build test checks every registered binding against
 * `BUILT_IN_BINDING_TYPES`.
 */
export const HOST_JSON = {
  version: "2.0",
  extensions: { http: { routePrefix: "api" } },
  logging: {
    logLevel: { default: "Information" },
    applicationInsights: {
      // Decision lines are traces: sampling them would skew block rates and latency percentiles in KQL.
      samplingSettings: { isEnabled: true, excludedTypes: "Request;Trace;Exception" },
    },
  },
} as const;

/** Binding types the Functions runtime provides without an extension bundle (HTTP in/out, timer). */
export const BUILT_IN_BINDING_TYPES: readonly string[] = ["httpTrigger", "http", "timerTrigger"];
