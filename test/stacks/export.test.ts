import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { parse } from "yaml";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { runExport, type ExportOptions } from "../../stacks/export/cli";
import { loadSettings, SECRET_KEYS } from "../../stacks/settings";
import { GOOGLE_SECRET, seedTwoFlows, seedWalkthrough } from "./export-tenants";

let emulator: GraphEmulator;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
});
afterEach(() => emulator.reset());
after(() => emulator.close());

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
  await seedWalkthrough(emulator);
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
    stepDisplayNames: { postAttributeCollection: "Validate Partner Domain" },
    auth: "basic",
    username: "entra-connector",
    policy: {},
    hosting: { kind: "external", baseUrl: "https://partner-api.example.com/api" },
  });
  assert.deepEqual(c.apps, { appIds: [emulator.sampleAppId], priority: 100 });
  assert.equal(c.adoptExisting, true);
  assert.deepEqual(
    file!.export.secrets.map((x) => x.key),
    ["entra-signup:connectorPassword"],
  );
  assert.ok(
    file!.text.includes("#   pulumi config set --secret entra-signup:connectorPassword --stack adopted   # "),
    "the file names the command to run",
  );
  assert.ok(file!.text.includes('"Unused Thing"'), "the unused attribute is named in a comment");
  assert.ok(file!.text.includes('attribute "Company Name" is written as name CompanyName'));
  const settings = settingsOf(file!.text, ["connectorPassword"]);
  assert.equal(settings.userFlow.name, "PartnerSignUp");
});

test("a second export of the same tenant is byte-identical", async () => {
  await seedWalkthrough(emulator);
  const first = await runExport(options(), "/tmp");
  const second = await runExport(options(), "/tmp");
  assert.equal(first[0]!.text, second[0]!.text);
});

test("a --flow that does not exist is refused with the flows that do", async () => {
  await seedWalkthrough(emulator);
  await assert.rejects(
    runExport(options({ flows: ["B2X_1_Nope"] }), "/tmp"),
    /no user flow B2X_1_Nope in the tenant; the flows that exist are: B2X_1_PartnerSignUp/,
  );
});

test("a 403 on a read names the missing permission", async () => {
  await seedWalkthrough(emulator);
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
  const pfx = await seedTwoFlows(emulator);
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
  for (const secret of [pfx.password, GOOGLE_SECRET, pfx.base64.slice(0, 40)])
    assert.ok(!alpha.text.includes(secret), "no secret is written");
  assert.deepEqual(
    alpha.export.secrets.map((x) => x.key),
    [
      "entra-signup:googleClientSecret",
      "entra-signup:connectorCertificatePfx",
      "entra-signup:connectorCertificatePassword",
    ],
  );
  settingsOf(alpha.text, ["googleClientSecret", "connectorCertificatePfx", "connectorCertificatePassword"]);
  settingsOf(files[1]!.text, ["connectorPassword"]);
});
