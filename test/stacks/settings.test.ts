import assert from "node:assert/strict";
import { test } from "node:test";
import { loadSettings, SettingsError, type ConfigSource } from "../../stacks/settings";

const tenantId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

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
      { attribute: "email", userInputType: "emailBox" },
      { attribute: "displayName" },
      { attribute: "CompanyName" },
    ],
  },
  connector: {
    policy: { version: "1.0.0" },
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
  assert.equal(settings.userFlow.page[2]?.userInputType, "textBox");
  assert.equal(settings.attributes[0]?.dataType, "string");
  assert.deepEqual(settings.connectorPolicy, { version: "1.0.0" });
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
          page: [{ attribute: "Unknown" }, { attribute: "email", userInputType: "radioSingleSelect" }],
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
          page: [{ attribute: "Unknown" }, { attribute: "email", userInputType: "radioSingleSelect" }],
        },
      }),
    ),
  ).join("\n");
  assert.match(again, /userFlow\.page\.0\.attribute: 'Unknown' is neither a built-in attribute/);
  assert.match(
    again,
    /userFlow\.page\.1\.userAttributeValues: a radioSingleSelect field needs at least one option/,
  );
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
  assert.match(
    problems,
    /socialProviders\.google\.clientId: required because userFlow\.identityProviders has Google-OAUTH/,
  );
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
  assert.match(problems.join("\n"), /"emulator" sends a fake token and needs a loopback baseUrl/);
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
      "p.json": '{"domains":{"block":["gmail.com"]}}',
    }),
  );
  assert.deepEqual(fromFile.connectorPolicy, { domains: { block: ["gmail.com"] } });
  // Policy problems come with the others, all at once, with the key path inside the policy.
  const invalid = problemsOf(() =>
    loadSettings(
      source({
        ...valid,
        userFlow: { ...valid.userFlow, name: "bad name!" },
        connector: { ...valid.connector, policy: { rateLimit: { perDomain: "fifty" }, domians: {} } },
      }),
    ),
  );
  const text = invalid.join("\n");
  assert.match(text, /entra-signup:userFlow\.name:/);
  assert.match(text, /entra-signup:connector\.policy\.rateLimit\.perDomain: .*number/);
  assert.match(text, /entra-signup:connector\.policy(\.\$)?: unknown key "domians"/);
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

test("an unknown top-level key is refused with the near miss and the list of known keys", () => {
  const withKeys: ConfigSource = {
    ...source(valid),
    keys: () => [...Object.keys(valid), "userflow", "colour"],
  };
  const problems = problemsOf(() => loadSettings(withKeys));
  assert.equal(problems.length, 2);
  assert.match(
    problems[0]!,
    /entra-signup:userflow is not a known key \(did you mean entra-signup:userFlow\?\)/,
  );
  assert.match(
    problems[1]!,
    /entra-signup:colour is not a known key: remove it; known keys are tenant, .*adoptExisting/,
  );
  const ok: ConfigSource = {
    ...source(valid),
    keys: () => [...Object.keys(valid), "adoptExisting", "connectorPassword"],
  };
  assert.doesNotThrow(() => loadSettings({ ...ok, isSecret: () => true }));
});

test("a page field whose input type or options do not fit the attribute's data type is refused", () => {
  const config = {
    ...valid,
    attributes: [
      { name: "Seats", dataType: "int64" },
      { name: "Consent", dataType: "boolean" },
      { name: "Tier", dataType: "int64" },
    ],
    userFlow: {
      ...valid.userFlow,
      page: [
        { attribute: "Seats", userInputType: "emailBox" },
        { attribute: "Consent", userInputType: "textBox" },
        {
          attribute: "Tier",
          userInputType: "dropdownSingleSelect",
          userAttributeValues: [
            { name: "One", value: "1" },
            { name: "Gold", value: "gold" },
          ],
        },
      ],
    },
  };
  const problems = problemsOf(() => loadSettings(source(config)));
  assert.equal(problems.length, 3, problems.join("\n"));
  assert.match(
    problems[0]!,
    /userFlow\.page\.0\.userInputType: 'emailBox' does not fit int64 attribute 'Seats' — use one of textBox/,
  );
  assert.match(
    problems[1]!,
    /userFlow\.page\.1\.userInputType: 'textBox' does not fit boolean attribute 'Consent'/,
  );
  assert.match(
    problems[2]!,
    /userFlow\.page\.2\.userAttributeValues\.1\.value: 'gold' is not a int64 value .*whole number/,
  );
});

