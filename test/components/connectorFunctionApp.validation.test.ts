/**
 * The pure pieces behind ConnectorFunctionApp: argument validators, physical names, app settings helpers,
 * connector URLs and the SCM host derivation. No Pulumi runtime involved.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { connectorUrlsFor, scmHostFor } from "../../components/connectorFunctionApp";
import { keyVaultReference, trimSlash } from "../../components/hosting/appSettings";
import type { ConnectorFunctionAppArgs } from "../../components/hosting/args";
import { flexUnsupportedAppSettings } from "../../components/hosting/flexSite";
import { latencyQuery } from "../../components/hosting/monitoring";
import {
  validateAlerts,
  validateAppSettings,
  validateConnectorFunctionAppArgs,
  validateCredentials,
  validateNamePrefix,
  validateScale,
} from "../../components/hosting/validation";

const good: ConnectorFunctionAppArgs = {
  location: "westeurope",
  namePrefix: "contoso-su",
  packagePath: "dist/connector.zip",
  packageSha256: "0".repeat(64),
  appSettings: { SIGNUP_POLICY: "{}" },
  connectorPassword: "x".repeat(43),
};

describe("validateConnectorFunctionAppArgs", () => {
  test("accepts good arguments", () => {
    assert.deepEqual(validateConnectorFunctionAppArgs(good), []);
  });

  test("rejects prefixes that would break global names and accepts a missing one (derived from the stack)", () => {
    for (const bad of ["", "-a", "Abc", "ab--c", "abc-", "a_b", "a.b", "abcdefghijklm", "signup-staging"]) {
      assert.equal(validateNamePrefix(bad).length, 1, bad);
    }
    for (const ok of ["ab-c1", "a", "1abc", undefined]) assert.deepEqual(validateNamePrefix(ok), []);
  });

  test("refuses Flex-forbidden and component-owned app settings, naming the fix", () => {
    const problems = validateAppSettings({
      WEBSITE_RUN_FROM_PACKAGE: "1",
      AzureWebJobsStorage__accountName: "x",
      "bad name": "x",
      SIGNUP_POLICY: "{}",
    });
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /WEBSITE_RUN_FROM_PACKAGE: Flex Consumption does not support/);
    assert.match(problems[1]!, /set by the component itself/);
    assert.match(problems[2]!, /letters, digits/);
  });

  test("refuses every app setting on Microsoft's Flex deprecation list, in any letter case", () => {
    for (const name of flexUnsupportedAppSettings) {
      for (const spelled of [name, name.toLowerCase()]) {
        const problems = validateAppSettings({ [spelled]: "x" });
        assert.equal(problems.length, 1, spelled);
        assert.match(
          problems[0]!,
          new RegExp(`^appSettings\\.${spelled}: Flex Consumption does not support`),
        );
      }
    }
  });

  test("credentials: thumbprints must be SHA-1 hex; certificate mode contradicts another auth mode", () => {
    const problems = validateCredentials({
      ...good,
      appSettings: { CONNECTOR_AUTH_MODE: "basic" },
      clientCertificate: { thumbprints: ["nope"] },
    });
    assert.equal(problems.length, 3);
    assert.match(problems.join("\n"), /not a 40-hex-character SHA-1/);
    assert.match(problems.join("\n"), /CONNECTOR_AUTH_MODE: "basic" contradicts clientCertificate/);
    assert.match(problems.join("\n"), /CONNECTOR_CERT_THUMBPRINTS: missing for clientCertificate/);
    // One owner: the thumbprints the app accepts must be the ones the site asks for.
    const differing = validateCredentials({
      ...good,
      connectorPassword: undefined,
      appSettings: { CONNECTOR_AUTH_MODE: "certificate", CONNECTOR_CERT_THUMBPRINTS: "CD".repeat(20) },
      clientCertificate: { thumbprints: ["ab".repeat(20)] },
    });
    assert.equal(differing.length, 1);
    assert.match(differing[0]!, /differs from clientCertificate\.thumbprints/);
    assert.deepEqual(validateCredentials({ ...good, credentialStore: "vault" as never }).length, 1);
  });

  test("scale limits follow Flex", () => {
    assert.deepEqual(validateScale({ ...good, alwaysReadyInstances: 0, maximumInstanceCount: 100 }), []);
    assert.equal(validateScale({ ...good, maximumInstanceCount: 10 }).length, 1);
    assert.equal(validateScale({ ...good, instanceMemoryMB: 1024 }).length, 1);
    assert.equal(validateScale({ ...good, alwaysReadyInstances: 1.5 }).length, 1);
  });

  test("alerts: latency within Entra's 20 s, valid e-mails", () => {
    assert.equal(validateAlerts({ latencyP95Ms: 30_000, actionGroupEmails: ["no-at"] }).length, 2);
    assert.deepEqual(validateAlerts({ latencyP95Ms: 3000, actionGroupEmails: ["ops@contoso.com"] }), []);
  });
});

describe("helpers", () => {
  test("connector URLs and SCM host", () => {
    assert.deepEqual(connectorUrlsFor("app.azurewebsites.net"), {
      postFederationSignup: "https://app.azurewebsites.net/api/postFederationSignup",
      postAttributeCollection: "https://app.azurewebsites.net/api/postAttributeCollection",
    });
    assert.equal(
      scmHostFor(undefined, "app-abc.westeurope-01.azurewebsites.net"),
      "app-abc.scm.westeurope-01.azurewebsites.net",
    );
    assert.equal(
      scmHostFor(["a.azurewebsites.net", "a.scm.azurewebsites.net"], "a.azurewebsites.net"),
      "a.scm.azurewebsites.net",
    );
  });

  test("app settings helpers and the latency query", () => {
    assert.equal(trimSlash("https://a.blob.core.windows.net/"), "https://a.blob.core.windows.net");
    assert.equal(
      keyVaultReference("https://kv/secrets/s/1"),
      "@Microsoft.KeyVault(SecretUri=https://kv/secrets/s/1)",
    );
    assert.match(latencyQuery(5000), /percentile\(duration, 95\)[\s\S]*p95 > 5000/);
  });
});
