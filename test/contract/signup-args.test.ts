/**
 * `validateSignUpArgs`, the one validation `SelfServiceSignUp` and the stack-config loader share:
 * minimal arguments pass with every documented default, and bad ones fail with a path and a fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateSignUpArgs } from "../../components/signup/validate";

const minimal = {
  connection: { cloud: "global" },
  userFlow: { name: "Partners", page: [{ attribute: "email" }] },
  connector: { policy: {}, hosting: { kind: "external", baseUrl: "https://connector.example.net/api" } },
};

test("minimal arguments are valid and get the documented defaults", () => {
  const { problems, value } = validateSignUpArgs(minimal);
  assert.deepEqual(problems, []);
  assert.ok(value);
  assert.deepEqual(value.userFlow.identityProviders, ["EmailOtpSignup-OAUTH"]);
  assert.deepEqual(value.userFlow.connectorSteps, {
    postFederationSignup: false,
    postAttributeCollection: true,
  });
  assert.deepEqual(value.userFlow.page[0], {
    attribute: "email",
    displayName: undefined,
    userInputType: "textBox",
    isOptional: false,
    requiresVerification: false,
    userAttributeValues: [],
  });
  assert.deepEqual(value.attributes, []);
});

test("a Basic user name with ':' and a certificate without its PFX are refused with the argument path", () => {
  const { problems } = validateSignUpArgs({
    ...minimal,
    connector: { ...minimal.connector, username: "a:b" },
  });
  assert.deepEqual(
    problems.map((p) => p.path),
    ["connector.username"],
  );
  const cert = validateSignUpArgs({ ...minimal, connector: { ...minimal.connector, auth: "certificate" } });
  assert.deepEqual(
    cert.problems.map((p) => p.path),
    ["connector.certificate.pkcs12Base64", "connector.certificate.password"],
  );
});

test("plain http is accepted only for a loopback connector registered with a loopback Graph emulator", () => {
  const local = { kind: "local", baseUrl: "http://127.0.0.2:7071/api" };
  const onEmulator = validateSignUpArgs({
    ...minimal,
    connection: { cloud: "global", baseUrl: "http://127.0.0.1:4100", credential: "emulator" },
    connector: { ...minimal.connector, hosting: local },
  });
  assert.deepEqual(onEmulator.problems, []);
  const onRealGraph = validateSignUpArgs({ ...minimal, connector: { ...minimal.connector, hosting: local } });
  assert.equal(onRealGraph.problems.length, 1);
  assert.match(
    onRealGraph.problems[0]!.message,
    /plain http on a loopback host, but this stack talks to a real Graph/,
  );
  const remote = validateSignUpArgs({
    ...minimal,
    connection: { cloud: "global", baseUrl: "http://127.0.0.1:4100", credential: "emulator" },
    connector: {
      ...minimal.connector,
      hosting: { kind: "external", baseUrl: "http://connector.example.net" },
    },
  });
  assert.match(remote.problems[0]!.message, /not https — Entra only calls https:\/\/ endpoints/);
});
