/**
 * `SelfServiceSignUp`'s own validation of `tenantKind`, `extension` and `tokenClaims`: a consumer who never
 * uses the stack config gets the same kind-aware refusals, named by argument path.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateSignUpArgs } from "../../components/signup/validate";

const appId = "0b7f3c1e-9d2a-4c1b-8e5f-3a2b1c0d9e8f";
const minimal = {
  connection: { cloud: "global" },
  attributes: [{ name: "PartnerRole" }],
  userFlow: {
    name: "Partners",
    page: [{ attribute: "email" }, { attribute: "PartnerRole", isOptional: true }],
  },
  connector: {
    policy: { enrichment: { roleAttribute: "PartnerRole", defaultRole: "External" } },
    hosting: { kind: "external", baseUrl: "https://connector.example.net/api" },
  },
};

test("without tenantKind the arguments are validated as a workforce tenant's, as before", () => {
  const { problems, value } = validateSignUpArgs(minimal);
  assert.deepEqual(problems, []);
  assert.equal(value?.tenantKind, "workforce");
  assert.equal(value?.extension, undefined);
});

test("an external tenant's arguments get the extension defaults and refuse the B2X connector fields", () => {
  const ok = validateSignUpArgs({ ...minimal, tenantKind: "external" });
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.value?.extension, {
    timeoutInMilliseconds: 1000,
    maximumRetries: 1,
    attachVariant: "betaRef",
  });

  const { problems } = validateSignUpArgs({
    ...minimal,
    tenantKind: "external",
    toggle: { enabled: true },
    connector: { ...minimal.connector, auth: "basic", password: "p", certificate: { pkcs12Base64: "x" } },
    apps: { appIds: [appId], priority: 100 },
    extension: { attachVariant: "v2" },
  });
  assert.deepEqual(
    problems.map((p) => p.path),
    [
      "extension.attachVariant",
      "toggle",
      "connector.auth",
      "connector.password",
      "connector.certificate",
      "apps.priority",
    ],
  );
  assert.ok(
    problems.every((p) => / — remove it$|use one of/.test(p.message)),
    JSON.stringify(problems),
  );
  assert.doesNotMatch(JSON.stringify(problems), /"p"/, "the password is never echoed");
});

test("token claims are parsed in both kinds and checked against the policy, the kind and the cloud", () => {
  const tokenClaims = {
    claims: [{ id: "PartnerRole", source: { attribute: "PartnerRole" } }],
    appIds: [appId],
  };
  const workforce = validateSignUpArgs({ ...minimal, tokenClaims });
  assert.deepEqual(workforce.problems, []);
  assert.equal(workforce.value?.tokenClaims?.claims[0]?.id, "PartnerRole");

  const external = validateSignUpArgs({ ...minimal, tenantKind: "external", tokenClaims });
  assert.deepEqual(
    external.problems.map((p) => p.path),
    ["tokenClaims.appIds.0"],
    "in an external tenant the app must be in the flow",
  );
  const china = validateSignUpArgs({ ...minimal, connection: { cloud: "china" }, tokenClaims });
  assert.deepEqual(
    china.problems.map((p) => p.path),
    ["tokenClaims"],
  );
  const bad = validateSignUpArgs({
    ...minimal,
    tenantKind: "workforce",
    tokenClaims: { claims: [], appIds: [] },
  });
  assert.deepEqual(
    bad.problems.map((p) => p.path),
    ["tokenClaims.claims", "tokenClaims.appIds"],
  );
});

test("an unknown tenantKind is refused with the choices and no kind check runs on a guess", () => {
  const { problems } = validateSignUpArgs({ ...minimal, tenantKind: "ciam", extension: {} });
  assert.deepEqual(
    problems.map((p) => p.path),
    ["tenantKind"],
  );
  assert.match(problems[0]!.message, /use one of "workforce", "external"/);
});
