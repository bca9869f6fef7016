/**
 * What the engine stores as each Graph resource's provider (`__provider`) is a fixed shim of under 3 KB naming
 * the resource kind, with no credential, no secret, no provider code and no path of this checkout. At run
 * time it loads the installed package's provider, so `read` and `delete` — which run the text stored in
 * state — always run the current code. Revived here with a `require` that resolves packages and Node
 * built-ins only, as the provider process does (require-from-string).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { startGraphEmulator } from "../../local/graph-emulator";
import { apiHost, externalEmulator } from "./external-helpers";
import { tenantWithTokenExtension } from "./token-claims-fixture";
import { graphProviderCode, withReleaseHandling } from "../../components/graph/providers/registry";
import {
  graphResourceKinds,
  providerVersionKey,
  storedProviderText,
  type GraphResourceKind,
} from "../../components/graph/resources/provider-shim";

// The registry the stored shim loads: every exported provider must be in it.
const providers = graphProviderCode;

// Credentials a careless provider could capture from the environment of `pulumi up`.
const planted = {
  AZURE_CLIENT_SECRET: "planted-client-secret-7f3a",
  AZURE_CLIENT_CERTIFICATE_PASSWORD: "planted-cert-password-91c2",
  ARM_CLIENT_SECRET: "planted-arm-secret-44d0",
};

// Markers of library code that must never be inlined into state.
const libraryMarkers = [
  /GraphRequest\.prototype/,
  /RetryHandler\.RETRY_STATUS_CODES/,
  /TokenCredentialAuthenticationProvider/,
  /class DefaultAzureCredential|function DefaultAzureCredential/,
  /pkcs12FromAsn1\s*=\s*function|forge\.pkcs12\s*=/,
  /msal/i,
];

const providersDir = path.resolve(__dirname, "../../components/graph/providers");
const repoRoot = path.resolve(__dirname, "../..");

test("the list above holds every dynamic provider the Graph layer exports", () => {
  const found = new Set<unknown>();
  for (const file of fs.readdirSync(providersDir).filter((f) => f.endsWith(".ts"))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- enumerate the modules' exports
    const mod = require(path.join(providersDir, file)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (v && typeof v === "object" && typeof (v as { create?: unknown }).create === "function")
        found.add(v);
    }
  }
  const listed: unknown[] = Object.values(providers);
  assert.equal([...found].filter((p) => !listed.includes(p)).length, 0, "no provider missing from the list");
  assert.equal(found.size, listed.length, "every listed provider is exported");
  // Every resource class uses one of them.
  const resourcesDir = path.resolve(providersDir, "../resources");
  const shared = ["common.ts", "provider-shim.ts"];
  for (const file of fs.readdirSync(resourcesDir).filter((f) => !shared.includes(f))) {
    const text = fs.readFileSync(path.join(resourcesDir, file), "utf8");
    assert.ok(
      Object.keys(providers).some((k) => text.includes(`"${k}"`)),
      `${file} registers a type token of a provider under test`,
    );
  }
  assert.deepEqual([...graphResourceKinds].sort(), Object.keys(providers).sort(), "one stored shim per kind");
  for (const [kind, p] of Object.entries(providers))
    assert.equal(graphProviderCode[kind as GraphResourceKind], p, `the registry runs ${kind}'s provider`);
});

/** The provider process's view: packages and Node built-ins resolve, files of this repository do not. */
function packagesOnlyRequire(id: string): unknown {
  if (id.startsWith(".") || path.isAbsolute(id)) {
    throw new Error(`serialized provider requires a file (${id}); it breaks once that file changes`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider process's require
  return require(id);
}

function revive(text: string): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const mod = { exports: {} as { handler?: () => unknown } };
  new Function("exports", "module", "require", text)(mod.exports, mod, packagesOnlyRequire);
  return mod.exports.handler?.() as Record<string, (...args: unknown[]) => Promise<unknown>>;
}

for (const [name, provider] of Object.entries(providers)) {
  test(`${name}: state stores a thin shim without credentials, secrets, provider code or checkout paths`, async () => {
    Object.assign(process.env, planted);
    // Warm the process like a real run would: load the SDK and a credential first.
    await import("@microsoft/microsoft-graph-client");
    const { DefaultAzureCredential } = await import("@azure/identity");
    new DefaultAzureCredential();
    const sf = { text: storedProviderText(name as GraphResourceKind) };
    for (const secret of Object.values(planted)) assert.ok(!sf.text.includes(secret), "no credential text");
    for (const m of libraryMarkers) assert.doesNotMatch(sf.text, m);
    assert.ok(!/\b(Bearer [A-Za-z0-9._-]{20,})/.test(sf.text), "no token");
    assert.ok(sf.text.length < 4_000, `a shim, not the provider's code (${sf.text.length} chars)`);
    assert.ok(!sf.text.includes(providerVersionKey), "the same text for every release");
    assert.doesNotMatch(sf.text, /graphApi|createOrAdopt|identity\/userFlowAttributes/, "no provider code");
    assert.ok(!sf.text.includes(repoRoot), "no path of this checkout (state outlives it)");
    assert.doesNotMatch(sf.text, /require\("@pulumi\//, "no Pulumi runtime in the provider");
    // The serialized module loads on its own, as the provider process does (require-from-string), and
    // answers with the provider of the current code.
    const revived = revive(sf.text);
    for (const m of ["check", "diff", "create", "read", "update", "delete"])
      assert.equal(typeof revived[m], "function", m);
    const direct = await provider.check!({}, {});
    const viaShim = (await revived.check!({}, {})) as typeof direct;
    assert.deepEqual(viaShim.failures, direct.failures, "the shim runs the current provider's check");
  });
}

test("delete from the stored provider text removes what the current code created, for every provider", async () => {
  process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ??= "0.01";
  // The external-tenant kinds run in an external (CIAM) tenant, the others in a workforce tenant that
  // already holds a token issuance extension for the listener.
  const external = await externalEmulator();
  const tenant = await tenantWithTokenExtension();
  const emu = tenant.emu;
  const connection = { cloud: "global", baseUrl: emu.url, credential: "emulator" };
  const externalConnection = external.connection;
  const inputs: Record<keyof typeof providers, Record<string, unknown>> = {
    SelfServiceSignUpPolicy: { connection, enabled: true, keepOnDelete: false },
    UserFlowAttribute: {
      connection,
      displayName: "Stored",
      dataType: "string",
      description: "",
      adoptExisting: false,
    },
    ApiConnector: { connection, displayName: "Stored", targetUrl: "https://s.example.net" },
    B2xUserFlow: { connection, name: "Stored" },
    // Created after the policy (toggle on) and the flow above, deleted before them.
    UserFlowAppAssociation: { connection, userFlowId: "B2X_1_Stored", appIds: [emu.sampleAppId] },
    SocialIdentityProvider: { connection, type: "Google", clientId: "c", clientSecret: "stored-secret" },
    AuthenticationEventsFlow: { connection: externalConnection, displayName: "Stored" },
    CustomAuthenticationExtension: {
      connection: externalConnection,
      displayName: "Stored",
      eventType: "attributeCollectionSubmit",
      targetUrl: `https://${apiHost}/api/submit`,
      resourceId: external.resourceId,
    },
    ExtensionApiApplication: {
      connection,
      displayName: "Stored API",
      targetUrl: "https://s.example.net/api/t",
    },
    TokenIssuanceStartListener: {
      connection,
      customExtensionId: tenant.extensionId,
      includeApplications: [emu.sampleAppId],
    },
    ClaimsMappingPolicy: {
      connection,
      displayName: "Stored",
      claims: [{ id: "Role" }],
      appIds: [emu.sampleAppId],
    },
    MappedClaimsAcceptance: { connection, appId: emu.sampleAppId },
  };
  try {
    const made: Array<[string, { id: string; outs: Record<string, unknown> }]> = [];
    for (const [name, provider] of Object.entries(providers)) {
      const p = provider as unknown as {
        check: (o: unknown, n: unknown) => Promise<{ inputs: unknown }>;
        create: (i: unknown) => Promise<{ id: string; outs: Record<string, unknown> }>;
      };
      const { inputs: checkedInputs } = await p.check({}, inputs[name as keyof typeof providers]);
      made.push([name, await p.create(checkedInputs)]);
    }
    assert.notDeepEqual(emu.diffFromSeed(), []);
    for (const [name, { id, outs }] of made.reverse()) {
      const sf = { text: storedProviderText(name as GraphResourceKind) };
      await revive(sf.text).delete!(id, outs);
    }
    assert.deepEqual(
      emu.diffFromSeed().filter((d) => !tenant.isFixture(d)),
      [],
      "everything deleted, the toggle restored",
    );
    assert.deepEqual(
      external.emu.diffFromSeed().filter((d) => !d.startsWith("appRoleAssignments")),
      [],
      "the external tenant as seeded (its fixture's consent aside)",
    );
  } finally {
    await external.close();
    await tenant.cleanup();
  }
});

test("a revived provider reports Graph errors with their full message (serialized Error subclasses)", async () => {
  process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ??= "0.01";
  const emu = await startGraphEmulator();
  try {
    const revived = revive(storedProviderText("UserFlowAttribute"));
    emu.faults.add({
      method: "POST",
      path: "^/identity/userFlowAttributes$",
      kind: "alreadyExists",
      times: 10,
    });
    const connection = { cloud: "global", baseUrl: emu.url, credential: "emulator" };
    await assert.rejects(
      revived.create!({
        connection,
        displayName: "X",
        dataType: "string",
        description: "",
        adoptExisting: false,
      }),
      (e: Error) =>
        /^Graph 400 BadRequest on POST \/v1\.0\/identity\/userFlowAttributes \(request-id [0-9a-f-]{36}\): /.test(
          e.message,
        ),
    );
  } finally {
    await emu.close();
  }
});

test("a new release is an in-place update of every resource, with no Graph call and no replacement", async () => {
  const revived = revive(storedProviderText("UserFlowAttribute"));
  // Nothing listens here: any Graph call would fail the test.
  const connection = { cloud: "global", baseUrl: "http://127.0.0.1:9", credential: "emulator" };
  const inputs = {
    connection,
    displayName: "Kept",
    dataType: "string",
    description: "",
    adoptExisting: false,
  };
  const olds = {
    ...inputs,
    attributeId: "extension_0123456789abcdef0123456789abcdef_Kept",
    extensionsAppId: "01234567-89ab-cdef-0123-456789abcdef",
    userFlowAttributeType: "custom",
    [providerVersionKey]: "0.0.9",
  };
  const checked = (await revived.check!(olds, { ...inputs, [providerVersionKey]: "0.1.0" })) as {
    inputs: Record<string, unknown>;
  };
  assert.equal(checked.inputs[providerVersionKey], "0.1.0", "check keeps the version input");
  const news = checked.inputs;
  assert.deepEqual(await revived.diff!(olds.attributeId, olds, news), {
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  const same = { ...olds, [providerVersionKey]: "0.1.0" };
  assert.equal(((await revived.diff!(olds.attributeId, same, news)) as { changes: boolean }).changes, false);
  const updated = (await revived.update!(olds.attributeId, olds, news)) as { outs: Record<string, unknown> };
  assert.deepEqual(updated.outs, { ...olds, [providerVersionKey]: "0.1.0" }, "outputs kept, version moved");
  // A resource stored by a release without the version input (code serialized by value) updates too.
  const { [providerVersionKey]: _v, ...unversioned } = olds;
  assert.equal(
    ((await revived.diff!(olds.attributeId, unversioned, news)) as { changes: boolean }).changes,
    true,
  );
});

test("refresh of state written by an older release keeps its outputs and adds no undefined member", async () => {
  const found = { id: "x", props: { a: 1 }, inputs: { a: 1 } };
  const p = withReleaseHandling({
    create: () => Promise.reject(new Error("unused")),
    read: async () => found,
  });
  for (const props of [{ a: 1 }, { a: 1, [providerVersionKey]: "0.0.9" }]) {
    const r = (await p.read!("x", props)) as {
      props: Record<string, unknown>;
      inputs: Record<string, unknown>;
    };
    for (const bag of [r.props, r.inputs]) {
      assert.ok(!Object.values(bag).includes(undefined), "the provider host refuses undefined members");
      assert.equal(bag[providerVersionKey], (props as Record<string, unknown>)[providerVersionKey]);
    }
  }
});

test("the shim finds the package from a program folder that installs it, and names the fix elsewhere", async () => {
  const text = storedProviderText("SelfServiceSignUpPolicy");
  const cacheKey = Symbol.for("entra-signup/graph-provider-registry");
  const g = globalThis as unknown as Record<symbol, unknown>;
  const cwd = process.cwd();
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "graph-shim-"));
  try {
    // An installation: <program>/node_modules/entra-signup is the package.
    const program = path.join(outside, "program");
    fs.mkdirSync(path.join(program, "node_modules"), { recursive: true });
    fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "my-infra" }));
    fs.symlinkSync(repoRoot, path.join(program, "node_modules", "entra-signup"), "dir");
    process.chdir(program);
    delete g[cacheKey];
    const checked = (await revive(text).check!({}, { connection: { cloud: "nowhere" } })) as {
      failures?: unknown[];
    };
    assert.ok(checked.failures && checked.failures.length > 0, "the installed provider's check ran");
    // A folder with neither the package nor an installation of it.
    const empty = path.join(outside, "empty");
    fs.mkdirSync(empty);
    process.chdir(empty);
    delete g[cacheKey];
    await assert.rejects(
      revive(text).check!({}, {}),
      /entra-signup: cannot find its Graph providers \(components\/graph\/providers\/registry\) from .*empty upwards\. Run pulumi from the program folder, with entra-signup installed in its node_modules/,
    );
  } finally {
    process.chdir(cwd);
    delete g[cacheKey];
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test("in a plain Node.js process, as the provider host is, the shim loads the TypeScript providers", () => {
  // No TypeScript loader here: the shim bundles the registry with esbuild, like in the provider process.
  const script = `
    const text = require("node:fs").readFileSync(0, "utf8");
    const m = new (require("node:module"))("");
    m.paths = require("node:module")._nodeModulePaths(process.cwd());
    m._compile(text, "");
    m.exports.handler().check({}, { connection: { cloud: "nowhere" } }).then((r) => console.log(JSON.stringify(r)));
  `;
  const out = execFileSync(process.execPath, ["-e", script], {
    cwd: repoRoot,
    input: storedProviderText("UserFlowAttribute"),
    encoding: "utf8",
  });
  const result = JSON.parse(out) as { failures?: Array<{ property: string }> };
  assert.ok(
    result.failures?.some((f) => f.property === "connection"),
    `the current provider's check ran: ${out}`,
  );
  assert.ok(result.failures?.some((f) => f.property === "displayName"));
});
