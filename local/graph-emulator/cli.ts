/**
 * `npm run graph-emulator -- --port 4100 [--host 127.0.0.1] [--state-file .local/graph.json] [--tenant-id <guid>]
 *  [--tenant-type AAD|CIAM] [--slow-request-ms 1000]`
 * Starts the Graph emulator, prints its URL and runs until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startGraphEmulator } from "./index";
import { TENANT_TYPES, type TenantType } from "./tenant";

const USAGE =
  "usage: graph-emulator [--port 4100] [--host 127.0.0.1] [--state-file .local/graph.json] [--tenant-id <guid>] [--tenant-type AAD|CIAM] [--slow-request-ms 1000]";

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "4100" },
        host: { type: "string", default: "127.0.0.1" },
        "state-file": { type: "string" },
        "tenant-id": { type: "string" },
        "tenant-type": { type: "string", default: "AAD" },
        "slow-request-ms": { type: "string", default: "1000" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    console.error(`graph-emulator: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`graph-emulator: --port must be a port number, got '${values.port}'`);
    process.exit(2);
  }
  const slowRequestMs = Number(values["slow-request-ms"]);
  if (!(slowRequestMs >= 0)) {
    console.error(
      `graph-emulator: --slow-request-ms must be a number of milliseconds, got '${values["slow-request-ms"]}'`,
    );
    process.exit(2);
  }
  const tenantType = values["tenant-type"] as TenantType;
  if (!TENANT_TYPES.includes(tenantType)) {
    console.error(
      `graph-emulator: --tenant-type must be one of ${TENANT_TYPES.join(", ")}, got '${values["tenant-type"]}'`,
    );
    process.exit(2);
  }
  try {
    const emulator = await startGraphEmulator({
      tenantType,
      port,
      host: values.host,
      stateFile: values["state-file"],
      tenantId: values["tenant-id"],
      slowRequestMs,
    });
    console.log(
      `Graph emulator listening on ${emulator.url} (tenant ${emulator.tenantId}, tenantType ${tenantType}; use ${emulator.url}/v1.0 or /beta)`,
    );
    const stop = () => {
      void emulator.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") {
      console.error(
        `graph-emulator: port ${port} is already in use on ${values.host}; choose another with --port <n>`,
      );
    } else {
      console.error(`graph-emulator: ${e.message}`);
    }
    process.exit(1);
  }
}

void main();
