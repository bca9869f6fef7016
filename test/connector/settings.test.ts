/**
 * Start-up refuses bad settings and lists every problem at once; the local host reloads its settings
 * file, keeping the running settings when an edit is invalid.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { loadSettings, SettingsError } from "../../functions/settings";
import { startAzurite, type Azurite } from "../../local/azurite";
import { startConnectorHost } from "../../local/connector-host/server";
import { waitUntilReady } from "../../local/readiness";
import { basicAuthHeader, basicSettings, REPO_ROOT, SECRETS } from "./helpers/fixtures";

const BAD = {
  SIGNUP_POLICY: JSON.stringify({ version: "1.0.0", rateLimit: { perDomain: 0, windowHours: 24 } }),
  SIGNUP_ATTRIBUTE_IDS: JSON.stringify({ CompanyName: "CompanyName" }),
  CONNECTOR_AUTH_MODE: "basic",
  CONNECTOR_BASIC_USERNAME: "entra",
  CONNECTOR_BASIC_PASSWORD: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/connector)",
  SIGNUP_ADMIN_KEY: "tiny-admin-key-value",
  SIGNUP_EVENTS_QUEUE: "Bad_Queue",
  SIGNUP_STORAGE_TIMEOUT_MS: "fast",
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadSettings(env);
  } catch (error) {
    assert.ok(error instanceof SettingsError);
    return error.problems;
  }
  assert.fail("settings were accepted");
}

test("every bad setting is reported at once, each naming the setting", () => {
  const problems = problemsOf(BAD);
  for (const name of [
    "SIGNUP_POLICY",
    "SIGNUP_ATTRIBUTE_IDS.CompanyName",
    "CONNECTOR_BASIC_PASSWORD is an unresolved Key Vault reference",
    "SIGNUP_ADMIN_KEY is too short",
    "SIGNUP_EVENTS_QUEUE",
    "SIGNUP_STORAGE_TIMEOUT_MS",
    "storage is not configured",
  ]) {
    assert.ok(
      problems.some((p) => p.includes(name)),
      `missing a problem about ${name} in:\n${problems.join("\n")}`,
    );
  }
  const text = problems.join("\n");
  assert.ok(!text.includes("tiny-admin-key-value"), "secret values are not echoed");
});

test("missing auth mode, thumbprints that are not SHA-1, mixed extension app ids", () => {
  const problems = problemsOf({
    SIGNUP_ATTRIBUTE_IDS: JSON.stringify({
      A: "extension_0123456789abcdef0123456789abcdef_A",
      B: "extension_fedcba9876543210fedcba9876543210_B",
    }),
    SIGNUP_EXTENSIONS_APP_ID: "not-a-guid",
    CONNECTOR_AUTH_MODE: "certificate",
    CONNECTOR_CERT_THUMBPRINTS: "abc, 12:34",
  }).join("\n");
  assert.match(problems, /SIGNUP_POLICY \(policy JSON\) or SIGNUP_POLICY_FILE/);
  assert.match(problems, /mixes extensions app ids/);
  assert.match(problems, /SIGNUP_EXTENSIONS_APP_ID must be/);
  // Workforce tenants have no b2c-extensions-app: the message must name both apps.
  assert.match(
    problems,
    /b2c-extensions-app in an external tenant, aad-extensions-app in a workforce tenant/,
  );
  assert.match(problems, /ABC, which is not a SHA-1 thumbprint/);
});

test("the local host CLI refuses to start, lists the problems and exits with code 2", async () => {
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", path.join(REPO_ROOT, "local", "connector-host", "cli.ts"), "--port", "0"],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "", ...BAD } },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /The connector cannot start: \d+ setting problem/);
  assert.match(result.stderr, /CONNECTOR_BASIC_PASSWORD is an unresolved Key Vault reference/);
  assert.ok(!result.stderr.includes("SecretUri="), "the reference text is not echoed");
});

let azurite: Azurite;
let dir: string;
before(async () => {
  azurite = await startAzurite();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "connector-settings-"));
});
after(async () => {
  await azurite.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the local host reloads a changed settings file and keeps running settings on a bad edit", async () => {
  const file = path.join(dir, "local.settings.json");
  const settings = basicSettings(azurite.connectionString);
  fs.writeFileSync(file, JSON.stringify({ IsEncrypted: false, Values: settings }));
  const logs: string[] = [];
  const host = await startConnectorHost({
    port: 0,
    env: {},
    settingsFile: file,
    log: (_level, message) => logs.push(message),
  });
  const call = async (password: string) => {
    const r = await fetch(`${host.url}/api/postFederationSignup`, {
      method: "POST",
      headers: {
        authorization: basicAuthHeader(SECRETS.username, password),
        "content-type": "application/json",
      },
      body: JSON.stringify({ email: "jo@partner-company.com" }),
    });
    await r.arrayBuffer();
    return r.status;
  };
  const waitFor = (what: string, condition: () => boolean | Promise<boolean>) =>
    waitUntilReady(what, condition, { intervalMs: 100 });
  try {
    assert.equal(await call(SECRETS.password), 200);
    const rotated = `${SECRETS.password}-rotated`;
    fs.writeFileSync(file, JSON.stringify({ Values: { ...settings, CONNECTOR_BASIC_PASSWORD: rotated } }));
    await waitFor("the host to pick up the rotated password", async () => (await call(rotated)) === 200);
    assert.equal(await call(SECRETS.password), 401);

    fs.writeFileSync(file, JSON.stringify({ Values: { ...settings, CONNECTOR_AUTH_MODE: "none" } }));
    // Wait until the host has read the bad edit (it says so), then prove the old settings still answer.
    await waitFor("the host to read the bad edit", () => logs.some((l) => /settings NOT reloaded/.test(l)));
    assert.equal(await call(rotated), 200, "a bad edit keeps the previous settings");
  } finally {
    await host.close();
  }
});

test("custom authentication extensions: all four AUTH_EVENTS_* settings or none, each value checked", () => {
  const base = basicSettings("UseDevelopmentStorage=true", { CONNECTOR_AUTH_MODE: "none" });
  const tenantId = "6e3f9d7a-1b2c-4d5e-8f90-123456789abc";
  const good = {
    AUTH_EVENTS_TENANT_ID: tenantId,
    AUTH_EVENTS_API_APP_ID: "5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10",
    AUTH_EVENTS_ISSUERS: `https://${tenantId}.ciamlogin.com/${tenantId}/v2.0`,
    AUTH_EVENTS_KEY_SET_URI: `https://${tenantId}.ciamlogin.com/${tenantId}/discovery/v2.0/keys`,
  };
  const loaded = loadSettings({ ...base, ...good });
  assert.equal(loaded.auth.mode, "none");
  assert.deepEqual(loaded.authenticationEvents?.issuers, [good.AUTH_EVENTS_ISSUERS]);
  assert.equal(loaded.authenticationEvents?.authorizedParty, "99045fe1-7639-4a75-9d4a-577b6ca3810f");

  assert.match(problemsOf(base).join("\n"), /CONNECTOR_AUTH_MODE=none leaves nothing this host can serve/);
  const partial = problemsOf({ ...base, AUTH_EVENTS_TENANT_ID: tenantId }).join("\n");
  assert.match(partial, /AUTH_EVENTS_API_APP_ID, AUTH_EVENTS_ISSUERS, AUTH_EVENTS_KEY_SET_URI missing/);
  const bad = problemsOf({
    ...base,
    ...good,
    AUTH_EVENTS_API_APP_ID: "api://fn.example.net",
    AUTH_EVENTS_ISSUERS: "http://login.example/v2.0",
    AUTH_EVENTS_KEY_SET_URI: "http://keys.example.net/keys",
  }).join("\n");
  assert.match(
    bad,
    /AUTH_EVENTS_API_APP_ID must be the extension API's appId, a GUID \(got "api:\/\/fn.example.net"\)/,
  );
  assert.match(bad, /AUTH_EVENTS_ISSUERS contains "http:\/\/login.example\/v2.0", which is not an https URL/);
  assert.match(bad, /AUTH_EVENTS_KEY_SET_URI must be https .*only on a loopback host/);
  // A loopback key set (the local emulator) is fine.
  const local = loadSettings({ ...base, ...good, AUTH_EVENTS_KEY_SET_URI: "http://127.0.0.1:4100/keys" });
  assert.equal(local.authenticationEvents?.keySetUri, "http://127.0.0.1:4100/keys");
});
