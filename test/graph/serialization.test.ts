/**
 * Each provider serializes the way the engine does it (`@pulumi/pulumi/dynamic` → serializeFunction of
 * `() => provider` with allowSecrets) and the text carries no credential, no secret and no Graph SDK /
 * @azure/identity / node-forge code: those are only `require`d inside methods, in the provider process.
 *
 * `delete` runs the text stored in state, not the current code (pitfalls A1/A3), so the text must stand on
 * its own: it is revived with a `require` that resolves packages only (no repository file, no absolute
 * path), and that revived copy deletes what the current code created.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { startGraphEmulator } from "../../local/graph-emulator";
import { selfServiceSignUpPolicyProvider } from "../../components/graph/providers/policy";
import { userFlowAttributeProvider } from "../../components/graph/providers/attribute";
import { apiConnectorProvider } from "../../components/graph/providers/connector";
import { b2xUserFlowProvider } from "../../components/graph/providers/userflow";
import { userFlowAppAssociationProvider } from "../../components/graph/providers/listener";
import { socialIdentityProviderProvider } from "../../components/graph/providers/social-idp";

const providers = {
  SelfServiceSignUpPolicy: selfServiceSignUpPolicyProvider,
  UserFlowAttribute: userFlowAttributeProvider,
  ApiConnector: apiConnectorProvider,
  B2xUserFlow: b2xUserFlowProvider,
  UserFlowAppAssociation: userFlowAppAssociationProvider,
  SocialIdentityProvider: socialIdentityProviderProvider,
};

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
  for (const file of fs.readdirSync(resourcesDir).filter((f) => f !== "common.ts")) {
    const text = fs.readFileSync(path.join(resourcesDir, file), "utf8");
    assert.ok(
      Object.keys(providers).some((k) => text.includes(`"${k}"`)),
      `${file} registers a type token of a provider under test`,
    );
  }
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
  test(`${name}: serializes without credentials, secrets or Graph client code`, async () => {
    Object.assign(process.env, planted);
    // Warm the process like a real run would: load the SDK and a credential first.
    await import("@microsoft/microsoft-graph-client");
    const { DefaultAzureCredential } = await import("@azure/identity");
    new DefaultAzureCredential();
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    assert.equal(sf.containsSecrets, false);
    for (const secret of Object.values(planted)) assert.ok(!sf.text.includes(secret), "no credential text");
    for (const m of libraryMarkers) assert.doesNotMatch(sf.text, m);
    assert.match(
      sf.text,
      /require\("@microsoft\/microsoft-graph-client"\)/,
      "the SDK is required at run time",
    );
    assert.ok(!/\b(Bearer [A-Za-z0-9._-]{20,})/.test(sf.text), "no token");
    assert.ok(sf.text.length < 200_000, `small enough to live in state (${sf.text.length} chars)`);
    assert.ok(!sf.text.includes(repoRoot), "no path of this checkout (state outlives it)");
    assert.doesNotMatch(sf.text, /require\("@pulumi\//, "no Pulumi runtime in the provider");
    // The serialized module must load on its own, as the provider process does (require-from-string).
    const revived = revive(sf.text);
    for (const m of ["check", "diff", "create", "read", "update", "delete"])
      assert.equal(typeof revived[m], "function", m);
  });
}

test("delete from the stored provider text removes what the current code created, for every provider", async () => {
  process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ??= "0.01";
  const emu = await startGraphEmulator();
  const connection = { cloud: "global", baseUrl: emu.url, credential: "emulator" };
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
      const provider = providers[name as keyof typeof providers];
      const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      await revive(sf.text).delete!(id, outs);
    }
    assert.deepEqual(emu.diffFromSeed(), [], "everything deleted, the toggle restored");
  } finally {
    await emu.close();
  }
});

test("a revived provider reports Graph errors with their full message (serialized Error subclasses)", async () => {
  process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ??= "0.01";
  const emu = await startGraphEmulator();
  try {
    const sf = await pulumi.runtime.serializeFunction(() => userFlowAttributeProvider, {
      allowSecrets: true,
    });
    const revived = revive(sf.text);
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
