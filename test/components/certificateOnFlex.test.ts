/**
 * Under Pulumi mocks: a Function App (Flex Consumption) serving certificate auth warns that client
 * certificates on Flex are unconfirmed; the same app with Basic auth does not.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type * as Component from "../../components/connectorFunctionApp";
import { certificateOnFlexWarning } from "../../components/hosting/certificateOnFlex";
import { validateConnectorFunctionAppArgs } from "../../components/hosting/validation";

let mod: typeof Component;

/** The outputs the component reads back from Azure resources. */
function outputsFor(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const name = String(inputs.name ?? "app");
  switch (type) {
    case "azure-native:storage:StorageAccount":
      return {
        primaryEndpoints: {
          blob: "https://acct.blob.core.windows.net/",
          queue: "https://acct.queue.core.windows.net/",
          table: "https://acct.table.core.windows.net/",
        },
      };
    case "azure-native:applicationinsights:Component":
      return { connectionString: "InstrumentationKey=ik;IngestionEndpoint=https://x/" };
    case "azure-native:web:WebApp":
      return {
        defaultHostName: `${name}.azurewebsites.net`,
        enabledHostNames: [`${name}.azurewebsites.net`, `${name}.scm.azurewebsites.net`],
      };
    case "azure-native:keyvault:Secret":
      return {
        properties: {
          secretUri: "https://kv.vault.azure.net/secrets/connector-basic-password",
          secretUriWithVersion: "https://kv.vault.azure.net/secrets/connector-basic-password/v1",
        },
      };
    case "pulumi-nodejs:dynamic/entra-signup/hosting:FlexOneDeploy":
      return { deploymentId: "dep-1" };
    default:
      return {};
  }
}

const settled = (app: Component.ConnectorFunctionApp) =>
  Promise.all([
    new Promise((r) => app.connectorUrls.apply(r)),
    new Promise((r) => app.deploymentId.apply(r)),
  ]);
const warnings: string[] = [];

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: `/ids/${args.name}`,
        state: { ...args.inputs, name: args.inputs.name ?? args.name, ...outputsFor(args.type, args.inputs) },
      }),
      call: (args) =>
        args.token === "azure-native:authorization:getClientConfig"
          ? { subscriptionId: "sub-1", tenantId: "tenant-1", clientId: "c", objectId: "o" }
          : {},
    },
    "entra-signup",
    "test",
    true,
  );
  // Without an engine (mocks), pulumi.log.warn writes to console.warn.
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (text.includes("[runtime]")) warnings.push(text);
    else original(...args);
  };
  mod = await import("../../components/connectorFunctionApp.js");
});

function args(overrides: Partial<Component.ConnectorFunctionAppArgs>): Component.ConnectorFunctionAppArgs {
  return {
    location: "westeurope",
    namePrefix: "contoso-su",
    packagePath: "dist/connector.zip",
    packageSha256: "a".repeat(64),
    appSettings: { SIGNUP_POLICY: "{}", CONNECTOR_BASIC_USERNAME: "entra" },
    ...overrides,
  };
}

/**
 * Certificate-auth arguments the component accepts. Who writes the auth app settings
 * (CONNECTOR_AUTH_MODE, CONNECTOR_CERT_THUMBPRINTS) moves from the component to the caller's encoder in
 * the contract/ refactor; the component's own validation says which shape it takes.
 */
function certificateArgs(): Component.ConnectorFunctionAppArgs {
  const thumbprint = "AB".repeat(20);
  const bare = args({ clientCertificate: { thumbprints: [thumbprint] } });
  const withSettings = args({
    clientCertificate: { thumbprints: [thumbprint] },
    appSettings: {
      ...bare.appSettings,
      CONNECTOR_AUTH_MODE: "certificate",
      CONNECTOR_CERT_THUMBPRINTS: thumbprint,
    },
  });
  const accepted = [bare, withSettings].find((a) => validateConnectorFunctionAppArgs(a).length === 0);
  assert.ok(
    accepted,
    `no certificate arguments pass validation: ${validateConnectorFunctionAppArgs(bare).join("; ")}`,
  );
  return accepted;
}

test("certificate auth on a Flex Consumption app warns in the preview; Basic auth does not", async () => {
  await settled(
    new mod.ConnectorFunctionApp(
      "basic",
      args({ connectorPassword: pulumi.secret("s3cret-password-value") }),
    ),
  );
  assert.equal(warnings.length, 0);
  await settled(new mod.ConnectorFunctionApp("cert", certificateArgs()));
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0]!.includes(certificateOnFlexWarning));
  assert.match(warnings[0]!, /X-ARR-ClientCert/);
});
