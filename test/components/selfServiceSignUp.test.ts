/**
 * Wiring of the whole program under Pulumi mocks: the dev configuration produces the full resource
 * graph, in dependency order, with secrets kept secret — and bad configuration fails with every problem.
 * The mock monitor's RegisterResource requests are recorded as the engine would receive them.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { loadSettings, SettingsError } from "../../stacks/settings";
import { makeTempDir } from "../helpers/pulumi";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const appIdNoDashes = "d09380e2b4c642b9a203fb816a04a7ad";

interface Registered {
  type: string;
  name: string;
  urn: string;
  deps: string[];
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
let program: Record<string, pulumi.Output<unknown>>;
let tmp: { dir: string; cleanup: () => void };

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const i = args.inputs as Record<string, unknown>;
    const byType: Record<string, Record<string, unknown>> = {
      "entra-signup/graph:UserFlowAttribute": {
        attributeId: `extension_${appIdNoDashes}_${String(i.displayName)}`,
        extensionsAppId: appIdNoDashes,
      },
      "entra-signup/graph:ApiConnector": {
        connectorId: `conn-${args.name}`,
        password: i.password ?? "generated",
      },
      "entra-signup/graph:B2xUserFlow": { flowId: `B2X_1_${String(i.name)}` },
      "entra-signup/graph:UserFlowAppAssociation": { listenerId: "listener-1", appIds: i.appIds },
      "entra-signup/secrets:GeneratedPassword": { value: "generated-password-value-0123456789" },
      "azuread:index/application:Application": { clientId: `${args.name}-id-client` },
      "azure-native:web:WebApp": {
        defaultHostName: "signup-dev-app.azurewebsites.net",
        enabledHostNames: ["signup-dev-app.azurewebsites.net", "signup-dev-app.scm.azurewebsites.net"],
      },
      "azure-native:storage:StorageAccount": {
        primaryEndpoints: {
          blob: "https://acct.blob.core.windows.net/",
          queue: "https://acct.queue.core.windows.net/",
          table: "https://acct.table.core.windows.net/",
        },
      },
      "azure-native:managedidentity:UserAssignedIdentity": {
        principalId: "principal-1",
        clientId: "client-1",
      },
      "azure-native:applicationinsights:Component": {
        connectionString: "InstrumentationKey=ik;IngestionEndpoint=https://x/",
      },
      "azure-native:keyvault:Secret": {
        properties: { secretUri: "https://kv.vault.azure.net/secrets/connector-basic-password" },
      },
    };
    const key = Object.keys(byType).find((t) => args.type.endsWith(t));
    return { id: `${args.name}-id`, state: { ...i, ...(key ? byType[key] : {}) } };
  },
  call(args) {
    if (args.token === "azure-native:authorization:getClientConfig") {
      return { subscriptionId: "sub-1", tenantId: "tenant-1", clientId: "c", objectId: "o" };
    }
    return args.inputs;
  },
};

function recordRegistrations(): void {
  const monitor = (pulumi.runtime as unknown as { getMonitor(): Record<string, unknown> }).getMonitor();
  const original = (monitor.registerResource as (req: unknown, cb: unknown) => void).bind(monitor);
  monitor.registerResource = (
    req: Record<string, () => unknown>,
    callback: (err: unknown, res: unknown) => void,
  ) =>
    original(req, (err: unknown, res: { getUrn(): string } | undefined) => {
      if (res) {
        registered.push({
          type: req.getType!() as string,
          name: req.getName!() as string,
          urn: res.getUrn(),
          deps: req.getDependenciesList!() as string[],
          inputs: (req.getObject!() as { toJavaScript(): Record<string, unknown> }).toJavaScript(),
        });
      }
      callback(err, res);
    });
}

function configFromStackFile(file: string, overrides: Record<string, unknown>): Record<string, string> {
  const config = (parseYaml(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
  const merged = { ...config, ...overrides };
  return Object.fromEntries(
    Object.entries(merged).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const byType = (suffix: string) => registered.filter((r) => r.type.endsWith(suffix));
const one = (suffix: string) => {
  const found = byType(suffix);
  assert.equal(found.length, 1, `expected one ${suffix}, got ${found.length}`);
  return found[0]!;
};

before(async () => {
  tmp = makeTempDir("mocks-signup");
  const zip = path.join(tmp.dir, "connector.zip");
  fs.writeFileSync(zip, "not really a zip, only hashed");
  const root = path.resolve(__dirname, "..", "..");
  // Pulumi.dev.yaml marks the tenant and app ids as placeholders (refused on 'dev'): fill them in as a
  // user would.
  const dev = configFromStackFile(path.join(root, "Pulumi.dev.yaml"), {
    "entra-signup:tenant": { tenantId: "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", cloud: "global" },
    "entra-signup:apps": { appIds: ["3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"], priority: 100 },
  });
  const hosting = JSON.parse(dev["entra-signup:connector"]!) as Record<string, Record<string, unknown>>;
  hosting.hosting!.packagePath = zip;
  pulumi.runtime.setAllConfig({ ...dev, "entra-signup:connector": JSON.stringify(hosting) });
  await pulumi.runtime.setMocks(mocks, "entra-signup", "dev", false);
  recordRegistrations();
  program = (await import("../../index.js")) as unknown as Record<string, pulumi.Output<unknown>>;
  await value(program.flowId!);
  await value(program.appIds!);
});

after(() => tmp?.cleanup());

test("the dev configuration declares the whole sign-up system", async () => {
  assert.equal(byType("graph:UserFlowAttribute").length, 4);
  assert.equal(byType("graph:ApiConnector").length, 2, "one connector per wired step");
  one("graph:SelfServiceSignUpPolicy");
  one("graph:B2xUserFlow");
  one("graph:UserFlowAppAssociation");
  one("entra-signup:hosting:ConnectorFunctionApp");
  one("azure-native:web:WebApp");
  assert.equal(await value(program.flowId!), "B2X_1_PartnerSignUp");
  assert.deepEqual(await value(program.connectorUrls!), {
    postFederationSignup: "https://signup-dev-app.azurewebsites.net/api/postFederationSignup",
    postAttributeCollection: "https://signup-dev-app.azurewebsites.net/api/postAttributeCollection",
  });
});

test("the program derives every Azure name from the stack name when connector.hosting.namePrefix is unset", () => {
  const app = one("azure-native:web:WebApp");
  assert.match(String(app.inputs.name), /^func-dev-[0-9a-f]{8}$/);
  assert.match(String(one("azure-native:storage:StorageAccount").inputs.accountName), /^stdev[0-9a-f]{8}$/);
  assert.match(String(one("azure-native:keyvault:Vault").inputs.vaultName), /^kv-dev-[0-9a-f]{8}$/);
});

test("the flow gets the attribute page in the configured order with ids read from Graph", () => {
  const flow = one("graph:B2xUserFlow");
  const page = flow.inputs.attributes as Array<{
    attributeId: string;
    displayName: string;
    userInputType: string;
  }>;
  assert.deepEqual(
    page.map((a) => a.attributeId),
    [
      "email",
      "displayName",
      "givenName",
      "surname",
      `extension_${appIdNoDashes}_CompanyName`,
      `extension_${appIdNoDashes}_Justification`,
      `extension_${appIdNoDashes}_PartnerRole`,
      `extension_${appIdNoDashes}_ApprovedAt`,
      "jobTitle",
    ],
  );
  assert.equal(page[0]!.userInputType, "emailBox");
  const connectors = flow.inputs.apiConnectors as Record<string, string>;
  assert.deepEqual(connectors, {
    postFederationSignup: "conn-signup-postFederationSignup",
    postAttributeCollection: "conn-signup-postAttributeCollection",
  });
});

test("dependency order: toggle before attributes and flow, attributes before assignments, host before connectors", () => {
  const toggle = one("graph:SelfServiceSignUpPolicy");
  const flow = one("graph:B2xUserFlow");
  for (const attribute of byType("graph:UserFlowAttribute")) {
    assert.ok(attribute.deps.includes(toggle.urn), `${attribute.name} waits for the tenant toggle`);
    assert.ok(flow.deps.includes(attribute.urn), `the flow waits for ${attribute.name}`);
  }
  assert.ok(flow.deps.includes(toggle.urn), "the flow waits for the tenant toggle");
  const app = one("azure-native:web:WebApp");
  for (const connector of byType("graph:ApiConnector")) {
    assert.ok(connector.deps.includes(toggle.urn));
    assert.ok(connector.deps.includes(app.urn), `${connector.name} waits for the Function App`);
  }
  const association = one("graph:UserFlowAppAssociation");
  const order = registered.map((r) => r.urn);
  assert.ok(
    order.indexOf(association.urn) > order.indexOf(flow.urn),
    "apps are associated after the flow exists",
  );
});

test("the host gets the attribute ids from Graph, and no secret travels in plain text", () => {
  const app = one("azure-native:web:WebApp");
  const text = JSON.stringify(app.inputs);
  assert.ok(
    text.includes(`extension_${appIdNoDashes}_PartnerRole`),
    "SIGNUP_ATTRIBUTE_IDS carries Graph's ids",
  );
  assert.ok(
    !text.includes("generated-password-value-0123456789"),
    "the connector password is not an app setting value",
  );
  for (const connector of byType("graph:ApiConnector")) {
    const password = connector.inputs.password as Record<string, unknown>;
    assert.equal(
      password[SECRET_SIG],
      "1b47061264138c4ac30d75fd1eb44270",
      `${connector.name}.password is sent as a secret`,
    );
  }
});

test("bad configuration fails with every problem, before any resource", () => {
  const config: Record<string, unknown> = {
    tenant: { tenantId: "nope" },
    userFlow: { name: "x", page: [] },
    connector: {},
  };
  assert.throws(
    () => loadSettings({ get: (key) => config[key], isSecret: () => false, readFile: () => "" }),
    (err: unknown) => err instanceof SettingsError && err.problems.length >= 3,
  );
});

test("createApp registers an application and associates its client id with the flow", async () => {
  const { SelfServiceSignUp } = await import("../../components/selfServiceSignUp.js");
  const signUp = new SelfServiceSignUp("withapp", {
    connection: { cloud: "global", tenantId: "11111111-2222-3333-4444-555555555555" },
    userFlow: {
      name: "Suppliers",
      identityProviders: ["EmailOtpSignup-OAUTH"],
      page: [
        {
          attribute: "email",
          userInputType: "emailBox",
          isOptional: false,
          requiresVerification: true,
          userAttributeValues: [],
        },
      ],
      connectorSteps: { postFederationSignup: false, postAttributeCollection: true },
    },
    connector: {
      displayName: "suppliers",
      auth: "basic",
      username: "entra-signup",
      rotationKey: "1",
      policy: {},
      hosting: { kind: "external", baseUrl: "https://connector.example.com/api/" },
    },
    apps: {
      appIds: ["1fc41a76-3050-4529-8095-9af8897cf63d"],
      createApp: { displayName: "Supplier Portal", redirectUris: [] },
      priority: 50,
    },
  });
  await value(signUp.appIds);
  const app = registered.find(
    (r) => r.type === "azuread:index/application:Application" && r.name === "withapp-app",
  );
  assert.ok(app, "an app registration is declared");
  const association = registered.find((r) => r.name === "withapp-apps")!;
  assert.deepEqual(association.inputs.appIds, [
    "1fc41a76-3050-4529-8095-9af8897cf63d",
    "withapp-app-id-client",
  ]);
  assert.equal(association.inputs.priority, 50);
  assert.ok(association.deps.includes(app.urn), "the association waits for the app registration");
  assert.deepEqual(await value(signUp.connectorUrls), {
    postFederationSignup: "https://connector.example.com/api/postFederationSignup",
    postAttributeCollection: "https://connector.example.com/api/postAttributeCollection",
  });
});

test("adoptExisting reaches every Graph object that has a natural key; the dev stack leaves it off", async () => {
  for (const type of ["graph:UserFlowAttribute", "graph:ApiConnector", "graph:B2xUserFlow"]) {
    for (const r of byType(type).filter((r) => r.name.startsWith("signup-")))
      assert.equal(r.inputs.adoptExisting, false, `${r.name} keeps adoptExisting off by default`);
  }
  const { SelfServiceSignUp } = await import("../../components/selfServiceSignUp.js");
  const signUp = new SelfServiceSignUp("adopt", {
    connection: { cloud: "global", tenantId: "11111111-2222-3333-4444-555555555555" },
    attributes: [{ name: "CompanyName", dataType: "string", description: "" }],
    userFlow: {
      name: "HandMade",
      identityProviders: ["EmailOtpSignup-OAUTH", "Google-OAUTH"],
      page: [
        {
          attribute: "CompanyName",
          userInputType: "textBox",
          isOptional: false,
          requiresVerification: false,
          userAttributeValues: [],
        },
      ],
      connectorSteps: { postFederationSignup: true, postAttributeCollection: true },
    },
    connector: {
      displayName: "hand made",
      auth: "basic",
      username: "entra-signup",
      rotationKey: "1",
      policy: {},
      hosting: { kind: "external", baseUrl: "https://connector.example.com/api" },
    },
    apps: { appIds: ["1fc41a76-3050-4529-8095-9af8897cf63d"], priority: 100 },
    socialProviders: { google: { clientId: "g", clientSecret: pulumi.secret("s") } },
    adoptExisting: true,
  });
  await value(signUp.appIds);
  // The tenant toggle is a singleton policy: there is nothing to adopt, it is always read and set.
  const adopted = registered.filter(
    (r) =>
      r.name.startsWith("adopt-") && r.type.includes("entra-signup/graph:") && !r.name.endsWith("-toggle"),
  );
  assert.deepEqual(adopted.map((r) => r.type.split(":").pop()).sort(), [
    "ApiConnector",
    "ApiConnector",
    "B2xUserFlow",
    "SocialIdentityProvider",
    "UserFlowAppAssociation",
    "UserFlowAttribute",
  ]);
  for (const r of adopted) assert.equal(r.inputs.adoptExisting, true, `${r.name} adopts`);
});

test("adoptSecrets: given secrets are trusted on adopt by default, a generated connector password is always written, write reaches every secret", async () => {
  // The "adopt" component above: no connector password (generated), a Google secret, adoptSecrets unset.
  for (const r of byType("graph:ApiConnector").filter((r) => r.name.startsWith("adopt-")))
    assert.equal(
      r.inputs.adoptSecrets,
      "write",
      `${r.name}: a generated password cannot be the hand-made one`,
    );
  assert.equal(one("graph:SocialIdentityProvider").inputs.adoptSecrets, "trust");

  const { SelfServiceSignUp } = await import("../../components/selfServiceSignUp.js");
  const args = (name: string, adoptSecrets?: "trust" | "write") => ({
    connection: { cloud: "global" as const, tenantId: "11111111-2222-3333-4444-555555555555" },
    userFlow: {
      name,
      identityProviders: ["EmailOtpSignup-OAUTH" as const],
      page: [
        {
          attribute: "email",
          userInputType: "emailBox" as const,
          isOptional: false,
          requiresVerification: true,
          userAttributeValues: [],
        },
      ],
      connectorSteps: { postFederationSignup: false, postAttributeCollection: true },
    },
    connector: {
      displayName: name,
      password: pulumi.secret("given-password"),
      policy: {},
      hosting: { kind: "external" as const, baseUrl: "https://connector.example.com/api" },
    },
    adoptExisting: true,
    ...(adoptSecrets ? { adoptSecrets } : {}),
  });
  const trusted = new SelfServiceSignUp("given", args("Given"));
  const written = new SelfServiceSignUp("forced", args("Forced", "write"));
  await Promise.all([value(trusted.flowId), value(written.flowId)]);
  assert.equal(
    registered.find((r) => r.name === "given-postAttributeCollection")?.inputs.adoptSecrets,
    "trust",
  );
  assert.equal(
    registered.find((r) => r.name === "forced-postAttributeCollection")?.inputs.adoptSecrets,
    "write",
  );
  assert.throws(
    () => new SelfServiceSignUp("bad", { ...args("Bad"), adoptSecrets: "always" as "write" }),
    /adoptSecrets: "always" is not one of "trust", "write"/,
  );
});

test("certificate auth with Function App hosting: the site asks for the certificate and the app accepts exactly its thumbprints", async () => {
  const { SelfServiceSignUp } = await import("../../components/selfServiceSignUp.js");
  const thumbprint = "ab".repeat(20);
  const signUp = new SelfServiceSignUp("certapp", {
    connection: { cloud: "global", tenantId: "11111111-2222-3333-4444-555555555555" },
    userFlow: { name: "CertFlow", page: [{ attribute: "email", userInputType: "emailBox" }] },
    connector: {
      auth: "certificate",
      certificate: {
        pkcs12Base64: pulumi.secret("cGZ4"),
        password: pulumi.secret("pfx-password"),
        thumbprints: [thumbprint],
      },
      policy: { domains: { block: ["gmail.com"] } },
      hosting: {
        kind: "functionApp",
        location: "westeurope",
        namePrefix: "certapp",
        packagePath: path.join(tmp.dir, "connector.zip"),
        packageSha256: "0".repeat(64),
      },
    },
  });
  await value(signUp.connectorUrls);
  await new Promise((r) => setTimeout(r, 50));
  const site = registered.find((r) => r.type === "azure-native:web:WebApp" && r.name.startsWith("certapp"));
  assert.ok(site, "the Function App is declared");
  assert.equal(site.inputs.clientCertEnabled, true);
  assert.equal(site.inputs.clientCertMode, "Required");
  const settings = Object.fromEntries(
    (site.inputs.siteConfig as { appSettings: { name: string; value: string }[] }).appSettings.map((s) => [
      s.name,
      s.value,
    ]),
  );
  assert.equal(settings.CONNECTOR_AUTH_MODE, "certificate");
  assert.equal(settings.CONNECTOR_CERT_THUMBPRINTS, thumbprint.toUpperCase());
  assert.equal(settings.CONNECTOR_BASIC_PASSWORD, undefined, "no password in certificate mode");
  assert.equal(settings.CONNECTOR_BASIC_USERNAME, undefined);
  const connector = registered.find(
    (r) => r.type.endsWith("graph:ApiConnector") && r.name.startsWith("certapp"),
  );
  assert.ok(connector);
  // The PFX and its password travel to the engine only inside a secret.
  const certs = connector.inputs.certificates as Record<string, unknown>;
  assert.ok(SECRET_SIG in certs, "the certificates are sent as a secret");
});

test("SelfServiceSignUp validates its own arguments: one ResourceError with every problem, path and fix", async () => {
  const { SelfServiceSignUp } = await import("../../components/selfServiceSignUp.js");
  const before = registered.length;
  assert.throws(
    () =>
      new SelfServiceSignUp("invalid", {
        connection: { cloud: "global", tenantId: "11111111-2222-3333-4444-555555555555" },
        attributes: [{ name: "Loyalty Number" }],
        userFlow: {
          name: "Bad Name!",
          identityProviders: ["Google-OAUTH"],
          page: [
            { attribute: "Unknown" },
            { attribute: "city", label: "City" } as never,
            { attribute: "country", userInputType: "radioSingleSelect" },
          ],
        },
        connector: {
          auth: "certificate",
          policy: { rateLimit: { perDomain: "fifty" } } as never,
          hosting: { kind: "external", baseUrl: "http://127.0.0.1:7071/api" },
        },
      }),
    (err: unknown) => {
      assert.ok(err instanceof pulumi.ResourceError, `expected a ResourceError, got ${String(err)}`);
      const text = (err as Error).message;
      for (const expected of [
        /attributes\.0\.name: must start with a letter/,
        /userFlow\.name: letters, digits/,
        /userFlow\.page\.1\.label: "label" is now "displayName"/,
        /userFlow\.page\.0\.attribute: 'Unknown' is neither a built-in attribute .* — declare it or fix the name/,
        /userFlow\.page\.2\.userAttributeValues: a radioSingleSelect field needs at least one option/,
        /socialProviders\.google\.clientId: required because userFlow\.identityProviders has Google-OAUTH/,
        /connector\.certificate\.pkcs12Base64: required for certificate auth/,
        /connector\.hosting\.baseUrl: http:\/\/127\.0\.0\.1:7071 is plain http on a loopback host, but this stack talks to a real Graph/,
        /connector\.policy\.rateLimit\.perDomain: .*number/,
      ])
        assert.match(text, expected);
      return true;
    },
  );
  assert.equal(
    registered.slice(before).filter((r) => r.name.startsWith("invalid-")).length,
    0,
    "no child resource is declared",
  );
});
