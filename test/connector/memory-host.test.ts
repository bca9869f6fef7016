/**
 * The local host's in-memory storage mode (tests and the benchmark): the same handlers answer without
 * any storage account, state survives a settings reload, and the mode is refused off loopback.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startConnectorHost } from "../../local/connector-host/server";
import { attributeCollection, basicAuthHeader, basicSettings } from "./helpers/fixtures";
import { reply } from "./helpers/host";

function memoryEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const { AzureWebJobsStorage: _unused, ...env } = basicSettings("unused", overrides);
  return env;
}

test("in-memory storage: decisions, the rate limit and events work without AzureWebJobsStorage", async () => {
  const policy = { version: "1.0.0", domains: { allow: [{ domain: "partner-company.com" }] } };
  const host = await startConnectorHost({
    port: 0,
    storage: "memory",
    env: memoryEnv({
      SIGNUP_POLICY: JSON.stringify({ ...policy, rateLimit: { perDomain: 2, windowHours: 1 } }),
    }),
    log: () => {},
  });
  try {
    const post = async (email: string) =>
      reply(
        await fetch(`${host.url}/api/postAttributeCollection`, {
          method: "POST",
          headers: { authorization: basicAuthHeader(), "content-type": "application/json" },
          body: JSON.stringify(attributeCollection(email, "Partner Company")),
        }),
      );
    const actions = [];
    for (const email of ["a@partner-company.com", "b@partner-company.com", "a@partner-company.com"])
      actions.push((await post(email)).json.action);
    assert.deepEqual(actions, ["Continue", "Continue", "Continue"], "a retry is not counted twice");
    const third = await post("c@partner-company.com");
    assert.equal(third.json.action, "ShowBlockPage");
    assert.equal(third.json.code, "rate_limited");
  } finally {
    await host.close();
  }
});

test("in-memory storage is refused on a non-loopback address", async () => {
  await assert.rejects(
    startConnectorHost({ port: 0, hostname: "0.0.0.0", storage: "memory", env: memoryEnv(), log: () => {} }),
    /in-memory storage is for local tests only/,
  );
});
