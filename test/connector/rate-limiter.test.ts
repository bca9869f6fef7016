/**
 * The Table rate limiter remembers the entity version it last wrote, to skip a read. These prove that
 * shortcut never decides on a stale copy: two instances sharing one table (two Function instances)
 * still admit exactly `limit` sign-ups, and a retry is still counted once.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startAzurite, type Azurite } from "../../local/azurite";
import { loadStorageSettings } from "../../functions/settings";
import { createStorageClients } from "../../functions/storage/clients";
import { TableRateLimiter } from "../../functions/storage/rateLimiter";

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
    const limiter = i % 3 === 0 ? b : a; // a writes twice in a row, then b changes the entity behind a's back
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
  // Warm both instances' remembered copies, then race 20 new sign-ups across them.
  await a.consume({ domain: "race.example", email: "first@race.example", now, ...window });
  await b.consume({ domain: "race.example", email: "first@race.example", now, ...window });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? a : b).consume({ domain: "race.example", email: `u${i}@race.example`, now, ...window }),
    ),
  );
  assert.equal(results.filter((r) => r.allowed).length, window.limit - 1);
  const retry = await a.consume({ domain: "race.example", email: "first@race.example", now, ...window });
  assert.deepEqual(retry, { allowed: true, count: window.limit });
});
