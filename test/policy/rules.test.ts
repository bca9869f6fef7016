/**
 * Each guardrail fires on a bad resource, stays quiet on a good one, and honours a reasoned waiver.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
  basicPublishingOff,
  connectorAlwaysReady,
  functionAppTransport,
  storageNotPublic,
} from "../../policy/rules/azureHosting";
import { types } from "../../policy/rules/common";
import {
  attributeCollectionConnector,
  basicAuthAllowed,
  connectorUrlHttps,
  sectionsNeedingAttributeCollection,
} from "../../policy/rules/connector";
import { policies } from "../../policy/rules/index";
import { looksSecret, noPlainSecrets, plainSecretConfigKeys } from "../../policy/rules/secrets";
import { makeTempDir } from "../helpers/pulumi";
import { basicPublishingOffFor, functionAppProps, runResourceRule, runStackRule } from "./util";

const waiver = (resource: string) => ({
  waivers: [{ resource, reason: "throwaway demo stack, deleted nightly" }],
});
const connector = (props: Record<string, unknown>, stack = "dev") => ({
  type: types.apiConnector,
  name: "connector",
  stack,
  props: {
    displayName: "c",
    targetUrl: "https://app.azurewebsites.net/api/postAttributeCollection",
    ...props,
  },
});

describe("connector-url-https", () => {
  test("fires on http, quiet on https, loopback only on local stacks, waivable", async () => {
    assert.equal(
      (await runResourceRule(connectorUrlHttps, connector({ targetUrl: "http://example.com/x" }))).length,
      1,
    );
    assert.deepEqual(await runResourceRule(connectorUrlHttps, connector({})), []);
    const emulator = { cloud: "global", baseUrl: "http://127.0.0.1:4100" };
    const loopback = { targetUrl: "http://localhost:7071/api/postFederationSignup", connection: emulator };
    assert.deepEqual(await runResourceRule(connectorUrlHttps, connector(loopback, "local")), []);
    const onDev = await runResourceRule(connectorUrlHttps, connector(loopback, "dev"));
    assert.match(onDev[0] ?? "", /loopback http is only allowed on stacks \["local"\]/);
    assert.deepEqual(
      await runResourceRule(connectorUrlHttps, connector(loopback, "dev"), { localStacks: ["dev"] }),
      [],
    );
    // The same rule as the stack settings and the provider: loopback http registered with a real Graph
    // would make Entra call a machine that is not the connector, whatever the stack is called.
    const realGraph = { ...loopback, connection: { cloud: "global" } };
    const onRealGraph = await runResourceRule(connectorUrlHttps, connector(realGraph, "local"));
    assert.match(onRealGraph[0] ?? "", /plain http on a loopback host, but this stack talks to a real Graph/);
    assert.match(
      (
        await runResourceRule(
          connectorUrlHttps,
          connector({ targetUrl: "http://127.0.0.2:7071/api" }, "local"),
        )
      )[0] ?? "",
      /real Graph/,
    );
    assert.deepEqual(
      await runResourceRule(connectorUrlHttps, connector({ targetUrl: "http://x" }), waiver("connector")),
      [],
    );
  });

  test("a waiver without a real reason does not count", async () => {
    const config = { waivers: [{ resource: "connector", reason: "because" }] };
    assert.equal(
      (await runResourceRule(connectorUrlHttps, connector({ targetUrl: "http://x" }), config)).length,
      1,
    );
  });
});

describe("connector-basic-auth-allowed", () => {
  test("fires on a Basic connector and a basic-mode Function App unless the stack allows Basic", async () => {
    assert.equal((await runResourceRule(basicAuthAllowed, connector({ username: "u" }))).length, 1);
    const app = {
      type: types.webApp,
      name: "app",
      props: functionAppProps({}, { CONNECTOR_AUTH_MODE: "basic" }),
    };
    assert.equal((await runResourceRule(basicAuthAllowed, app)).length, 1);
    const reason = "local emulator only, nothing leaves this machine";
    assert.deepEqual(await runResourceRule(basicAuthAllowed, app, { allowBasicAuth: true, reason }), []);
    const unexplained = await runResourceRule(basicAuthAllowed, app, { allowBasicAuth: true, reason: "ok" });
    assert.match(unexplained[0]!, /allowBasicAuth is true but without a reason/);
  });

  test("quiet on certificate connectors and certificate-mode apps", async () => {
    assert.deepEqual(
      await runResourceRule(basicAuthAllowed, connector({ certificates: [{ pkcs12Base64: "x" }] })),
      [],
    );
    assert.deepEqual(
      await runResourceRule(basicAuthAllowed, connector({ authentication: { kind: "certificate" } })),
      [],
    );
    const app = { type: types.webApp, name: "app", props: functionAppProps() };
    assert.deepEqual(await runResourceRule(basicAuthAllowed, app), []);
  });
});

describe("function-app-transport-security", () => {
  test("Flex app: fires on http, old TLS and every siteConfig property Flex refuses; quiet on the defaults", async () => {
    const bad = functionAppProps({
      httpsOnly: false,
      siteConfig: { minTlsVersion: "1.0", ftpsState: "Disabled", LinuxFxVersion: "Node|22", alwaysOn: true },
    });
    const violations = await runResourceRule(functionAppTransport, {
      type: types.webApp,
      name: "app",
      props: bad,
    });
    assert.equal(violations.length, 5, violations.join("\n"));
    const ftps = violations.find((v) => v.includes("siteConfig.ftpsState"));
    assert.match(ftps ?? "", /not supported on Flex Consumption/);
    assert.match(ftps ?? "", /functions-app-settings#flex-consumption-plan-deprecations/);
    assert.match(ftps ?? "", /basicPublishingCredentialsPolicies\/ftp/);
    assert.ok(violations.some((v) => v.includes("siteConfig.LinuxFxVersion")));
    assert.ok(violations.some((v) => v.includes("siteConfig.alwaysOn")));
    assert.deepEqual(
      await runResourceRule(functionAppTransport, {
        type: types.webApp,
        name: "app",
        props: functionAppProps(),
      }),
      [],
    );
  });

  test("a Function App on another plan (no functionAppConfig) still needs ftpsState Disabled", async () => {
    const dedicated = (ftpsState?: string) =>
      functionAppProps({ functionAppConfig: undefined, siteConfig: { minTlsVersion: "1.2", ftpsState } });
    const violations = await runResourceRule(functionAppTransport, {
      type: types.webApp,
      name: "app",
      props: dedicated("AllAllowed"),
    });
    assert.equal(violations.length, 1);
    assert.match(violations[0]!, /ftpsState is "AllAllowed"; set "Disabled"/);
    assert.deepEqual(
      await runResourceRule(functionAppTransport, {
        type: types.webApp,
        name: "app",
        props: dedicated("Disabled"),
      }),
      [],
    );
  });

  test("ignores web apps that are not function apps", async () => {
    const site = { type: types.webApp, name: "site", props: { kind: "app", httpsOnly: false } };
    assert.deepEqual(await runResourceRule(functionAppTransport, site), []);
  });
});

describe("function-app-basic-publishing-off", () => {
  const app = { type: types.webApp, name: "app", props: functionAppProps() };

  test("fires when a Flex app has no ftp/scm publishing policy, or one that allows basic auth", async () => {
    const none = await runStackRule(basicPublishingOff, [app]);
    assert.equal(none.length, 1);
    assert.match(none[0]!, /ftp \(azure-native web.WebAppFtpAllowed\) and scm/);
    assert.match(none[0]!, /name: "func-dev-0a1b2c3d" and allow: false/);
    const allowing = await runStackRule(basicPublishingOff, [
      app,
      ...basicPublishingOffFor("func-dev-0a1b2c3d", true),
    ]);
    assert.equal(allowing.length, 1);
    const otherApp = await runStackRule(basicPublishingOff, [app, ...basicPublishingOffFor("func-other")]);
    assert.equal(otherApp.length, 1);
  });

  test("quiet when both policies switch basic auth off for the app (names compared case-insensitively)", async () => {
    assert.deepEqual(
      await runStackRule(basicPublishingOff, [app, ...basicPublishingOffFor("FUNC-dev-0a1b2c3d")]),
      [],
    );
  });

  test("honours a reasoned waiver", async () => {
    assert.deepEqual(await runStackRule(basicPublishingOff, [app], waiver("app")), []);
  });
});

describe("storage-not-public", () => {
  const good = { allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2", allowSharedKeyAccess: false };
  test("fires on public blobs, old TLS, shared keys (also when omitted); quiet on the secure settings", async () => {
    const st = (props: Record<string, unknown>) => ({ type: types.storageAccount, name: "st", props });
    assert.equal((await runResourceRule(storageNotPublic, st({}))).length, 3);
    assert.equal(
      (await runResourceRule(storageNotPublic, st({ ...good, minimumTlsVersion: "TLS1_0" }))).length,
      1,
    );
    assert.deepEqual(await runResourceRule(storageNotPublic, st(good)), []);
    assert.deepEqual(await runResourceRule(storageNotPublic, st({}), waiver("st")), []);
  });
});

describe("connector-always-ready", () => {
  test("fires without an always-ready http instance; quiet with one", async () => {
    const app = (count: number) => ({
      type: types.webApp,
      name: "app",
      props: functionAppProps({
        functionAppConfig: { scaleAndConcurrency: { alwaysReady: [{ name: "http", instanceCount: count }] } },
      }),
    });
    assert.equal((await runResourceRule(connectorAlwaysReady, app(0))).length, 1);
    assert.deepEqual(await runResourceRule(connectorAlwaysReady, app(1)), []);
    assert.deepEqual(await runResourceRule(connectorAlwaysReady, app(0), waiver("app")), []);
  });
});

describe("post-attribute-collection-connector", () => {
  const policyJson = JSON.stringify({
    domains: { allow: ["contoso.com"] },
    requiredAttributes: ["CompanyName"],
  });
  const app = { type: types.webApp, name: "app", props: functionAppProps({}, { SIGNUP_POLICY: policyJson }) };
  const flow = (apiConnectors: Record<string, string>) => ({
    type: types.b2xUserFlow,
    name: "flow",
    props: { apiConnectors },
  });

  test("fires when the policy validates attributes but the flow lacks the step", async () => {
    const violations = await runStackRule(attributeCollectionConnector, [
      app,
      flow({ postFederationSignup: "c1" }),
    ]);
    assert.equal(violations.length, 1);
    assert.match(violations[0]!, /requiredAttributes/);
  });

  test("quiet when the step is wired, or when the policy has no attribute rules", async () => {
    assert.deepEqual(
      await runStackRule(attributeCollectionConnector, [app, flow({ postAttributeCollection: "c1" })]),
      [],
    );
    const domainsOnly = {
      type: types.localConnectorSettings,
      name: "local-settings",
      props: { settings: { SIGNUP_POLICY: JSON.stringify({ domains: { allow: ["contoso.com"] } }) } },
    };
    assert.deepEqual(await runStackRule(attributeCollectionConnector, [domainsOnly, flow({})]), []);
  });

  test("reads the policy from the local ConnectorSettings resource too", async () => {
    const local = {
      type: types.localConnectorSettings,
      name: "s",
      props: { settings: { SIGNUP_POLICY: policyJson } },
    };
    assert.equal((await runStackRule(attributeCollectionConnector, [local, flow({})])).length, 1);
    assert.deepEqual(await runStackRule(attributeCollectionConnector, [local, flow({})], waiver("flow")), []);
  });

  test("sectionsNeedingAttributeCollection ignores empty lists and bad JSON", () => {
    assert.deepEqual(sectionsNeedingAttributeCollection('{"requiredAttributes": []}'), []);
    assert.deepEqual(sectionsNeedingAttributeCollection("{not json"), []);
    assert.deepEqual(sectionsNeedingAttributeCollection('{"justification": {"minLength": 10}}'), [
      "justification",
    ]);
  });
});

describe("no-plain-secrets", () => {
  test("looksSecret recognises secret-like names but not rotationKey", () => {
    for (const k of [
      "connectorPassword",
      "entra-signup:adminKey",
      "CONNECTOR_BASIC_PASSWORD",
      "pfx",
      "clientSecret",
    ]) {
      assert.ok(looksSecret(k), k);
    }
    for (const k of ["rotationKey", "keyVaultName", "username", "credentialStore"])
      assert.ok(!looksSecret(k), k);
  });

  test("plainSecretConfigKeys finds plain values, accepts secure ones", () => {
    const yaml = [
      "config:",
      "  entra-signup:connectorPassword: hunter2-plain",
      "  entra-signup:adminKey:",
      "    secure: v1:abc",
      "  entra-signup:connector:",
      "    username: entra",
      "    pfx: MIIplainbase64",
      "  entra-signup:rotationKey: 2026-09",
    ].join("\n");
    assert.deepEqual(plainSecretConfigKeys(yaml), ["entra-signup:connectorPassword", "pfx"]);
  });

  test("fires on a plain secret in Pulumi.<stack>.yaml and on a plain secret app setting", async () => {
    const tmp = makeTempDir("policy-secrets");
    try {
      fs.writeFileSync(
        path.join(tmp.dir, "Pulumi.dev.yaml"),
        "config:\n  entra-signup:connectorPassword: plain\n",
      );
      const app = {
        type: types.webApp,
        name: "app",
        props: functionAppProps({}, { CONNECTOR_BASIC_PASSWORD: "plain-password", SIGNUP_POLICY: "{}" }),
      };
      const violations = await runStackRule(noPlainSecrets, [app], { stackConfigDir: tmp.dir });
      assert.equal(violations.length, 2, violations.join("\n"));
      const kv = {
        ...app,
        props: functionAppProps(
          {},
          { CONNECTOR_BASIC_PASSWORD: "@Microsoft.KeyVault(SecretUri=https://kv/x)" },
        ),
      };
      fs.writeFileSync(
        path.join(tmp.dir, "Pulumi.dev.yaml"),
        "config:\n  entra-signup:connectorPassword:\n    secure: v1:x\n",
      );
      assert.deepEqual(await runStackRule(noPlainSecrets, [kv], { stackConfigDir: tmp.dir }), []);
    } finally {
      tmp.cleanup();
    }
  });
});

test("the pack exports every rule once, each with a waivers config schema", () => {
  const names = policies.map((p) => p.name);
  assert.equal(new Set(names).size, names.length);
  assert.equal(names.length, 12);
  for (const p of policies) assert.ok(p.configSchema?.properties.waivers, `${p.name} accepts waivers`);
});
