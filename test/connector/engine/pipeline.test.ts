/** `processRequest` with the in-memory ports: ordering, rate limit, approvals, events, logging, failures. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { processRequest } from "../../../functions/engine/pipeline";
import { parsePolicy } from "../../../contract/policy/load";
import { ATTRIBUTE_IDS, memoryDeps, partnerRequest, policyWith } from "./fixtures";

const signup = (n: number, domain = "partner-company.com") => partnerRequest({ email: `user${n}@${domain}` });

test("the 51st sign-up from one domain in 24 h gets a block page; other domains are unaffected", async () => {
  const deps = memoryDeps();
  for (let i = 1; i <= 50; i++) {
    const d = await processRequest("postAttributeCollection", signup(i), deps);
    assert.equal(d.reason, "allowed", `sign-up ${i}`);
  }
  const fiftyFirst = await processRequest("postAttributeCollection", signup(51), deps);
  assert.equal(fiftyFirst.reason, "rate_limited");
  assert.equal(fiftyFirst.response.action, "ShowBlockPage");
  assert.match(String(fiftyFirst.response.userMessage), /Too many sign-up requests/);
  const other = await processRequest(
    "postAttributeCollection",
    partnerRequest({ email: "x@consulting-firm.net", [ATTRIBUTE_IDS.CompanyName!]: "Consulting Firm" }),
    deps,
  );
  assert.equal(other.reason, "allowed");
});

test("the window rolls: after 24 h the domain may sign up again", async () => {
  const deps = memoryDeps(
    policyWith({ rateLimit: { perDomain: 2, windowHours: 24, onStoreError: "failOpen" } }),
  );
  await processRequest("postAttributeCollection", signup(1), deps);
  await processRequest("postAttributeCollection", signup(2), deps);
  assert.equal((await processRequest("postAttributeCollection", signup(3), deps)).reason, "rate_limited");
  deps.clock = new Date(deps.clock.getTime() + 24 * 3_600_000 + 1);
  assert.equal((await processRequest("postAttributeCollection", signup(3), deps)).reason, "allowed");
});

test("the same email twice (Entra's retry) counts once", async () => {
  const deps = memoryDeps(
    policyWith({ rateLimit: { perDomain: 2, windowHours: 24, onStoreError: "failOpen" } }),
  );
  for (let i = 0; i < 3; i++)
    assert.equal((await processRequest("postAttributeCollection", signup(1), deps)).reason, "allowed");
  assert.equal(
    (
      await processRequest(
        "postAttributeCollection",
        partnerRequest({ email: " USER1@Partner-Company.com" }),
        deps,
      )
    ).reason,
    "allowed",
  );
  assert.equal((await processRequest("postAttributeCollection", signup(2), deps)).reason, "allowed");
  assert.equal((await processRequest("postAttributeCollection", signup(3), deps)).reason, "rate_limited");
});

test("requests refused by other rules, and postFederationSignup calls, are not counted", async () => {
  const deps = memoryDeps(
    policyWith({ rateLimit: { perDomain: 1, windowHours: 24, onStoreError: "failOpen" } }),
  );
  await processRequest("postAttributeCollection", signup(1, "gmail.com"), deps);
  await processRequest(
    "postAttributeCollection",
    partnerRequest({ email: "a@partner-company.com", [ATTRIBUTE_IDS.Justification!]: "short" }),
    deps,
  );
  await processRequest("postFederationSignup", signup(2), deps);
  assert.equal((await processRequest("postAttributeCollection", signup(3), deps)).reason, "allowed");
  assert.equal((await processRequest("postAttributeCollection", signup(4), deps)).reason, "rate_limited");
});

test("a failing rate limiter fails open or closed per policy, with a warning", async () => {
  const broken = { consume: () => Promise.reject(new Error("table down")) };
  const open = memoryDeps(undefined, { rateLimiter: broken } as never);
  assert.equal((await processRequest("postAttributeCollection", signup(1), open)).reason, "allowed");
  assert.match(open.logger.warnings[0]?.message ?? "", /rate limiter failed; failOpen/);
  assert.equal(open.logger.warnings[0]?.data?.domain, "partner-company.com");
  const closedPolicy = policyWith({
    rateLimit: { perDomain: 5, windowHours: 24, onStoreError: "failClosed" },
  });
  const closed = memoryDeps(closedPolicy, { rateLimiter: broken } as never);
  const d = await processRequest("postAttributeCollection", signup(1), closed);
  assert.equal(d.reason, "store_unavailable");
  assert.equal(d.response.action, "ShowBlockPage");
  assert.match(closed.logger.warnings[0]?.message ?? "", /failClosed/);
});

const approvalPolicy = parsePolicy({
  domains: { allow: [{ domain: "partner-company.com", role: "Partner" }], block: ["gmail.com"] },
  approval: { when: { notInAllowList: true }, pendingMessage: "Your sign-up request is pending approval." },
  enrichment: { roleAttribute: "PartnerRole", defaultRole: "Guest" },
  rateLimit: { perDomain: 1, windowHours: 24, onStoreError: "failOpen" },
  events: { enabled: true },
});

test("approval: pending → block page 'pending approval', approve → next attempt continues; created once", async () => {
  const deps = memoryDeps(approvalPolicy);
  const req = { email: "eve@newco.example", displayName: "Eve Smith" };
  assert.equal((await processRequest("postFederationSignup", req, deps)).reason, "allowed");
  const first = await processRequest("postAttributeCollection", req, deps);
  assert.equal(first.reason, "pending_approval");
  assert.match(String(first.response.userMessage), /pending approval/);
  await processRequest("postAttributeCollection", req, deps);
  const all = await deps.approvals.list();
  assert.equal(all.length, 1, "the retry does not create a second request");
  assert.equal(all[0]?.displayName, "Eve Smith");
  assert.equal(all[0]?.email, "eve@newco.example");
  await deps.approvals.decide(all[0]!.id, "approved", "admin@contoso.com", deps.clock);
  const next = await processRequest("postAttributeCollection", req, deps);
  assert.equal(next.reason, "allowed");
  assert.equal((next.response as Record<string, unknown>)[ATTRIBUTE_IDS.PartnerRole!], "Guest");
});

test("approval: deny → block page", async () => {
  const deps = memoryDeps(approvalPolicy);
  const req = { email: "mallory@newco.example" };
  await processRequest("postAttributeCollection", req, deps);
  const [request] = await deps.approvals.list({ status: "pending" });
  await deps.approvals.decide(request!.id, "denied", "admin", deps.clock);
  const d = await processRequest("postAttributeCollection", req, deps);
  assert.equal(d.reason, "approval_denied");
  assert.equal(d.response.action, "ShowBlockPage");
});

test("pending sign-ups are not counted against the domain's rate limit; blocked domains never reach approval", async () => {
  const deps = memoryDeps(approvalPolicy);
  await processRequest("postAttributeCollection", { email: "a@newco.example" }, deps);
  await processRequest("postAttributeCollection", { email: "b@newco.example" }, deps);
  for (const r of await deps.approvals.list())
    await deps.approvals.decide(r.id, "approved", "admin", deps.clock);
  assert.equal(
    (await processRequest("postAttributeCollection", { email: "a@newco.example" }, deps)).reason,
    "allowed",
  );
  assert.equal(
    (await processRequest("postAttributeCollection", { email: "b@newco.example" }, deps)).reason,
    "rate_limited",
  );
  assert.equal(
    (await processRequest("postAttributeCollection", { email: "x@gmail.com" }, deps)).reason,
    "domain_blocked",
  );
  assert.equal((await deps.approvals.list()).length, 2);
});

test("a failing approval store fails closed with a warning", async () => {
  const broken = {
    getOrCreate: () => Promise.reject(new Error("down")),
    list: () => Promise.resolve([]),
    decide: () => Promise.reject(new Error("down")),
  };
  const deps = memoryDeps(approvalPolicy, { approvals: broken } as never);
  const d = await processRequest("postAttributeCollection", { email: "eve@newco.example" }, deps);
  assert.equal(d.reason, "store_unavailable");
  assert.match(deps.logger.warnings[0]?.message ?? "", /approval store failed; failing closed/);
});

test("one event per accepted or blocked sign-up, even when Entra retries; none for validation errors or step 1 continues", async () => {
  const deps = memoryDeps();
  await processRequest("postFederationSignup", signup(1), deps);
  await processRequest("postAttributeCollection", signup(1), deps);
  await processRequest("postAttributeCollection", signup(1), deps);
  await processRequest(
    "postAttributeCollection",
    partnerRequest({ email: "short@partner-company.com", [ATTRIBUTE_IDS.Justification!]: "x" }),
    deps,
  );
  await processRequest("postFederationSignup", signup(2, "gmail.com"), deps);
  await processRequest("postFederationSignup", signup(2, "gmail.com"), deps);
  await processRequest("postAttributeCollection", { displayName: "no email" }, deps);
  const events = deps.events.events;
  assert.deepEqual(
    events.map((e) => [e.type, e.step, e.reason, e.domain]),
    [
      ["signup.accepted", "postAttributeCollection", "allowed", "partner-company.com"],
      ["signup.blocked", "postFederationSignup", "domain_blocked", "gmail.com"],
    ],
  );
  assert.ok(
    events.every((e) => !JSON.stringify(e).includes("user1")),
    "events carry no email",
  );
  assert.equal(new Set(events.map((e) => e.id)).size, 2);
});

test("events are not emitted when the policy disables them, and a failing sink does not change the decision", async () => {
  const quiet = memoryDeps(policyWith({ events: { enabled: false } }));
  await processRequest("postAttributeCollection", signup(1), quiet);
  assert.equal(quiet.events.events.length, 0);
  const failing = memoryDeps(undefined, {
    events: { emit: () => Promise.reject(new Error("queue down")) },
  } as never);
  assert.equal((await processRequest("postAttributeCollection", signup(1), failing)).reason, "allowed");
  assert.match(failing.logger.warnings[0]?.message ?? "", /event sink failed/);
});

test("one decision log line per request, with latency and domain but no email", async () => {
  const deps = memoryDeps();
  await processRequest("postAttributeCollection", signup(1), deps);
  await processRequest("postFederationSignup", "not an object", deps);
  assert.equal(deps.logger.decisions.length, 2);
  const [first, second] = deps.logger.decisions;
  assert.equal(first?.action, "Continue");
  assert.equal(first?.reason, "allowed");
  assert.equal(first?.domain, "partner-company.com");
  assert.ok(typeof first?.latencyMs === "number" && first.latencyMs >= 0);
  assert.equal(second?.reason, "bad_request");
  assert.ok(!JSON.stringify(deps.logger.decisions).includes("user1@"));
});

test("processRequest never rejects, even when every port and the clock throw", async () => {
  const explode = () => {
    throw new Error("boom");
  };
  const deps = memoryDeps(undefined, {
    now: explode,
    rateLimiter: { consume: explode },
    events: { emit: explode },
    logger: { decision: explode, warn: explode },
  } as never);
  const d = await processRequest("postAttributeCollection", signup(1), deps);
  assert.equal(d.reason, "allowed", "seed policy fails open on the rate limiter");
});
