/**
 * Storage round trips per decision, counted through a proxy in front of Azurite (calls, not time): each
 * outcome makes exactly the minimum its guarantees need (functions/storage/roundTrips.ts).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { STORAGE_CALLS_MINIMUM, type StorageOutcome } from "../../functions/storage/roundTrips";
import { startAzurite, type Azurite } from "../../local/azurite";
import type { ConnectorHost } from "../../local/connector-host/server";
import {
  countCallsPerOutcome,
  describeCalls,
  startStorageCallCounter,
  type OutcomeProbe,
  type StorageCallCounter,
} from "../../local/storage-calls";
import { attributeCollection, basicAuthHeader, seedPolicy } from "./helpers/fixtures";
import { reply, startHost } from "./helpers/host";

let azurite: Azurite;
let counter: StorageCallCounter;
let host: ConnectorHost;
before(async () => {
  azurite = await startAzurite();
  counter = await startStorageCallCounter(azurite);
  const policy = {
    ...seedPolicy(),
    rateLimit: { perDomain: 2, windowHours: 24, onStoreError: "failClosed" },
  };
  host = await startHost(azurite, {
    SIGNUP_POLICY: JSON.stringify(policy),
    AzureWebJobsStorage: counter.connectionString,
    // Counts, not time: a loaded machine must not turn a slow call into a timeout and a retried call.
    SIGNUP_STORAGE_TIMEOUT_MS: "15000",
  });
});
after(async () => {
  await host.close();
  await counter.close();
  await azurite.stop();
});

async function post(step: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${host.url}/api/${step}`, {
    method: "POST",
    headers: { authorization: basicAuthHeader(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await reply(response)).json;
}

const person = (local: string) => attributeCollection(`${local}@partner-company.com`, "Partner Company");

test("each outcome makes exactly the minimum number of Table/Queue calls", async () => {
  // Warm-up: the first decision waits for the tables and the queue to exist (once per process).
  const warm = attributeCollection("warm@consulting-firm.net", "Consulting Firm");
  assert.equal((await post("postAttributeCollection", warm)).action, "Continue");
  const probes: OutcomeProbe<StorageOutcome>[] = [
    {
      outcome: "federationContinue",
      step: "postFederationSignup",
      body: { email: "ann@partner-company.com" },
      expect: "Continue",
    },
    { outcome: "accepted", step: "postAttributeCollection", body: person("ann"), expect: "Continue" },
    { outcome: "retry", step: "postAttributeCollection", body: person("ann"), expect: "Continue" },
    {
      outcome: "blocked",
      step: "postAttributeCollection",
      body: attributeCollection("someone@gmail.com", "Gmail"),
      expect: "ShowBlockPage:domain_blocked",
    },
    {
      outcome: "validationError",
      step: "postAttributeCollection",
      body: attributeCollection("dee@partner-company.com", "Partner Company", "too short"),
      expect: "ValidationError:justification_too_short",
    },
    // A second person fills the domain (limit 2); the third is refused.
    { outcome: "accepted", step: "postAttributeCollection", body: person("bo"), expect: "Continue" },
    {
      outcome: "rateLimited",
      step: "postAttributeCollection",
      body: person("cy"),
      expect: "ShowBlockPage:rate_limited",
    },
  ];
  const counts = await countCallsPerOutcome(counter, post, probes);
  for (const [i, count] of counts.entries()) {
    assert.equal(count.answer, probes[i]!.expect, `${count.outcome}: the decision itself`);
    assert.equal(
      count.calls.length,
      STORAGE_CALLS_MINIMUM[count.outcome],
      `${count.outcome}: ${describeCalls(count.calls)}`,
    );
  }
  const byOutcome = new Map(counts.map((c) => [c.outcome, c.calls.map((call) => call.operation)]));
  assert.deepEqual(byOutcome.get("rateLimited"), [
    "query entities",
    "insert entity",
    "send message",
    "merge entity",
  ]);
  assert.deepEqual(byOutcome.get("accepted"), [
    "transaction",
    "insert entity",
    "send message",
    "merge entity",
  ]);
  assert.deepEqual(byOutcome.get("retry"), ["transaction", "query entities", "insert entity", "get entity"]);
});
