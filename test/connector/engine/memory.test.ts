/** The in-memory ports define the semantics the Azure Table/Queue versions must match. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EVENT_DEDUP_WINDOW_MS, signupEventId } from "../../../functions/engine/events";
import { MemoryApprovalStore, MemoryEventSink, MemoryRateLimiter } from "../../../functions/engine/memory";
import { NOW } from "./fixtures";

const consume = (rl: MemoryRateLimiter, email: string, now = NOW) =>
  rl.consume({ domain: "a.com", email, limit: 2, windowMs: 60_000, now });

test("the rate limiter counts an email once per window and never exceeds the limit", async () => {
  const rl = new MemoryRateLimiter();
  assert.deepEqual(await consume(rl, "x@a.com"), { allowed: true, count: 1 });
  assert.deepEqual(await consume(rl, "x@a.com"), { allowed: true, count: 1 });
  assert.deepEqual(await consume(rl, "y@a.com"), { allowed: true, count: 2 });
  assert.deepEqual(await consume(rl, "z@a.com"), { allowed: false, count: 2 });
  assert.deepEqual(
    await consume(rl, "y@a.com"),
    { allowed: true, count: 2 },
    "an already counted email stays allowed",
  );
  assert.deepEqual(await consume(rl, "z@a.com", new Date(NOW.getTime() + 60_001)), {
    allowed: true,
    count: 1,
  });
});

test("concurrent consumes never overshoot the limit", async () => {
  const rl = new MemoryRateLimiter();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => consume(rl, `u${i}@a.com`)));
  assert.equal(results.filter((r) => r.allowed).length, 2);
});

test("the approval store creates one request per email and records decisions", async () => {
  const store = new MemoryApprovalStore();
  const [a, b] = await Promise.all([
    store.getOrCreate({ email: "Eve@x.com", domain: "x.com", now: NOW }),
    store.getOrCreate({ email: "eve@x.com", domain: "x.com", now: NOW }),
  ]);
  assert.equal(a.id, b.id);
  assert.equal(a.status, "pending");
  const decided = await store.decide(a.id, "approved", "admin", NOW);
  assert.equal(decided.decidedBy, "admin");
  assert.equal(
    (await store.getOrCreate({ email: "eve@x.com", domain: "x.com", now: NOW })).status,
    "approved",
  );
  assert.equal((await store.list({ status: "pending" })).length, 0);
  await assert.rejects(store.decide("nope", "denied", "admin", NOW), /not found/);
});

test("the event sink drops a repeated id inside the dedup window and accepts it after", async () => {
  const sink = new MemoryEventSink();
  const id = signupEventId("postAttributeCollection", "a@x.com", "signup.blocked");
  const event = (at: number) => ({
    id,
    type: "signup.blocked" as const,
    step: "postAttributeCollection" as const,
    reason: "rate_limited",
    at: new Date(at).toISOString(),
  });
  await sink.emit(event(NOW.getTime()));
  await sink.emit(event(NOW.getTime() + 40_000));
  await sink.emit(event(NOW.getTime() + EVENT_DEDUP_WINDOW_MS + 1));
  assert.equal(sink.events.length, 2);
  assert.notEqual(id, signupEventId("postAttributeCollection", "a@x.com", "signup.accepted"));
  assert.notEqual(id, signupEventId("postFederationSignup", "a@x.com", "signup.blocked"));
});

test("the event sink stays bounded on a long-running host: the newest events are kept, old ids forgotten", async () => {
  const sink = new MemoryEventSink(100);
  const at = (i: number) => new Date(NOW.getTime() + i * 1_000).toISOString();
  const event = (i: number, id = `id-${i}`) => ({
    id,
    type: "signup.accepted" as const,
    step: "postAttributeCollection" as const,
    reason: "allowed",
    at: at(i),
  });
  for (let i = 0; i < 1_000; i++) await sink.emit(event(i));
  assert.ok(sink.events.length <= 200, `kept ${sink.events.length}`);
  assert.equal(sink.events.at(-1)?.id, "id-999");
  // Inside the window a repeat is still dropped; the id of a sign-up past the window is emitted again.
  await sink.emit(event(1_000, "id-999"));
  assert.equal(sink.events.at(-1)?.at, at(999));
  await sink.emit(event(1_000, "id-0"));
  assert.equal(sink.events.at(-1)?.id, "id-0");
  const windowSeconds = EVENT_DEDUP_WINDOW_MS / 1_000;
  await sink.emit(event(999 + windowSeconds, "id-999"));
  assert.equal(sink.events.at(-1)?.at, at(999 + windowSeconds));
});
