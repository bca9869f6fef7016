/**
 * Entry point of the connector Function App (the bundle's `main`). Settings are validated while the
 * worker loads this module: a bad setting throws one SettingsError listing every problem, the host
 * reports it as a load failure and registers no function, instead of answering sign-ups wrongly.
 * No network call happens while loading: tables and the queue are created from the appStart hook,
 * without holding up start-up (a failure there is retried on first use).
 */
import { app } from "@azure/functions";
import { connectorFunctions, connectorTimers, registerFunctions, registerTimers } from "./registry";
import { createRuntime } from "./runtime";
import { loadSettings } from "./settings";

const runtime = createRuntime(loadSettings(process.env));
registerFunctions(connectorFunctions(() => runtime));
registerTimers(connectorTimers(() => runtime));
app.hook.appStart(() => {
  runtime.prepare?.().catch(() => undefined);
});
