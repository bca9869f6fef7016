/**
 * One Azurite and one local connector host per test file, on free ports, torn down after the file.
 */
import { startAzurite, type Azurite } from "../../../local/azurite";
import { startConnectorHost, type ConnectorHost } from "../../../local/connector-host/server";
import { basicAuthHeader, basicSettings } from "./fixtures";

export interface TestConnector {
  readonly azurite: Azurite;
  readonly host: ConnectorHost;
  readonly logs: string[];
  post(step: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  stop(): Promise<void>;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: tests assert on `text` or `status`.
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function startHost(
  azurite: Azurite,
  overrides: Record<string, string> = {},
  logs: string[] = [],
): Promise<ConnectorHost> {
  return startConnectorHost({
    port: 0,
    env: basicSettings(azurite.connectionString, overrides),
    log: (_level, message) => logs.push(message),
  });
}

export async function startTestConnector(overrides: Record<string, string> = {}): Promise<TestConnector> {
  const azurite = await startAzurite();
  const logs: string[] = [];
  let host: ConnectorHost;
  try {
    host = await startHost(azurite, overrides, logs);
  } catch (error) {
    await azurite.stop();
    throw error;
  }
  return {
    azurite,
    host,
    logs,
    post: async (step, body, headers = {}) =>
      reply(
        await fetch(`${host.url}/api/${step}`, {
          method: "POST",
          headers: { authorization: basicAuthHeader(), "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
    stop: async () => {
      await host.close();
      await azurite.stop();
    },
  };
}
