/**
 * What `construct` hands the component (provider/inputs.ts): secrets exactly where the schema marks them,
 * plain data elsewhere, and a clear refusal, naming the key path, of a secret or an unknown value where the
 * component needs plain data.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { componentInputs } from "../../provider/inputs";
import { loadSchema } from "../../provider/schema";

const schema = loadSchema();
const resource = schema.resources["entra-signup:index:SelfServiceSignUp"]!;
/** How the engine sends a secret that is nested in a plain object. */
const rpcSecret = (value: unknown) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  value,
});

test("a secret at a property the schema marks secret reaches the component as a secret Output", async () => {
  const args = await componentInputs(resource, schema, {
    connection: { cloud: "global" },
    connector: {
      password: rpcSecret("p@ss-word-123"),
      hosting: { kind: "local", baseUrl: "http://127.0.0.1:1" },
    },
  });
  const connector = args.connector as { password: pulumi.Output<string>; hosting: Record<string, unknown> };
  assert.ok(pulumi.Output.isInstance(connector.password));
  assert.equal(await pulumi.isSecret(connector.password), true);
  assert.deepEqual(
    connector.hosting,
    { kind: "local", baseUrl: "http://127.0.0.1:1" },
    "plain data stays plain",
  );
  assert.deepEqual(args.connection, { cloud: "global" });
});

test("a secret where the schema has plain data is refused with its key path, not stored unencrypted", async () => {
  await assert.rejects(
    componentInputs(resource, schema, {
      connection: { cloud: "global", tenantId: pulumi.secret("contoso") },
    }),
    /connection\.tenantId: a secret was given where the schema has plain data/,
  );
});

test("a value unknown during preview where the component validates plain data is refused with its key path", async () => {
  await assert.rejects(
    componentInputs(resource, schema, { userFlow: { name: unknownValue, page: [{ attribute: "email" }] } }),
    /userFlow\.name: the value is not known yet/,
  );
});

test("nulls from other languages are absent arguments, as in TypeScript", async () => {
  const args = await componentInputs(resource, schema, {
    apps: null,
    toggle: { enabled: true, keepOnDelete: null },
  });
  assert.deepEqual(args, { toggle: { enabled: true } });
});
