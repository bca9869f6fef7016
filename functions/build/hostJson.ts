/** `host.json` for the connector app (Functions runtime 4, Node v4 programming model). */
export const HOST_JSON = {
  version: "2.0",
  // Triggers other than HTTP (a future queue consumer) come from the extension bundle.
  extensionBundle: { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" },
  extensions: { http: { routePrefix: "api" } },
  logging: {
    logLevel: { default: "Information" },
    applicationInsights: {
      // Decision lines are traces: sampling them would skew block rates and latency percentiles in KQL.
      samplingSettings: { isEnabled: true, excludedTypes: "Request;Trace;Exception" },
    },
  },
} as const;
