/**
 * `npm run connector -- [--port 7071] [--host 127.0.0.1] [--settings <file>] [--storage table|memory]`
 * Serves the connector functions locally with the same app settings as Azure (environment, or a JSON
 * settings file that is reloaded on change). Storage: point AzureWebJobsStorage at Azurite, or
 * `--storage memory` (loopback only) for tests and the benchmark.
 */
import { SettingsError } from "../../functions/settings";
import { parseCommandLine } from "../cli-usage";
import { startConnectorHost } from "./server";

const USAGE = `usage: npm run connector -- [--port <n>] [--host <addr>] [--settings <settings.json>] [--storage table|memory]

Serves the connector functions with the same app settings as Azure (environment, or a settings file that
is reloaded on change).
  --port <n>              default 7071 (or $PORT); 0 picks a free port
  --host <addr>           default 127.0.0.1
  --settings <file>       flat JSON of app settings, or local.settings.json ({ "Values": { … } })
  --storage table|memory  table (default): AzureWebJobsStorage, e.g. Azurite; memory: loopback tests only
  -h, --help              this text`;

async function main(): Promise<void> {
  const values = parseCommandLine("connector-host", USAGE, {
    port: { type: "string", default: process.env.PORT ?? "7071" },
    host: { type: "string", default: "127.0.0.1" },
    settings: { type: "string" },
    storage: { type: "string", default: "table" },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (values.storage !== "table" && values.storage !== "memory")
    throw new Error(`--storage must be "table" or "memory", got ${values.storage}`);
  const host = await startConnectorHost({
    port,
    hostname: values.host,
    settingsFile: values.settings,
    storage: values.storage,
  });
  // Machine-readable first line: tools (the benchmark, the simulator) read the URL from it.
  console.log(`connector-host listening on ${host.url}`);
  for (const fn of host.functions)
    console.log(`  ${fn.methods.join(",").padEnd(5)} ${host.url}${fn.route}  (${fn.name})`);
  for (const timer of host.timers)
    console.log(
      `  TIMER ${timer.name} (${timer.schedule}): run now with POST ${host.url}/admin/functions/${timer.name}`,
    );
  const stop = () => {
    // exit(1) if closing fails: a rejected close must not become an unhandled rejection.
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof SettingsError ? error.message : `connector-host: ${(error as Error).message}`,
  );
  process.exit(error instanceof SettingsError ? 2 : 1);
});
