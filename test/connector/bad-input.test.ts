/**
 * Hostile and broken input never produces a 5xx: every answer is 413, or a valid contract response
 * (200 Continue/ShowBlockPage, 400 ValidationError) with a JSON body.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { attributeCollection, basicAuthHeader } from "./helpers/fixtures";
import { startTestConnector, type Reply, type TestConnector } from "./helpers/host";

let connector: TestConnector;
before(async () => {
  connector = await startTestConnector();
});
after(() => connector.stop());

function assertContract(r: Reply): void {
  assert.ok(r.status === 200 || r.status === 400, `status ${r.status}: ${r.text.slice(0, 200)}`);
  assert.ok(
    ["Continue", "ShowBlockPage", "ValidationError"].includes(String(r.json.action)),
    r.text.slice(0, 200),
  );
  assert.equal(typeof r.json.version, "string");
  if (r.status === 400) assert.equal(r.json.status, 400);
}

for (const step of ["postFederationSignup", "postAttributeCollection"]) {
  test(`${step}: malformed JSON → a block page, not a 500`, async () => {
    const r = await connector.post(step, '{"email": "jo@partner-company.com",');
    assertContract(r);
    assert.equal(r.json.action, "ShowBlockPage");
  });

  test(`${step}: an array, a string, null and an empty body → contract responses`, async () => {
    for (const raw of [
      "[]",
      '[{"email":"jo@partner-company.com"}]',
      '"jo@partner-company.com"',
      "null",
      "",
      "42",
    ]) {
      const r = await connector.post(step, raw);
      assertContract(r);
      assert.equal(r.json.action, "ShowBlockPage", `body ${raw}`);
    }
  });

  test(`${step}: a non-JSON content type → a block page`, async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ]) {
      const r = await connector.post(step, JSON.stringify({ email: "jo@partner-company.com" }), {
        "content-type": type,
      });
      assertContract(r);
      assert.equal(r.json.action, "ShowBlockPage", type);
    }
  });
}

test("application/json with a charset parameter is accepted", async () => {
  const r = await connector.post(
    "postFederationSignup",
    { email: "jo@partner-company.com" },
    { "content-type": "application/json; charset=utf-8" },
  );
  assert.equal(r.json.action, "Continue");
});

test("a body over 64 KiB → 413, with or without a Content-Length", async () => {
  const big = JSON.stringify({ email: "jo@partner-company.com", displayName: "x".repeat(70 * 1024) });
  const declared = await connector.post("postFederationSignup", big);
  assert.equal(declared.status, 413);
  const response = await fetch(`${connector.host.url}/api/postFederationSignup`, {
    method: "POST",
    headers: {
      authorization: basicAuthHeader(),
      "content-type": "application/json",
    },
    // A stream body is sent chunked, so the limit is enforced while reading.
    body: new Blob([big]).stream(),
    duplex: "half",
  } as RequestInit);
  assert.equal(response.status, 413);
  await response.arrayBuffer();
});

test("emails with several @, control characters or no domain → block pages", async () => {
  for (const email of [
    "a@b@partner-company.com",
    "@partner-company.com",
    "jo@",
    "jo\u0000@partner-company.com",
    "jo",
  ]) {
    for (const step of ["postFederationSignup", "postAttributeCollection"]) {
      const r = await connector.post(step, { ...attributeCollection(email, "Partner Company"), email });
      assertContract(r);
      assert.equal(r.json.action, "ShowBlockPage", `${step} ${JSON.stringify(email)}`);
    }
  }
});

test("huge strings, wrong types and deep nesting inside the limit → contract responses", async () => {
  const bodies: unknown[] = [
    { email: `${"a".repeat(60_000)}@partner-company.com` },
    { email: "jo@partner-company.com", displayName: "x".repeat(60_000) },
    { email: 42, identities: "not-an-array" },
    { email: ["jo@partner-company.com"] },
    { email: "jo@partner-company.com", identities: [null, 1, { issuer: {} }] },
    // Sent as text: nesting this deep is more than JSON.stringify (or a naive recursive walk) survives.
    `${"[".repeat(30_000)}${"]".repeat(30_000)}`,
    `{"email":"jo@partner-company.com","displayName":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
    { email: "jo@partner-company.com", __proto__: { polluted: true }, constructor: "x" },
  ];
  for (const body of bodies) {
    for (const step of ["postFederationSignup", "postAttributeCollection"])
      assertContract(await connector.post(step, body));
  }
});

test("unknown routes and wrong methods are 404/405, not connector calls", async () => {
  const get = await fetch(`${connector.host.url}/api/postFederationSignup`);
  assert.equal(get.status, 405);
  await get.arrayBuffer();
  const missing = await fetch(`${connector.host.url}/api/nope`, { method: "POST" });
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get("content-type") ?? "", /^application\/json/);
  await missing.arrayBuffer();
  // A malformed %-escape in a route parameter used to surface as a 500 host_error.
  const malformed = await fetch(`${connector.host.url}/api/manage/approvals/%E0%A4%A/approve`, {
    method: "POST",
  });
  assert.equal(malformed.status, 404);
  await malformed.arrayBuffer();
});

test("every non-decision answer is JSON too: 401 and 413 carry application/json and no-store", async () => {
  const unauthorised = await connector.post(
    "postFederationSignup",
    { email: "a@b.com" },
    { authorization: "" },
  );
  const tooLarge = await connector.post("postAttributeCollection", {
    email: "a@b.com",
    pad: "x".repeat(70_000),
  });
  for (const r of [unauthorised, tooLarge]) {
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/, `status ${r.status}`);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.doesNotThrow(() => JSON.parse(r.text) as unknown);
  }
  assert.deepEqual([unauthorised.status, tooLarge.status], [401, 413]);
});