test("attribute rules in the connector policy need the postAttributeCollection step", () => {
  const config = {
    ...valid,
    userFlow: {
      ...valid.userFlow,
      connectorSteps: { postFederationSignup: true, postAttributeCollection: false },
    },
    connector: { ...valid.connector, policy: { version: "1.0.0", requiredAttributes: ["CompanyName"] } },
  };
  const problems = problemsOf(() => loadSettings(source(config)));
  assert.equal(problems.length, 1);
  assert.match(
    problems[0]!,
    /userFlow\.connectorSteps\.postAttributeCollection: .*\(requiredAttributes\) that run only at that step — set it to true/,
  );
  const noRules = {
    ...config,
    connector: { ...config.connector, policy: { version: "1.0.0", requiredAttributes: [] } },
  };
  assert.doesNotThrow(() => loadSettings(source(noRules)));
});

test("the local connector host is refused outside the local stack", () => {
  const local = {
    ...valid,
    connector: {
      ...valid.connector,
      hosting: { kind: "local", baseUrl: "http://127.0.0.1:7071/api", settingsFile: "/tmp/s.json" },
    },
  };
  const problems = problemsOf(() => loadSettings({ ...source(local), stack: "prod" }));
  assert.deepEqual(problems.length, 2);
  assert.match(
    problems[0]!,
    /connector\.hosting\.kind: 'local' is only for the 'local' stack .*not 'prod'; use 'functionApp' or 'external'/,
  );
  // Even on the local stack, a loopback http connector is refused while the stack talks to a real Graph.
  assert.match(
    problems[1]!,
    /connector\.hosting\.baseUrl: http:\/\/127\.0\.0\.1:7071 is plain http on a loopback host, but this stack talks to a real Graph/,
  );
  const emulated = {
    ...local,
    tenant: { tenantId, graphBaseUrl: "http://127.0.0.1:4100", graphCredential: "emulator" },
  };
  assert.doesNotThrow(() => loadSettings({ ...source(emulated), stack: "local" }));
});

test("adoptExisting defaults to false, takes a boolean and nothing else", () => {
  assert.equal(loadSettings(source(valid)).adoptExisting, false);
  assert.equal(loadSettings(source({ ...valid, adoptExisting: true })).adoptExisting, true);
  const problems = problemsOf(() => loadSettings(source({ ...valid, adoptExisting: "yes" })));
  assert.match(problems[0]!, /^entra-signup:adoptExisting: /);
});

test("adoptSecrets defaults to trust, takes trust or write and refuses anything else with both values", () => {
  assert.equal(loadSettings(source(valid)).adoptSecrets, "trust");
  assert.equal(loadSettings(source({ ...valid, adoptSecrets: "write" })).adoptSecrets, "write");
  const problems = problemsOf(() => loadSettings(source({ ...valid, adoptSecrets: "always" })));
  assert.equal(problems.length, 1);
  assert.equal(problems[0], 'entra-signup:adoptSecrets: "always": use one of "trust", "write"');
});

test("a policy that writes an attribute missing from the page is refused with the key path and the fix", () => {
  const connector = { ...valid.connector, policy: { enrichment: { claims: { jobTitle: "{role} User" } } } };
  const problems = problemsOf(() => loadSettings(source({ ...valid, connector })));
  const problem = problems.find((p) => p.includes("jobTitle"));
  assert.match(
    problem ?? "",
    /^entra-signup:connector\.policy\.enrichment\.claims\.jobTitle: .*writes 'jobTitle'.*add 'jobTitle' to the user flow's page/,
  );
  const page = [...valid.userFlow.page, { attribute: "jobTitle", isOptional: true }];
  const ok = loadSettings(source({ ...valid, connector, userFlow: { ...valid.userFlow, page } }));
  assert.equal(ok.userFlow.page.at(-1)?.attribute, "jobTitle");
});
