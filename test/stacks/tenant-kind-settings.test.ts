/**
 * `tenant.kind`, `extension` and `tokenClaims` in the stack config: workforce stays as it was, an external
 * config loads with its defaults, and every key that has no meaning in the chosen kind is refused with its
 * key path and the fix, all at once.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadSettings, SettingsError, type ConfigSource } from "../../stacks/settings";

const tenantId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const appId = "0b7f3c1e-9d2a-4c1b-8e5f-3a2b1c0d9e8f";

function source(values: Record<string, unknown>, secrets: string[] = []): ConfigSource {
  return {
    get: (key) => values[key],
    isSecret: (key) => secrets.includes(key),
    readFile: (p) => {
      throw new Error(`ENOENT: ${p}`);
    },
    keys: () => Object.keys(values),
  };
}

const policy = {
  domains: { allow: [{ domain: "partner-company.com", companyName: "Partner Company", role: "Partner" }] },
  enrichment: { roleAttribute: "PartnerRole", defaultRole: "External" },
};

const workforce = {
  tenant: { tenantId },
  attributes: [{ name: "CompanyName" }, { name: "PartnerRole" }],
  userFlow: {
    name: "PartnerSignUp",
    page: [
      { attribute: "email" },
      { attribute: "CompanyName" },
      { attribute: "PartnerRole", isOptional: true },
    ],
  },
  connector: { policy, hosting: { kind: "external", baseUrl: "https://connector.example.com/api" } },
};

const external = {
  ...workforce,
  tenant: { tenantId, kind: "external" },
  userFlow: { ...workforce.userFlow, identityProviders: ["EmailPassword-OAUTH"] },
  apps: { appIds: [appId] },
};

const tokenClaims = {
  claims: [{ id: "PartnerRole", source: { attribute: "PartnerRole" } }],
  appIds: [appId],
};

function problemsOf(values: Record<string, unknown>, secrets: string[] = []): readonly string[] {
  try {
    loadSettings(source(values, secrets));
  } catch (err) {
    assert.ok(err instanceof SettingsError, `expected SettingsError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail("expected the settings to be rejected");
}

test("tenant.kind defaults to workforce and a workforce config carries no extension settings", () => {
  const settings = loadSettings(source(workforce));
  assert.equal(settings.tenant.kind, "workforce");
  assert.equal(settings.extension, undefined);
  assert.equal(settings.tokenClaims, undefined);
  assert.equal(settings.connector.auth, "basic", "the B2X defaults are unchanged");
});

test("an external config loads with the extension defaults and its token claims", () => {
  const settings = loadSettings(source({ ...external, tokenClaims }));
  assert.equal(settings.tenant.kind, "external");
  assert.deepEqual(settings.extension, {
    timeoutInMilliseconds: 1000,
    maximumRetries: 1,
    attachVariant: "betaRef",
  });
  assert.deepEqual(settings.tokenClaims?.appIds, [appId]);
  const tuned = loadSettings(
    source({
      ...external,
      extension: { timeoutInMilliseconds: 200, maximumRetries: 0, attachVariant: "v1Patch" },
    }),
  );
  assert.deepEqual(tuned.extension, {
    timeoutInMilliseconds: 200,
    maximumRetries: 0,
    attachVariant: "v1Patch",
  });
});

test("every B2X-only key in an external config is refused at once with its key path and the fix", () => {
  const problems = problemsOf(
    {
      ...external,
      tenant: { tenantId, kind: "external", cloud: "usgov" },
      selfServiceSignUp: { enabled: true },
      connector: { ...external.connector, auth: "certificate", username: "svc", rotationKey: "2" },
      apps: { appIds: [appId], priority: 5 },
      userFlow: {
        ...external.userFlow,
        identityProviders: ["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"],
        connectorSteps: { postFederationSignup: true },
        page: [...external.userFlow.page, { attribute: "city", userInputType: "dateTimeDropdown" }],
      },
      connectorPassword: "x",
    },
    ["connectorPassword"],
  );
  const expect = (re: RegExp) =>
    assert.ok(
      problems.some((p) => re.test(p)),
      `${re} not in:\n${problems.join("\n")}`,
    );
  expect(/^entra-signup:tenant\.cloud: "usgov": external tenants are deployed to the global cloud only/);
  expect(/^entra-signup:selfServiceSignUp: .*has no meaning in an external tenant: .* — remove it/);
  expect(/^entra-signup:connector\.auth: "certificate" has no meaning in an external tenant: .*bearer token/);
  expect(/^entra-signup:connector\.username: "svc" has no meaning/);
  expect(/^entra-signup:connector\.rotationKey: "2" has no meaning/);
  expect(/^entra-signup:apps\.priority: 5 has no meaning in an external tenant: .*includeApplications/);
  expect(
    /^entra-signup:userFlow\.connectorSteps\.postFederationSignup: true has no meaning .* — set it to false/,
  );
  expect(
    /^entra-signup:userFlow\.identityProviders\.0: "AADSignup-OAUTH": Microsoft Entra ID accounts can sign up only in a workforce tenant/,
  );
  expect(/^entra-signup:userFlow\.page\.3\.userInputType: "dateTimeDropdown": .* — use textBox/);
  expect(
    /^entra-signup:connectorPassword has no use with tenant\.kind external: .*pulumi config rm entra-signup:connectorPassword/,
  );
  assert.equal(problems.length, 10, problems.join("\n"));
});

test("external-only settings in a workforce config are refused, naming tenant.kind external", () => {
  const problems = problemsOf({
    ...workforce,
    extension: { timeoutInMilliseconds: 1500 },
    userFlow: { ...workforce.userFlow, identityProviders: ["EmailPassword-OAUTH"] },
  });
  assert.deepEqual(problems.length, 2, problems.join("\n"));
  assert.match(
    problems[0]!,
    /^entra-signup:extension: sign-up custom authentication extensions exist only in external tenants .*tenantKind "external"/,
  );
  assert.match(
    problems[1]!,
    /^entra-signup:userFlow\.identityProviders\.0: "EmailPassword-OAUTH" exists only in external tenants/,
  );
});

test("a timeout or retry count Entra does not accept is refused at its key path", () => {
  const problems = problemsOf({ ...external, extension: { timeoutInMilliseconds: 5000, maximumRetries: 2 } });
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems[0]!, /^entra-signup:extension\.timeoutInMilliseconds: .*2000.*\(got 5000\)/);
  assert.match(problems[1]!, /^entra-signup:extension\.maximumRetries: 2 is not allowed: use one of 0, 1/);
});

test("a mistyped tenant.kind is refused once, with the near miss", () => {
  const problems = problemsOf({ ...workforce, tenant: { tenantId, kind: "externl" } });
  assert.deepEqual(problems, [
    'entra-signup:tenant.kind: "externl" (did you mean "external"?): use one of "workforce", "external"',
  ]);
});

test("token claims: an attribute the enrichment does not write, an app outside the flow, China and 3 KB are refused", () => {
  const notEnriched = problemsOf({
    ...external,
    tokenClaims: {
      claims: [{ id: "Company", source: { attribute: "CompanyName" } }],
      appIds: [appId, "11111111-2222-4333-8444-555555555555"],
    },
  });
  assert.equal(notEnriched.length, 2, notEnriched.join("\n"));
  assert.match(
    notEnriched[0]!,
    /^entra-signup:tokenClaims\.claims\.0\.source\.attribute: the connector policy's enrichment does not write 'CompanyName'/,
  );
  assert.match(
    notEnriched[1]!,
    /^entra-signup:tokenClaims\.appIds\.1: "11111111-2222-4333-8444-555555555555" is not in apps\.appIds: .* — add it to apps\.appIds/,
  );

  const china = problemsOf({ ...workforce, tenant: { tenantId, cloud: "china" }, tokenClaims });
  assert.deepEqual(china.length, 1, china.join("\n"));
  assert.match(
    china[0]!,
    /^entra-signup:tokenClaims: the China cloud has no v1\.0 custom authentication extensions/,
  );
  assert.ok(
    loadSettings(source({ ...workforce, tokenClaims })).tokenClaims,
    "workforce on the global cloud takes them",
  );

  const big = Array.from({ length: 300 }, (_, i) => `partner-group-${i}`);
  const tooBig = problemsOf({
    ...workforce,
    tokenClaims: {
      claims: [
        {
          id: "groups",
          source: { domainTable: { entries: [{ domain: "partner-company.com", value: big }] } },
        },
      ],
      appIds: [appId],
    },
  });
  assert.equal(tooBig.length, 1, tooBig.join("\n"));
  assert.match(
    tooBig[0]!,
    /^entra-signup:tokenClaims\.claims: the claims can reach \d+ bytes .*over Entra's limit of 3072 bytes \(error 1003025/,
  );
});
