/**
 * Connector authentication over HTTP: Basic (missing, wrong, right) and client certificates forwarded
 * in X-ARR-ClientCert (allowed, unknown, expired, garbage). Failures leak nothing in the body.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ConnectorHost } from "../../local/connector-host/server";
import { currentCertificate, expiredCertificate } from "./helpers/certs";
import { basicAuthHeader, SECRETS } from "./helpers/fixtures";
import { reply, startHost, startTestConnector, type TestConnector } from "./helpers/host";

const allowed = currentCertificate("allowed");
const expired = expiredCertificate();
const unknown = currentCertificate("unknown");

let connector: TestConnector;
let certHost: ConnectorHost;
before(async () => {
  connector = await startTestConnector();
  certHost = await startHost(connector.azurite, {
    CONNECTOR_AUTH_MODE: "certificate",
    // Colons and lower case, as the portal and OpenSSL print them: the comparison must not care.
    CONNECTOR_CERT_THUMBPRINTS: `${allowed.thumbprint.toLowerCase().replace(/(..)(?!$)/g, "$1:")}, ${expired.thumbprint}`,
  });
});
after(async () => {
  await certHost.close();
  await connector.stop();
});

const body = { email: "jo@partner-company.com" };

function assertLeaksNothing(text: string): void {
  assert.ok(
    !text.includes(SECRETS.password) && !text.includes(SECRETS.username),
    "body must not echo credentials",
  );
  assert.ok(!/password|username|thumbprint|expired/i.test(text), `body says too much: ${text}`);
}

test("no Authorization header → 401 with a Basic challenge", async () => {
  const r = await connector.post("postFederationSignup", body, { authorization: "" });
  assert.equal(r.status, 401);
  assert.equal(r.headers.get("www-authenticate")?.startsWith('Basic realm="entra-signup"'), true);
  assertLeaksNothing(r.text);
});

test("wrong password → 401, same body as a missing header", async () => {
  const wrong = await connector.post("postFederationSignup", body, {
    authorization: basicAuthHeader(SECRETS.username, `${SECRETS.password}x`),
  });
  const wrongUser = await connector.post("postFederationSignup", body, {
    authorization: basicAuthHeader("someone-else", SECRETS.password),
  });
  const missing = await connector.post("postFederationSignup", body, { authorization: "" });
  assert.equal(wrong.status, 401);
  assert.equal(wrongUser.status, 401);
  assert.equal(wrong.text, missing.text);
  assert.equal(wrongUser.text, missing.text);
  assertLeaksNothing(wrong.text);
});

test("right credentials → the engine's decision", async () => {
  const r = await connector.post("postFederationSignup", body);
  assert.equal(r.status, 200);
  assert.equal(r.json.action, "Continue");
});

async function postWithCert(header: string | undefined) {
  return reply(
    await fetch(`${certHost.url}/api/postFederationSignup`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(header === undefined ? {} : { "x-arr-clientcert": header }),
      },
      body: JSON.stringify(body),
    }),
  );
}

test("an allowed client certificate → the engine's decision", async () => {
  const r = await postWithCert(allowed.header);
  assert.equal(r.status, 200);
  assert.equal(r.json.action, "Continue");
});

test("an unknown client certificate → 403", async () => {
  const r = await postWithCert(unknown.header);
  assert.equal(r.status, 403);
  assertLeaksNothing(r.text);
});

test("an allow-listed but expired client certificate → 403", async () => {
  const r = await postWithCert(expired.header);
  assert.equal(r.status, 403);
  assertLeaksNothing(r.text);
});

test("no certificate → 401; a garbage header → 403; Basic credentials do not count in certificate mode", async () => {
  assert.equal((await postWithCert(undefined)).status, 401);
  assert.equal((await postWithCert("bm90IGEgY2VydGlmaWNhdGU=")).status, 403);
  const basic = await reply(
    await fetch(`${certHost.url}/api/postFederationSignup`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuthHeader() },
      body: JSON.stringify(body),
    }),
  );
  assert.equal(basic.status, 401);
});
