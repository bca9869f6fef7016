/**
 * The seeds' partner walkthrough over HTTP, through the local host and Azurite: approved domain,
 * personal email, short justification, the 51st sign-up of a domain, Entra's retry, and 100 concurrent
 * sign-ups against a limit of 50.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { attributeCollection, attributeId } from "./helpers/fixtures";
import { startTestConnector, type TestConnector } from "./helpers/host";

let connector: TestConnector;
before(async () => {
  connector = await startTestConnector();
});
after(() => connector.stop());

test("an approved partner domain continues with PartnerRole and jobTitle", async () => {
  const federation = await connector.post("postFederationSignup", { email: "jo@partner-company.com" });
  assert.equal(federation.status, 200);
  assert.equal(federation.json.action, "Continue");
  assert.match(federation.headers.get("content-type") ?? "", /^application\/json/);

  const reply = await connector.post(
    "postAttributeCollection",
    attributeCollection("jo@partner-company.com", "Partner Company"),
  );
  assert.equal(reply.status, 200);
  assert.equal(reply.json.action, "Continue");
  assert.equal(reply.json.version, "1.0.0");
  assert.equal(reply.json[attributeId("PartnerRole")], "Partner");
  assert.equal(reply.json.jobTitle, "Partner User");
});

test("a gmail.com address gets a block page with HTTP 200", async () => {
  const reply = await connector.post("postFederationSignup", { email: "someone@gmail.com" });
  assert.equal(reply.status, 200);
  assert.equal(reply.json.action, "ShowBlockPage");
  assert.equal(typeof reply.json.userMessage, "string");
});

test("a short justification is a ValidationError with HTTP 400 and status 400 in the body", async () => {
  const body = attributeCollection("short@partner-company.com", "Partner Company", "because");
  const reply = await connector.post("postAttributeCollection", body);
  assert.equal(reply.status, 400);
  assert.equal(reply.json.action, "ValidationError");
  assert.equal(reply.json.status, 400);
});

test("the 51st sign-up from one domain in the window is blocked", async () => {
  const domain = "first.trusted-vendor.org";
  for (let i = 1; i <= 50; i++) {
    const reply = await connector.post(
      "postAttributeCollection",
      attributeCollection(`u${i}@${domain}`, "Trusted Vendor"),
    );
    assert.equal(reply.json.action, "Continue", `sign-up ${i}: ${reply.text}`);
  }
  const over = await connector.post(
    "postAttributeCollection",
    attributeCollection(`u51@${domain}`, "Trusted Vendor"),
  );
  assert.equal(over.status, 200);
  assert.equal(over.json.action, "ShowBlockPage");
  assert.equal(over.json.code, "rate_limited");
});

test("Entra's retry of the same sign-up is counted once", async () => {
  const domain = "retry.trusted-vendor.org";
  for (let i = 1; i <= 49; i++) {
    await connector.post("postAttributeCollection", attributeCollection(`u${i}@${domain}`, "Trusted Vendor"));
  }
  const body = attributeCollection(`fiftieth@${domain}`, "Trusted Vendor");
  const first = await connector.post("postAttributeCollection", body);
  const retry = await connector.post("postAttributeCollection", body);
  assert.equal(first.json.action, "Continue");
  assert.equal(retry.json.action, "Continue", "the retry must not take a second slot or be refused");
  const next = await connector.post(
    "postAttributeCollection",
    attributeCollection(`other@${domain}`, "Trusted Vendor"),
  );
  assert.equal(next.json.code, "rate_limited", "the retry counted once, so the window is now exactly full");
});

test("100 parallel sign-ups from one domain with a limit of 50: exactly 50 continue", async () => {
  const domain = "burst.trusted-vendor.org";
  const replies = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      connector.post("postAttributeCollection", attributeCollection(`p${i}@${domain}`, "Trusted Vendor")),
    ),
  );
  const actions = replies.map((r) =>
    `${r.status} ${String(r.json.action)} ${String(r.json.code ?? "")}`.trim(),
  );
  assert.equal(actions.filter((a) => a === "200 Continue").length, 50, actions.join("\n"));
  assert.equal(actions.filter((a) => a === "200 ShowBlockPage rate_limited").length, 50, actions.join("\n"));
});

test("one structured log line per decision, with the domain as the only personal data", async () => {
  const before = connector.logs.length;
  await connector.post(
    "postAttributeCollection",
    attributeCollection("log@partner-company.com", "Partner Company"),
  );
  await connector.post("postFederationSignup", "{not json");
  const lines = connector.logs.slice(before).filter((line) => line.includes('"signup.decision"'));
  assert.equal(lines.length, 2, lines.join("\n"));
  for (const line of lines) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.deepEqual(Object.keys(entry).sort(), ["action", "domain", "event", "latencyMs", "reason", "step"]);
    assert.equal(typeof entry.latencyMs, "number");
  }
  assert.ok(
    !connector.logs.some((line) => /[^\s"]+@[^\s"]+\.\w+/.test(line)),
    "no email address in any log line",
  );
});
