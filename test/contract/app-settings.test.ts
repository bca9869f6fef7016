/**
 * The app settings two processes must agree on: what the deploy side encodes (`encodeHostSettings`, plus
 * the secrets the host adds by name) is exactly what the connector decodes at start-up.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  AppSetting,
  encodeHostSettings,
  hostSettingNames,
  type HostSettings,
} from "../../contract/appSettings";
import { loadSettings } from "../../functions/settings";

const appId = "d09380e2b4c642b9a203fb816a04a7ad";
const storage = { AzureWebJobsStorage: "UseDevelopmentStorage=true" };

const settingsArb: fc.Arbitrary<HostSettings> = fc.record({
  policy: fc.constantFrom(
    {},
    { domains: { block: ["gmail.com"] } },
    { domains: { allow: [{ domain: "partner.example", companyName: "Partner" }] }, companyMatch: {} },
  ),
  attributeIds: fc
    .uniqueArray(fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,12}$/), { maxLength: 4 })
    .map((names) => Object.fromEntries(names.map((n) => [n, `extension_${appId}_${n}`]))),
  extensionsAppId: fc.constant(appId),
  auth: fc.oneof(
    fc.record({ mode: fc.constant("basic" as const), username: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) }),
    fc.record({
      mode: fc.constant("certificate" as const),
      thumbprints: fc.array(fc.stringMatching(/^[0-9a-f]{40}$/), { minLength: 1, maxLength: 3 }),
    }),
  ),
});

test("what the deploy side encodes, the connector decodes to the same settings", () => {
  fc.assert(
    fc.property(settingsArb, (settings) => {
      const env: Record<string, string> = { ...storage, ...encodeHostSettings(settings) };
      if (settings.auth.mode === "basic") env[AppSetting.basicPassword] = "a-password-long-enough";
      const decoded = loadSettings(env);
      assert.deepEqual(decoded.attributeIds, settings.attributeIds);
      assert.equal(decoded.extensionsAppId, appId);
      if (settings.auth.mode === "basic")
        assert.deepEqual(decoded.auth, {
          mode: "basic",
          username: settings.auth.username,
          password: "a-password-long-enough",
        });
      else if (settings.auth.mode === "certificate")
        assert.deepEqual(decoded.auth, {
          mode: "certificate",
          thumbprints: settings.auth.thumbprints.map((t) => t.toUpperCase()),
        });
    }),
    { numRuns: 60 },
  );
});

test("the setting names are known before any value is, and sorted", () => {
  assert.deepEqual(hostSettingNames("basic", true), [
    "CONNECTOR_AUTH_MODE",
    "CONNECTOR_BASIC_USERNAME",
    "SIGNUP_ATTRIBUTE_IDS",
    "SIGNUP_EXTENSIONS_APP_ID",
    "SIGNUP_POLICY",
  ]);
  assert.deepEqual(hostSettingNames("certificate", false), [
    "CONNECTOR_AUTH_MODE",
    "CONNECTOR_CERT_THUMBPRINTS",
    "SIGNUP_ATTRIBUTE_IDS",
    "SIGNUP_POLICY",
  ]);
});
