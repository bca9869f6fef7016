/**
 * The pure pieces behind ConnectorFunctionApp: argument validators, physical names, app settings helpers,
 * connector URLs and the SCM host derivation. No Pulumi runtime involved.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { connectorUrlsFor, scmHostFor } from "../../components/connectorFunctionApp";
import { keyVaultReference, trimSlash } from "../../components/hosting/appSettings";
import type { ConnectorFunctionAppArgs } from "../../components/hosting/args";
import { latencyQuery } from "../../components/hosting/monitoring";
import { defaultNameSuffix, hostingNames } from "../../components/hosting/names";
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

const prefixArb = fc
  .tuple(
    fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
    fc.array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), { minLength: 1, maxLength: 11 }),
  )
  .map(([first, rest]) => first + rest.join(""));
const suffixArb = fc.stringMatching(/^[a-z0-9]{4,8}$/);

describe("validateConnectorFunctionAppArgs", () => {
  test("accepts good arguments", () => {
    assert.deepEqual(validateConnectorFunctionAppArgs(good), []);
  });

  test("rejects prefixes that would break global names", () => {
    for (const bad of ["", "a", "1abc", "Abc", "ab--c", "abc-", "a_b", "abcdefghijklm"]) {
      assert.equal(validateNamePrefix(bad).length, 1, bad);
    }
    assert.deepEqual(validateNamePrefix("ab-c1"), []);
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

describe("hostingNames", () => {
  test("every generated name fits Azure's rules for any valid prefix and suffix", () => {
    fc.assert(
      fc.property(prefixArb, suffixArb, (prefix, suffix) => {
        const n = hostingNames(prefix, suffix);
        assert.match(n.storageAccount, /^[a-z0-9]{3,24}$/);
        assert.match(n.keyVault, /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/);
        assert.ok(!n.keyVault.includes("--"));
        assert.ok(n.functionApp.length <= 60 && /^[a-z0-9-]+$/.test(n.functionApp));
        assert.ok(n.actionGroupShort.length <= 12);
      }),
    );
  });

  test("the default suffix is stable and differs per stack", () => {
    const a = defaultNameSuffix({ project: "p", stack: "dev", namePrefix: "x", name: "c" });
    assert.equal(a, defaultNameSuffix({ project: "p", stack: "dev", namePrefix: "x", name: "c" }));
    assert.notEqual(a, defaultNameSuffix({ project: "p", stack: "prod", namePrefix: "x", name: "c" }));
    assert.match(a, /^[0-9a-f]{6}$/);
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
