/**
 * The housekeeping timer against Azurite, run on demand through the local host: event markers past the
 * dedup window and rate-limit entries past the window go; everything still deciding something stays,
 * and the limiter keeps counting correctly afterwards.
 */
import { TableClient } from "@azure/data-tables";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SETTING_DEFAULTS } from "../../functions/settings";
import { startAzurite, type Azurite } from "../../local/azurite";
import { startConnectorHost, type ConnectorHost } from "../../local/connector-host/server";
import { attributeCollection, basicAuthHeader, basicSettings, seedPolicy } from "./helpers/fixtures";
import { reply } from "./helpers/host";

const HOUR = 3_600_000;
let azurite: Azurite;
let host: ConnectorHost;
let offsetMs = 0;
const logs: string[] = [];
before(async () => {
  azurite = await startAzurite();
  const policy = {
    ...seedPolicy(),
    rateLimit: { perDomain: 3, windowHours: 24, onStoreError: "failClosed" },
  };
  host = await startConnectorHost({
    port: 0,
    env: basicSettings(azurite.connectionString, { SIGNUP_POLICY: JSON.stringify(policy) }),
    now: () => new Date(Date.now() + offsetMs),
    log: (_level, message) => logs.push(message),
  });
});
after(async () => {
  await host.close();
  await azurite.stop();
});

const table = (name: string) =>
  TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });

async function rows(name: string): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  for await (const row of table(name).listEntities<Record<string, unknown>>()) found.push(row);
  return found;
}

async function signUp(email: string) {
  const response = await fetch(`${host.url}/api/postAttributeCollection`, {
    method: "POST",
    headers: { authorization: basicAuthHeader(), "content-type": "application/json" },
    body: JSON.stringify(attributeCollection(email, "Partner Company")),
  });
  return (await reply(response)).json;
}

async function runNow(): Promise<Record<string, unknown>> {
  const response = await fetch(`${host.url}/admin/functions/housekeeping`, { method: "POST", body: "{}" });
  assert.equal(response.status, 202);
  assert.match(response.headers.get("content-type") ?? "", /application\/json/);
  const line = logs.filter((l) => l.includes('"signup.housekeeping"')).at(-1);
  return JSON.parse(line ?? "{}") as Record<string, unknown>;
}

test("housekeeping deletes only what no longer decides anything", async () => {
  const { SIGNUP_RATE_LIMIT_TABLE: limits, SIGNUP_EVENT_MARKERS_TABLE: markers } = SETTING_DEFAULTS;
  offsetMs = -20 * HOUR; // an old sign-up, 20 h ago ...
  assert.equal((await signUp("old@partner-company.com")).action, "Continue");
  offsetMs = 0; // ... and two now
  assert.equal((await signUp("a@partner-company.com")).action, "Continue");
  assert.equal((await signUp("b@partner-company.com")).action, "Continue");
  assert.equal((await signUp("c@partner-company.com")).code, "rate_limited", "3 in the window");
  const markerCount = (await rows(markers)).length;
  assert.ok(markerCount >= 3, `markers written: ${markerCount}`);

  const now = await runNow();
  assert.deepEqual([now.markersDeleted, now.rateLimitRowsDeleted], [0, 0]);
  assert.equal((await rows(markers)).length, markerCount, "markers inside the dedup window stay");

  offsetMs = 5 * HOUR; // the old sign-up is now 25 h old: outside the window; markers are past 10 min
  const later = await runNow();
  assert.equal(later.markersDeleted, markerCount);
  assert.equal(later.rateLimitRowsDeleted, 2, "the old sign-up's slot row and handle row");
  assert.equal((await rows(markers)).length, 0);
  const live = (await rows(limits)).filter((row) => String(row.rowKey).startsWith("s:"));
  assert.equal(live.length, 2, "the two live sign-ups are still counted");
  assert.ok(!logs.some((l) => l.includes("@")), "housekeeping logs counts, never an email");

  // The limiter still sees exactly the two live entries: one more fits, a fourth does not.
  assert.equal((await signUp("d@partner-company.com")).action, "Continue");
  assert.equal((await signUp("e@partner-company.com")).code, "rate_limited");

  offsetMs = 30 * HOUR; // everything expired: the row goes, and the next sign-up starts a fresh window
  assert.equal((await runNow()).rateLimitRowsDeleted, 6, "three slot rows and three handle rows");
  assert.equal((await rows(limits)).length, 0);
  assert.equal(
    (await signUp("f@partner-company.com")).action,
    "Continue",
    "a fresh window after the rows went",
  );
});

test("host.runTimer runs the same function; an unknown name is refused", async () => {
  await host.runTimer("housekeeping");
  await assert.rejects(host.runTimer("nope"), /no timer function named nope/);
  const response = await fetch(`${host.url}/admin/functions/nope`, { method: "POST" });
  assert.equal(response.status, 404);
});

test("housekeeping deletes a row of the earlier one-row-per-domain limiter layout", async () => {
  const { SIGNUP_RATE_LIMIT_TABLE: limits } = SETTING_DEFAULTS;
  await table(limits).createEntity({ partitionKey: "legacy.example", rowKey: "window", e0: "abc.1" });
  assert.equal((await runNow()).rateLimitRowsDeleted, 1);
  assert.ok(!(await rows(limits)).some((row) => row.rowKey === "window"));
});
