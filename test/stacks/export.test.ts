import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { parse } from "yaml";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { runExport, type ExportOptions } from "../../stacks/export/cli";
import { loadSettings, SECRET_KEYS } from "../../stacks/settings";
import { client, flowBody, makePfx, ref } from "../graph-emulator/helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
});
afterEach(() => emulator.reset());
after(() => emulator.close());

async function ok(method: string, path: string, body?: unknown, version: "v1.0" | "beta" = "v1.0") {
  const res = await call(method, path, body, { version });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function attribute(displayName: string, description: string): Promise<string> {
  return (await ok("POST", "/identity/userFlowAttributes", { displayName, description, dataType: "string" }))
    .id;
}

async function flow(name: string, idps: string[], page: { id: string; label: string; extra?: object }[]) {
  await ok("POST", "/identity/b2xUserFlows", flowBody(name));
  const base = `/identity/b2xUserFlows/B2X_1_${name}`;
  for (const idp of idps)
    await ok(
      "POST",
      `${base}/userFlowIdentityProviders/$ref`,
      ref(emulator, `/identity/identityProviders/${idp}`),
    );
  for (const f of page)
    await ok("POST", `${base}/userAttributeAssignments`, {
      displayName: f.label,
      isOptional: false,
      requiresVerification: false,
      userInputType: "textBox",
      userAttributeValues: [],
      userAttribute: { id: f.id },
      ...f.extra,
    });
  return base;
}

/** The seed walkthrough, by hand: three attributes, a Basic connector before user creation, one flow, one app. */
async function seedWalkthrough(): Promise<void> {
  await ok("PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } });
  const company = await attribute("Company Name", "The name of your company");
  const department = await attribute("Department", "Your department");
  const justification = await attribute("Access Justification", "Why you need access");
  await attribute("Unused Thing", "never on a page");
  const connector = await ok("POST", "/identity/apiConnectors", {
    displayName: "Validate Partner Domain",
    targetUrl: "https://partner-api.example.com/api/postAttributeCollection",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.basicAuthentication",
      username: "entra-connector",
      password: "hand-made-Secret-1",
    },
  });
  const base = await flow(
    "PartnerSignUp",
    ["EmailOtpSignup-OAUTH"],
    [
      { id: "displayName", label: "Display Name" },
      { id: company, label: "Company Name" },
      {
        id: department,
        label: "Department",
        extra: {
          userInputType: "dropdownSingleSelect",
          isOptional: true,
          userAttributeValues: [
            { name: "Sales", value: "sales", isDefault: true },
            { name: "Engineering", value: "eng", isDefault: false },
          ],
        },
      },
      { id: justification, label: "Why do you need access?" },
    ],
  );
  await ok(
    "PUT",
    `${base}/apiConnectorConfiguration/postAttributeCollection/$ref`,
    ref(emulator, `/identity/apiConnectors/${connector.id}`),
  );
  await ok(
    "POST",
    "/identity/events/onSignupStart",
    {
      "@odata.type": "#microsoft.graph.invokeUserFlowListener",
      priority: 100,
      sourceFilter: { includeApplications: [emulator.sampleAppId] },
      userFlow: { id: "B2X_1_PartnerSignUp" },
    },
    "beta",
  );
}

const options = (extra: Partial<ExportOptions> = {}): ExportOptions => ({
  tenantId: emulator.tenantId,
  cloud: "global",
  flows: [],
  stack: "adopted",
  graphUrl: emulator.url,
  ...extra,
});

/** The exported file as the program reads it, with the secrets it names set. */
function settingsOf(text: string, secrets: string[]) {
  const config = (parse(text) as { config: Record<string, unknown> }).config;
  const values = new Map(Object.entries(config).map(([k, v]) => [k.replace(/^entra-signup:/, ""), v]));
  for (const key of secrets) values.set(key, "<secret>");
  return loadSettings({
    get: (k) => values.get(k),
    isSecret: (k) => (SECRET_KEYS as readonly string[]).includes(k),
    readFile: () => "{}",
    keys: () => [...values.keys()],
    stack: "adopted",
  });
}

test("the walkthrough tenant exports to a stack file that passes the config validation, with no secret in it", async () => {
  await seedWalkthrough();
  const [file, ...rest] = await runExport(options({ flows: ["B2X_1_PartnerSignUp"] }), "/tmp");
  assert.equal(rest.length, 0);
  assert.equal(file!.file, "/tmp/Pulumi.adopted.yaml");
  assert.ok(!file!.text.includes("hand-made-Secret-1"), "the connector password never appears");
  const c = file!.export.config as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.deepEqual(c.attributes, [
    { name: "AccessJustification", description: "Why you need access" },
    { name: "CompanyName", description: "The name of your company" },
    { name: "Department", description: "Your department" },
  ]);
  assert.deepEqual(c.userFlow.identityProviders, ["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"]);
  assert.deepEqual(
    c.userFlow.page.map((f: { attribute: string }) => f.attribute),
    ["email", "displayName", "CompanyName", "Department", "AccessJustification"],
  );
  assert.deepEqual(c.userFlow.page[3], {
    attribute: "Department",
    displayName: "Department",
    userInputType: "dropdownSingleSelect",
    isOptional: true,
    userAttributeValues: [
      { name: "Sales", value: "sales", isDefault: true },
      { name: "Engineering", value: "eng", isDefault: false },
    ],
  });
  assert.deepEqual(c.userFlow.connectorSteps, { postFederationSignup: false, postAttributeCollection: true });
  assert.deepEqual(c.connector, {
    displayName: "Validate Partner Domain",
    auth: "basic",
    username: "entra-connector",
    policy: {},
    hosting: { kind: "external", baseUrl: "https://partner-api.example.com/api" },
  });
  assert.deepEqual(c.apps, { appIds: [emulator.sampleAppId], priority: 100 });
  assert.equal(c.adoptExisting, true);
  assert.deepEqual(file!.export.secretCommands, [
    "pulumi config set --secret entra-signup:connectorPassword '<the connector's current Basic password (Graph never returns it)>'",
  ]);
  assert.ok(file!.text.includes('"Unused Thing"'), "the unused attribute is named in a comment");
  assert.ok(file!.text.includes('"Company Name" is written as name CompanyName'));
  const settings = settingsOf(file!.text, ["connectorPassword"]);
  assert.equal(settings.userFlow.name, "PartnerSignUp");
});

test("a second export of the same tenant is byte-identical", async () => {
  await seedWalkthrough();
  const first = await runExport(options(), "/tmp");
  const second = await runExport(options(), "/tmp");
  assert.equal(first[0]!.text, second[0]!.text);
});

test("a --flow that does not exist is refused with the flows that do", async () => {
  await seedWalkthrough();
  await assert.rejects(
    runExport(options({ flows: ["B2X_1_Nope"] }), "/tmp"),
    /no user flow B2X_1_Nope in the tenant; the flows that exist are: B2X_1_PartnerSignUp/,
  );
});

test("a 403 on a read names the missing permission", async () => {
  await seedWalkthrough();
  emulator.faults.add({
    method: "GET",
    path: "^/identity/apiConnectors$",
    kind: "status",
    status: 403,
    times: 5,
  });
  await assert.rejects(runExport(options(), "/tmp"), /lacks APIConnectors\.ReadWrite\.All/);
});

test("two flows, a Google provider and a certificate connector: one file per flow, client id only, certificate secrets named", async () => {
  await ok("PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } });
  await ok("POST", "/identity/identityProviders", {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    identityProviderType: "Google",
    clientId: "google-client-id.apps.example",
    clientSecret: "google-Secret-value",
  });
  const pfx = makePfx();
  const connector = await ok("POST", "/identity/apiConnectors", {
    displayName: "Check",
    targetUrl: "https://hooks.example.com/signup/postFederationSignup",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.pkcs12Certificate",
      pkcs12Value: pfx.base64,
      password: pfx.password,
    },
  });
  const a = await flow("Alpha", ["Google-OAUTH", "EmailOtpSignup-OAUTH"], [{ id: "city", label: "Town" }]);
  await ok(
    "PUT",
    `${a}/apiConnectorConfiguration/postFederationSignup/$ref`,
    ref(emulator, `/identity/apiConnectors/${connector.id}`),
  );
  await flow("Beta", ["MSASignup-OAUTH"], []);
  await assert.rejects(runExport(options({ out: "x.yaml" }), "/tmp"), /a stack holds one flow/);
  const files = await runExport(options(), "/tmp");
  assert.deepEqual(
    files.map((f) => f.file),
    ["/tmp/Pulumi.adopted-alpha.yaml", "/tmp/Pulumi.adopted-beta.yaml"],
  );
  const alpha = files[0]!;
  const c = alpha.export.config as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.deepEqual(c.socialProviders, { google: { clientId: "google-client-id.apps.example" } });
  assert.equal(c.connector.auth, "certificate");
  assert.deepEqual(c.connector.hosting, { kind: "external", baseUrl: "https://hooks.example.com/signup" });
  assert.deepEqual(c.connectorCertificateThumbprints, [pfx.thumbprint.toUpperCase()]);
  for (const secret of [pfx.password, "google-Secret-value", pfx.base64.slice(0, 40)])
    assert.ok(!alpha.text.includes(secret), "no secret is written");
  assert.deepEqual(
    alpha.export.secretCommands.map((s) => s.split(" ")[4]),
    [
      "entra-signup:googleClientSecret",
      "entra-signup:connectorCertificatePfx",
      "entra-signup:connectorCertificatePassword",
    ],
  );
  settingsOf(alpha.text, ["googleClientSecret", "connectorCertificatePfx", "connectorCertificatePassword"]);
  settingsOf(files[1]!.text, ["connectorPassword"]);
});
