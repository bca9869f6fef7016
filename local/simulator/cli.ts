/**
 * `node --import tsx local/simulator/cli.ts --port <p> --graph-url <emulator root>` — the local sign-up
 * page, started as a service by `npm run local`.
 */
import { parseCommandLine } from "../cli-usage";
import { startSimulator } from "./server";

const usage =
  "usage: node --import tsx local/simulator/cli.ts [--port 4300] [--host 127.0.0.1] --graph-url <url> [--connector-timeout-ms 20000] [--slow-request-ms 1000]";

async function main(): Promise<number> {
  const values = parseCommandLine("simulator", usage, {
    port: { type: "string", default: "4300" },
    host: { type: "string", default: "127.0.0.1" },
    "graph-url": { type: "string" },
    "connector-timeout-ms": { type: "string" },
    "slow-request-ms": { type: "string", default: "1000" },
  });
  const port = Number(values.port);
  const timeout =
    values["connector-timeout-ms"] === undefined ? undefined : Number(values["connector-timeout-ms"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return fail(`--port must be 0-65535, got ${values.port}`);
  if (!values["graph-url"]) return fail("--graph-url is required (the Graph emulator's root URL)");
  if (timeout !== undefined && !(timeout > 0))
    return fail("--connector-timeout-ms must be a positive number");
  const slowRequestMs = Number(values["slow-request-ms"]);
  if (!(slowRequestMs >= 0)) return fail("--slow-request-ms must be a number of milliseconds (0 or more)");
  try {
    const sim = await startSimulator({
      port,
      host: values.host,
      graphUrl: values["graph-url"],
      connectorTimeoutMs: timeout,
      slowRequestMs,
    });
    console.log(`simulator listening on ${sim.url} (Graph: ${values["graph-url"]})`);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    return -1;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE")
      return fail(
        `port ${port} is already in use by another program: stop it, or pick another port with --port <port> (npm run local: --simulator-port)`,
      );
    throw err;
  }
}

function fail(message: string): number {
  console.error(`simulator: ${message}\n${usage}`);
  return 2;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(`simulator: ${(err as Error).message}`);
    process.exit(1);
  },
);
