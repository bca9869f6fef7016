/**
 * The Table rate limiter claims bounded slots in the domain's partition, so it stays exact under any burst
 * across hosts; contention is never reported as storage unavailability, and a retry is counted once.
 */
import fc from "fast-check";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startAzurite, type Azurite } from "../../local/azurite";
import type { ConnectorHost } from "../../local/connector-host/server";
import { loadStorageSettings } from "../../functions/settings";
import { createStorageClients } from "../../functions/storage/clients";
import { MemoryRateLimiter } from "../../functions/engine/memory";
import { TableRateLimiter } from "../../functions/storage/rateLimiter";
import { startStorageCallCounter } from "../../local/storage-calls";
import { attributeCollection, basicAuthHeader, seedPolicy } from "./helpers/fixtures";
import { reply, startHost } from "./helpers/host";

let azurite: Azurite;
before(async () => {
  azurite = await startAzurite();
});
after(() => azurite.stop());

function instance(table: string): TableRateLimiter {
  const storage = loadStorageSettings({ AzureWebJobsStorage: azurite.connectionString });
  return new TableRateLimiter(createStorageClients(storage), table);
}

const window = { limit: 5, windowMs: 3_600_000 };

test("two instances taking turns on one domain admit exactly the limit", async () => {
  const [a, b] = [instance("LimitTurns"), instance("LimitTurns")];
  const now = new Date();
  const allowed: boolean[] = [];
  for (let i = 0; i < 12; i++) {
    const limiter = i % 3 === 0 ? b : a;
    const result = await limiter.consume({
      domain: "turns.example",
      email: `u${i}@turns.example`,
      now,
      ...window,
    });
    allowed.push(result.allowed);
  }
  assert.equal(allowed.filter(Boolean).length, window.limit);
  assert.deepEqual(allowed.slice(window.limit), Array<boolean>(12 - window.limit).fill(false));
});

test("concurrent sign-ups over two instances: exactly the limit, and a retry counts once", async () => {
  const [a, b] = [instance("LimitRace"), instance("LimitRace")];
  const now = new Date();
  await a.consume({ domain: "race.example", email: "first@race.example", now, ...window });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? a : b).consume({ domain: "race.example", email: `u${i}@race.example`, now, ...window }),
    ),
  );
  assert.equal(results.filter((r) => r.allowed).length, window.limit - 1);
  const retry = await b.consume({ domain: "race.example", email: "first@race.example", now, ...window });
  assert.deepEqual(retry, { allowed: true, count: window.limit });
});

test("a burst from one domain on one instance: one transaction per sign-up, no lost claims, exact limit", async () => {
  const counter = await startStorageCallCounter(azurite);
  try {
    const storage = loadStorageSettings({ AzureWebJobsStorage: counter.connectionString });
    const limiter = new TableRateLimiter(createStorageClients(storage), "LimitBurst");
    await limiter.prepare();
    const now = new Date();
    const burst = (from: number, count: number, limit: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          limiter.consume({
            domain: "burst.example",
            email: `u${from + i}@burst.example`,
            now,
            limit,
            windowMs: 3_600_000,
          }),
        ),
      );
    const first = counter.calls.length;
    const admitted = await burst(0, 16, 50);
    assert.ok(admitted.every((r) => r.allowed));
    const calls = counter.calls.slice(first).map((c) => `${c.operation} ${c.status}`);
    // Concurrent requests of one instance never aim at the same slot: 16 claims, none lost, no read.
    assert.deepEqual(calls, Array<string>(16).fill("transaction 202"));
    // The limit stays exact when a burst overshoots it: 50 live slots at most, whatever the interleaving.
    const more = await burst(16, 40, 50);
    assert.equal(more.filter((r) => r.allowed).length, 34);
  } finally {
    await counter.close();
  }
});

test("the same person racing themselves on two instances takes one slot", async () => {
  const [a, b] = [instance("LimitSelf"), instance("LimitSelf")];
  const now = new Date();
  const same = { domain: "self.example", email: "jo@self.example", now, ...window };
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).consume(same)));
  assert.ok(results.every((r) => r.allowed));
  const other = await a.consume({ ...same, email: "other@self.example" });
  assert.deepEqual(other, { allowed: true, count: 2 }, "the ten attempts of one person counted once");
});

