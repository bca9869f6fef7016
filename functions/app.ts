/**
 * Entry point of the connector Function App (the bundle's `main`). Settings are validated while the
 * worker loads this module: a bad setting throws one SettingsError listing every problem, the host
 * reports it as a load failure and registers no function, instead of answering sign-ups wrongly.
 * No network call happens here; storage clients connect on first use.
 */
import { connectorFunctions, registerFunctions } from "./registry";
import { createRuntime } from "./runtime";
import { loadSettings } from "./settings";

const runtime = createRuntime(loadSettings(process.env));
registerFunctions(connectorFunctions(() => runtime));
