/**
 * `rateLimit.perClientIp`: external-tenant sign-ups are counted per client address (IPv4 alone, IPv6 by
 * its /64) through the same RateLimiter port as the per-domain limit: exact under concurrency, a retry of
 * the same sign-up counted once, off by default, and never applied to B2X calls (which carry no address).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EXTENSION_ROUTES } from "../../contract/extensionRoutes";
import { parsePolicy } from "../../contract/policy/load";
import {
  MemoryApprovalStore,
  MemoryEventSink,
  MemoryLogger,
  MemoryRateLimiter,
} from "../../functions/engine/memory";
import { processRequest, type CallContext } from "../../functions/engine/pipeline";
import type { RateLimiter } from "../../functions/engine/types";
import { startAzurite } from "../../local/azurite";
import { loadStorageSettings } from "../../functions/settings";
import { createStorageClients } from "../../functions/storage/clients";
import { TableRateLimiter } from "../../functions/storage/rateLimiter";
import { ATTRIBUTE_IDS, attributeCollection, seedPolicy } from "./helpers/fixtures";
import { onlyAction, partnerSubmit, startExtensionHost } from "./helpers/extension";

function deps(perClientIp: number | undefined, rateLimiter: RateLimiter = new MemoryRateLimiter()) {
  const policy = parsePolicy({
    ...seedPolicy(),
    rateLimit: {
      perDomain: 1000,
      windowHours: 1,
      onStoreError: "failClosed",
      ...(perClientIp ? { perClientIp } : {}),
    },
  });
  return {
    policy,
    attributeIds: ATTRIBUTE_IDS,
    now: () => new Date("2026-01-01T00:00:00Z"),
    rateLimiter,
    approvals: new MemoryApprovalStore(),
    events: new MemoryEventSink(),
    logger: new MemoryLogger(),
  };
}

const submit = (email: string, d: ReturnType<typeof deps>, call: CallContext) =>
  processRequest("postAttributeCollection", attributeCollection(email, "Partner Company"), d, call);

describe("rate limit per client address", () => {
  test("IPv4: the address's limit refuses the next person with client_rate_limited; a retry counts once", async () => {
    const d = deps(2);
    const ip = { clientIp: "30.51.176.110" };
    const reasons = [];
    for (const email of [
      "a@partner-company.com",
      "b@partner-company.com",
      "a@partner-company.com",
      "c@partner-company.com",
    ])
      reasons.push((await submit(email, d, ip)).reason);
    assert.deepEqual(reasons, ["allowed", "allowed", "allowed", "client_rate_limited"]);
    assert.equal((await submit("c@partner-company.com", d, { clientIp: "30.51.176.111" })).reason, "allowed");
  });

  test("IPv6: addresses in one /64 share a counter, another /64 has its own", async () => {
    const d = deps(1);
    assert.equal(
      (await submit("a@partner-company.com", d, { clientIp: "2a0d:0:0:0:0:0:e02d:78d3" })).reason,
      "allowed",
    );
    assert.equal(
      (await submit("b@partner-company.com", d, { clientIp: "2a0d::1" })).reason,
      "client_rate_limited",
    );
    assert.equal((await submit("b@partner-company.com", d, { clientIp: "2a0d:0:0:1::1" })).reason, "allowed");
  });

  test("concurrent sign-ups from one address: exactly the limit is admitted", async () => {
    const d = deps(5);
    const decisions = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submit(`p${i}@partner-company.com`, d, { clientIp: "2a0d::9" })),
    );
    assert.equal(decisions.filter((x) => x.reason === "allowed").length, 5);
    assert.equal(decisions.filter((x) => x.reason === "client_rate_limited").length, 15);
  });

  test("a refused address does not use up its domain's slots", async () => {
    const counted: string[] = [];
    const limiter = new MemoryRateLimiter();
    const spy: RateLimiter = {
      consume: (input) => {
        counted.push(input.domain);
        return limiter.consume(input);
      },
    };
    const d = deps(1, spy);
    await submit("a@partner-company.com", d, { clientIp: "192.0.2.1" });
    await submit("b@partner-company.com", d, { clientIp: "192.0.2.1" });
    assert.deepEqual(counted, ["client:v4:192.0.2.1", "partner-company.com", "client:v4:192.0.2.1"]);
  });

  test("off by default; B2X calls (no address) and unparsable addresses are only counted per domain", async () => {
    const counted: string[] = [];
    const spy: RateLimiter = {
      consume: (input) => {
        counted.push(input.domain);
        return Promise.resolve({ allowed: true, count: 1 });
      },
    };
    await submit("a@partner-company.com", deps(undefined, spy), { clientIp: "192.0.2.1" });
    await submit("b@partner-company.com", deps(1, spy), {});
    await submit("c@partner-company.com", deps(1, spy), { clientIp: "192.0.2.1:8080" });
    assert.deepEqual(counted, ["partner-company.com", "partner-company.com", "partner-company.com"]);
  });

  test("a store failure follows onStoreError (failClosed here)", async () => {
    const broken: RateLimiter = { consume: () => Promise.reject(new Error("table down")) };
    const d = deps(1, broken);
    assert.equal(
      (await submit("a@partner-company.com", d, { clientIp: "192.0.2.1" })).reason,
      "store_unavailable",
    );
    assert.ok(!JSON.stringify(d.logger.warnings).includes("192.0.2.1"), "the address is not logged");
  });
});

test("the Submit route counts by authenticationContext.client.ip and answers a block page", async () => {
  const x = await startExtensionHost({
    ...seedPolicy(),
    rateLimit: { perDomain: 50, windowHours: 24, perClientIp: 1 },
  });
  try {
    const ip = "2a0d:0000:0000:0000:0000:0000:e02d:78d3";
    const first = await x.call(
      EXTENSION_ROUTES.attributeCollectionSubmit,
      partnerSubmit("one@partner-company.com", { ip }),
    );
    assert.equal(
      onlyAction(first.json)["@odata.type"],
      "microsoft.graph.attributeCollectionSubmit.modifyAttributeValues",
    );
    const second = await x.call(
      EXTENSION_ROUTES.attributeCollectionSubmit,
      partnerSubmit("two@partner-company.com", { ip: "2a0d::5" }),
    );
    const action = onlyAction(second.json);
    assert.equal(action["@odata.type"], "microsoft.graph.attributeCollectionSubmit.showBlockPage");
    assert.match(String(action.message), /from your network/);
  } finally {
    await x.stop();
  }
});

test("on Table storage (two instances, Azurite), one IPv6 /64 admits exactly its limit under a burst", async () => {
  const azurite = await startAzurite();
  try {
    const storage = loadStorageSettings({ AzureWebJobsStorage: azurite.connectionString });
    const [a, b] = [0, 1].map(() => new TableRateLimiter(createStorageClients(storage), "ClientLimits"));
    const [da, db] = [deps(4, a), deps(4, b)];
    const decisions = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        submit(`t${i}@partner-company.com`, i % 2 ? da : db, { clientIp: `2a0d:0:0:0:${i.toString(16)}::1` }),
      ),
    );
    assert.equal(decisions.filter((x) => x.reason === "allowed").length, 4);
    assert.equal(decisions.filter((x) => x.reason === "client_rate_limited").length, 12);
    const admitted = decisions.findIndex((x) => x.reason === "allowed");
    const again = await submit(`t${admitted}@partner-company.com`, db, { clientIp: "2a0d::78" });
    assert.equal(again.reason, "allowed", "the same sign-up retried is counted once");
  } finally {
    await azurite.stop();
  }
});