test("the window rolls: a slot whose sign-up left the window is taken again, a live one is not", async () => {
  const limiter = instance("LimitRoll");
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const at = (ms: number) => new Date(t0 + ms);
  const one = { domain: "roll.example", limit: 2, windowMs: 1_000 };
  assert.equal((await limiter.consume({ ...one, email: "a@roll.example", now: at(0) })).allowed, true);
  assert.equal((await limiter.consume({ ...one, email: "b@roll.example", now: at(500) })).allowed, true);
  assert.equal((await limiter.consume({ ...one, email: "c@roll.example", now: at(900) })).allowed, false);
  // a left the window at 1000 ms; b is still in it.
  assert.deepEqual(await limiter.consume({ ...one, email: "c@roll.example", now: at(1_200) }), {
    allowed: true,
    count: 2,
  });
  assert.equal((await limiter.consume({ ...one, email: "d@roll.example", now: at(1_300) })).allowed, false);
  // a signing up again after the window is a new sign-up (its old handle row is replaced).
  assert.equal((await limiter.consume({ ...one, email: "a@roll.example", now: at(1_600) })).allowed, true);
});

test("a store that is really down is reported as unavailable with its cause", async () => {
  const storage = loadStorageSettings({
    AzureWebJobsStorage:
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
      Buffer.alloc(64).toString("base64") +
      ";TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;",
  });
  const limiter = new TableRateLimiter(createStorageClients(storage), "LimitDown");
  await assert.rejects(
    limiter.consume({ domain: "down.example", email: "a@down.example", now: new Date(), ...window }),
    (error: Error) => {
      assert.equal(error.name, "StorageUnavailableError");
      assert.doesNotMatch(error.message, /: Error$/, "the cause is named, not just `Error`");
      assert.match(error.message, /ECONNREFUSED|connect/i);
      return true;
    },
  );
});

for (const onStoreError of ["failOpen", "failClosed"] as const) {
  test(`two hosts, 200 parallel sign-ups from one domain, limit 50, ${onStoreError}: exactly 50 admitted, 150 rate-limited`, async () => {
    const policy = { ...seedPolicy(), rateLimit: { perDomain: 50, windowHours: 24, onStoreError } };
    const logs: string[] = [];
    const settings = {
      SIGNUP_POLICY: JSON.stringify(policy),
      SIGNUP_RATE_LIMIT_TABLE: `Burst${onStoreError}`,
      // The test is about contention, not a slow machine: a loaded CI box must not turn a slow call into
      // a real timeout (which would rightly count as "unavailable").
      SIGNUP_STORAGE_TIMEOUT_MS: "15000",
    };
    const hosts: ConnectorHost[] = [];
    try {
      hosts.push(await startHost(azurite, settings, logs), await startHost(azurite, settings, logs));
      const replies = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const host = hosts[i % 2]!;
          const response = await fetch(`${host.url}/api/postAttributeCollection`, {
            method: "POST",
            headers: { authorization: basicAuthHeader(), "content-type": "application/json" },
            body: JSON.stringify(attributeCollection(`person${i}@partner-company.com`, "Partner Company")),
          });
          return (await reply(response)).json;
        }),
      );
      const admitted = replies.filter((r) => r.action === "Continue").length;
      const limited = replies.filter((r) => r.code === "rate_limited").length;
      assert.deepEqual({ admitted, limited }, { admitted: 50, limited: 150 });
      assert.ok(
        !logs.some((l) => /unavailable|rate limiter failed/i.test(l)),
        "no request saw the store as down",
      );
    } finally {
      await Promise.all(hosts.map((h) => h.close()));
    }
  });
}

test("any sequence of sign-ups over two instances gets the same answers as the in-memory limiter", async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }),
      fc.array(
        fc.record({
          instance: fc.integer({ min: 0, max: 1 }),
          person: fc.integer({ min: 0, max: 4 }),
          advanceMs: fc.integer({ min: 0, max: 700 }),
        }),
        { minLength: 1, maxLength: 10 },
      ),
      async (limit, steps) => {
        const table = `LimitModel${run++}`;
        const instances = [instance(table), instance(table)];
        const model = new MemoryRateLimiter();
        let clock = Date.parse("2026-01-01T00:00:00Z");
        for (const step of steps) {
          clock += step.advanceMs;
          const call = {
            domain: "model.example",
            email: `p${step.person}@model.example`,
            limit,
            windowMs: 1_000,
          };
          const now = new Date(clock);
          const expected = await model.consume({ ...call, now });
          const actual = await instances[step.instance]!.consume({ ...call, now });
          assert.equal(actual.allowed, expected.allowed, JSON.stringify({ limit, steps }));
        }
      },
    ),
    { numRuns: 15 },
  );
});
