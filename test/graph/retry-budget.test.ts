/**
 * The Graph client's retry budget for 429/503/504 is the throttling window, not the sum of `Retry-After`
 * values: a fake clock records every wait the middleware asks for, so nothing here depends on time.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import {
  createRequestHeader,
  RetryMiddleware,
  throttlePolicy,
  throttleWindowEnv,
  type RetryClock,
} from "../../components/graph/retry";

/** A clock whose `sleep` only records the wait and moves time forward by it. */
function fakeClock(): RetryClock & { waits: number[] } {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  };
}

/** Graph answering `failures` times with `status` (and `Retry-After` when given), then 200. */
function graphAnswering(
  status: number,
  failures: number,
  retryAfter?: string,
): Middleware & { calls: number } {
  return {
    calls: 0,
    async execute(ctx: Context) {
      this.calls++;
      const headers: Record<string, string> = retryAfter === undefined ? {} : { "Retry-After": retryAfter };
      ctx.response =
        this.calls <= failures
          ? new Response("{}", { status, headers })
          : new Response("{}", { status: 200 });
    },
    setNext() {},
  };
}

async function run(
  graph: Middleware,
  clock: RetryClock,
  opts: { create?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<number | undefined> {
  const mw = new RetryMiddleware(throttlePolicy(opts.env ?? {}), clock);
  mw.setNext(graph);
  const headers: Record<string, string> = opts.create ? { [createRequestHeader]: "1" } : {};
  const ctx: Context = { request: "https://graph.example/v1.0/x", options: { method: "POST", headers } };
  const saved = process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE;
  delete process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE;
  try {
    await mw.execute(ctx);
  } finally {
    if (saved !== undefined) process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE = saved;
  }
  return ctx.response?.status;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

test("a permanent 429 with Retry-After: 1 is retried for the whole 60 s window, not 6 s", async () => {
  const clock = fakeClock();
  const graph = graphAnswering(429, Number.POSITIVE_INFINITY, "1");
  assert.equal(await run(graph, clock), 429, "gives up in the end, with Graph's answer");
  assert.ok(sum(clock.waits) >= 60_000, `waited ${sum(clock.waits)} ms in all`);
  assert.ok(
    clock.waits.every((w) => w >= 1000),
    "every wait honours Retry-After as a floor",
  );
  assert.ok(
    sum(clock.waits) < 60_000 + 60_000,
    "and stops once the window is over (one wait at most past it)",
  );
  assert.equal(graph.calls, clock.waits.length + 1);
});

test("every 429, 503 and 504 gets the whole window, with or without Retry-After", async () => {
  for (const status of [429, 503, 504]) {
    for (const retryAfter of [undefined, "1", "0"]) {
      const clock = fakeClock();
      await run(graphAnswering(status, Number.POSITIVE_INFINITY, retryAfter), clock);
      assert.ok(sum(clock.waits) >= 60_000, `${status} Retry-After ${retryAfter}: ${sum(clock.waits)} ms`);
    }
  }
});

test("seven 429s with Retry-After: 1 no longer exhaust the client: the eighth answer is used", async () => {
  const clock = fakeClock();
  const graph = graphAnswering(429, 7, "1");
  assert.equal(await run(graph, clock), 200);
  assert.equal(graph.calls, 8);
  assert.equal(clock.waits.length, 7);
});

test("a long Retry-After is waited in full (up to the 60 s cap of one wait)", async () => {
  const clock = fakeClock();
  await run(graphAnswering(429, 2, "45"), clock);
  assert.deepEqual(clock.waits, [45_000, 45_000]);
});

test("the window is configurable with ENTRA_SIGNUP_GRAPH_THROTTLE_WINDOW_SECONDS; a bad value is refused", async () => {
  const clock = fakeClock();
  await run(graphAnswering(429, Number.POSITIVE_INFINITY, "1"), clock, {
    env: { [throttleWindowEnv]: "180" },
  });
  assert.ok(sum(clock.waits) >= 180_000, `waited ${sum(clock.waits)} ms`);
  // A zero window still makes the minimum number of retries.
  const quick = fakeClock();
  const graph = graphAnswering(503, Number.POSITIVE_INFINITY);
  await run(graph, quick, { env: { [throttleWindowEnv]: "0" } });
  assert.equal(graph.calls, 7, "1 + 6 retries");
  assert.throws(
    () => throttlePolicy({ [throttleWindowEnv]: "a minute" }),
    /ENTRA_SIGNUP_GRAPH_THROTTLE_WINDOW_SECONDS="a minute" is not a number of seconds ≥ 0; .*=120/,
  );
});

test("a create is retried on 429 for the window, but a 503 goes straight back to the caller", async () => {
  const throttled = fakeClock();
  await run(graphAnswering(429, Number.POSITIVE_INFINITY, "1"), throttled, { create: true });
  assert.ok(sum(throttled.waits) >= 60_000);
  const unavailable = fakeClock();
  const graph = graphAnswering(503, Number.POSITIVE_INFINITY);
  assert.equal(await run(graph, unavailable, { create: true }), 503);
  assert.equal(graph.calls, 1, "the caller looks the object up before any retry");
});
