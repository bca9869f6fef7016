import assert from "node:assert/strict";
import { test } from "node:test";
import { loadSettings, SettingsError, type ConfigSource } from "../../stacks/settings";

const tenantId = "11111111-2222-3333-4444-555555555555";

function source(
  values: Record<string, unknown>,
  secrets: string[] = [],
  files: Record<string, string> = {},
): ConfigSource {
  return {
    get: (key) => values[key],
    isSecret: (key) => secrets.includes(key),
    readFile: (p) => {
      const content = files[p];
      if (content === undefined) throw new Error(`ENOENT: ${p}`);
      return content;
    },
  };
}

const valid = {
  tenant: { tenantId },
  attributes: [{ name: "CompanyName" }, { name: "Justification", description: "Why you need access" }],
  userFlow: {
    name: "PartnerSignUp",
    identityProviders: ["EmailOtpSignup-OAUTH"],
    page: [
      { attribute: "email", inputType: "emailBox" },
      { attribute: "displayName" },
      { attribute: "CompanyName" },
    ],
  },
  connector: {
    policy: { version: 1 },
    hosting: { kind: "external", baseUrl: "https://connector.example.com/api" },
  },
};

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SettingsError, `expected SettingsError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail("expected the settings to be rejected");
}

test("a complete configuration loads with defaults filled in", () => {
  const settings = loadSettings(source(valid));
  assert.equal(settings.tenant.cloud, "global");
  assert.equal(settings.toggle.enabled, true);
  assert.deepEqual(settings.userFlow.connectorSteps, {
    postFederationSignup: false,
    postAttributeCollection: true,
  });
  assert.equal(settings.userFlow.page[2]?.inputType, "textBox");
  assert.equal(settings.attributes[0]?.dataType, "string");
  assert.deepEqual(settings.connectorPolicy, { version: 1 });
});

test("missing required keys are all reported at once with the fix", () => {
  const problems = problemsOf(() => loadSettings(source({})));
  assert.equal(problems.length, 3);
  assert.match(problems[0]!, /entra-signup:tenant is required: .*pulumi config set/);
  assert.match(problems.join("\n"), /entra-signup:userFlow is required/);
  assert.match(problems.join("\n"), /entra-signup:connector is required/);
});

test("every bad field is reported with its key path", () => {
  const problems = problemsOf(() =>
    loadSettings(
      source({
        ...valid,
        tenant: { tenantId: "not-a-guid", cloud: "mars" },
        userFlow: {
          ...valid.userFlow,
          name: "B2X 1 spaces!",
          page: [{ attribute: "Unknown" }, { attribute: "email", inputType: "radioSingleSelect" }],
        },
      }),
    ),
  );
  const text = problems.join("\n");
  assert.match(text, /entra-signup:tenant\.tenantId: must be a GUID/);
  assert.match(text, /entra-signup:tenant\.cloud:/);
  assert.match(text, /entra-signup:userFlow\.name:/);
  // Cross-field checks run only on fields that parsed; the page is reported once the flow is valid.
  const again = problemsOf(() =>
    loadSettings(
      source({
        ...valid,
        userFlow: {
          ...valid.userFlow,
          page: [{ attribute: "Unknown" }, { attribute: "email", inputType: "radioSingleSelect" }],
        },
      }),
    ),
  ).join("\n");
  assert.match(again, /userFlow\.page\.0\.attribute: 'Unknown' is neither a built-in attribute/);
  assert.match(again, /userFlow\.page\.1\.options: inputType 'radioSingleSelect' needs at least one option/);
});

test("a secret stored in plain config is refused with the command that fixes it", () => {
  const problems = problemsOf(() => loadSettings(source({ ...valid, connectorPassword: "hunter2" })));
  assert.equal(problems.length, 1);
  assert.match(
    problems[0]!,
    /connectorPassword is stored in plain text: .*pulumi config set --secret entra-signup:connectorPassword/,
  );
  assert.ok(!problems[0]!.includes("hunter2"), "the secret value never appears in the error");
  const ok = loadSettings(source({ ...valid, connectorPassword: "[secret]" }, ["connectorPassword"]));
  assert.ok(ok.secretsPresent.has("connectorPassword"));
});

test("social identity providers need their client id and secret", () => {
  const problems = problemsOf(() =>
    loadSettings(source({ ...valid, userFlow: { ...valid.userFlow, identityProviders: ["Google-OAUTH"] } })),
  ).join("\n");
  assert.match(problems, /socialProviders\.google\.clientId is required/);
  assert.match(problems, /googleClientSecret is required/);
});

test("the emulator credential is only accepted with a loopback Graph URL", () => {
  const problems = problemsOf(() =>
    loadSettings(
      source({
        ...valid,
        tenant: { tenantId, graphCredential: "emulator", graphBaseUrl: "https://graph.example.com" },
      }),
    ),
  );
  assert.match(problems.join("\n"), /'emulator' is only allowed with a loopback/);
  const ok = loadSettings(
    source({
      ...valid,
      tenant: { tenantId, graphCredential: "emulator", graphBaseUrl: "http://127.0.0.1:4100" },
    }),
  );
  assert.equal(ok.tenant.graphCredential, "emulator");
});

test("the connector policy comes from exactly one place and is validated", () => {
  const both = problemsOf(() =>
    loadSettings(source({ ...valid, connector: { ...valid.connector, policyFile: "p.json" } })),
  );
  assert.match(both.join("\n"), /either policy or policyFile, not both/);
  const fromFile = loadSettings(
    source({ ...valid, connector: { policyFile: "p.json", hosting: valid.connector.hosting } }, [], {
      "p.json": '{"a":1}',
    }),
  );
  assert.deepEqual(fromFile.connectorPolicy, { a: 1 });
  const invalid = problemsOf(() => loadSettings(source(valid), () => ["rules.minLength: must be a number"]));
  assert.deepEqual(invalid, ["entra-signup:connector.policy: rules.minLength: must be a number"]);
});

test("a plain-http connector URL outside loopback is refused", () => {
  const problems = problemsOf(() =>
    loadSettings(
      source({
        ...valid,
        connector: {
          ...valid.connector,
          hosting: { kind: "external", baseUrl: "http://connector.example.com" },
        },
      }),
    ),
  );
  assert.match(problems.join("\n"), /Entra only calls https:\/\/ endpoints/);
});
