/**
 * Each provider serializes the way the engine does it (`@pulumi/pulumi/dynamic` → serializeFunction of
 * `() => provider` with allowSecrets) and the text carries no credential, no secret and no Graph SDK /
 * @azure/identity / node-forge code: those are only `require`d inside methods, in the provider process.
 */
import assert from "node:assert/strict";
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
    // The serialized module must load on its own, as the provider process does (require-from-string).
    const mod = { exports: {} as { handler?: () => unknown } };
    new Function("exports", "module", "require", sf.text)(mod.exports, mod, require);
    const revived = mod.exports.handler?.() as Record<string, unknown>;
    for (const m of ["check", "diff", "create", "read", "update", "delete"])
      assert.equal(typeof revived[m], "function", m);
  });
}

test("a revived provider reports Graph errors with their full message (serialized Error subclasses)", async () => {
  process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ??= "0.01";
  const emu = await startGraphEmulator();
  try {
    const sf = await pulumi.runtime.serializeFunction(() => userFlowAttributeProvider, {
      allowSecrets: true,
    });
    const mod = { exports: {} as { handler?: () => unknown } };
    new Function("exports", "module", "require", sf.text)(mod.exports, mod, require);
    const revived = mod.exports.handler?.() as { create: (i: unknown) => Promise<unknown> };
    emu.faults.add({
      method: "POST",
      path: "^/identity/userFlowAttributes$",
      kind: "alreadyExists",
      times: 10,
    });
    const connection = { cloud: "global", baseUrl: emu.url, credential: "emulator" };
    await assert.rejects(
      revived.create({
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
