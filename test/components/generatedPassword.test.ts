/**
 * GeneratedPassword: the provider's own behaviour (called directly), its serialized form (no secret,
 * credential or heavy module inside), and the real engine's state file (value stored only encrypted).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  defaultPasswordBytes,
  generatedPasswordProvider as provider,
  validatePasswordLength,
} from "../../components/generatedPassword";
import { localProgramStack, makeTempDir, repoRoot, writeProgram } from "../helpers/pulumi";

const checked = async (news: Record<string, unknown>) => {
  const result = await provider.check!({}, news);
  return result;
};

describe("GeneratedPassword provider", () => {
  test("generates a base64url password of 32 bytes by default, new on every create", async () => {
    const { inputs } = await checked({});
    assert.equal(inputs?.length, defaultPasswordBytes);
    const a = await provider.create(inputs);
    const b = await provider.create(inputs);
    assert.match(a.outs?.value as string, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.outs?.value, b.outs?.value);
    assert.notEqual(a.id, b.id);
  });

  test("honours length and rejects lengths outside 16..96 or non-integers", async () => {
    const { inputs } = await checked({ length: 48 });
    const { outs } = await provider.create(inputs);
    assert.equal(Buffer.from(outs?.value as string, "base64url").length, 48);
    assert.equal((await checked({ length: 8 })).failures?.length, 1);
    assert.equal((await checked({ length: 12.5 })).failures?.length, 1);
    assert.deepEqual(
      validatePasswordLength("04da6b54-80e4-46f7-96ec-b56ff0331ba9"),
      [],
      "unknown at preview",
    );
  });

  test("diff replaces only when rotationKey or length change", async () => {
    const olds = { length: 32, rotationKey: "", value: "x" };
    const same = await provider.diff!("id", olds, { length: 32, rotationKey: "" });
    assert.deepEqual([same.changes, same.replaces], [false, []]);
    const rotated = await provider.diff!("id", olds, { length: 32, rotationKey: "2026-09" });
    assert.deepEqual([rotated.changes, rotated.replaces], [true, ["rotationKey"]]);
    const longer = await provider.diff!("id", olds, { length: 48, rotationKey: "" });
    assert.deepEqual(longer.replaces, ["length"]);
  });

  test("the serialized provider holds no secret, credential or SDK", async () => {
    const { outs } = await provider.create((await checked({})).inputs);
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    assert.equal(serialized.containsSecrets, false);
    assert.ok(!serialized.text.includes(outs?.value as string), "no generated value inside");
    for (const forbidden of [
      "@azure/identity",
      "DefaultAzureCredential",
      "microsoft-graph-client",
      "getToken",
    ]) {
      assert.ok(!serialized.text.includes(forbidden), `no ${forbidden} inside`);
    }
    assert.ok(serialized.text.includes('import("node:crypto")'), "crypto is imported lazily inside create");
  });
});

describe("GeneratedPassword in the real engine", () => {
  const tmp = makeTempDir("generated-password");
  after(() => tmp.cleanup());

  test("state stores the password only encrypted, and a second up keeps it", async () => {
    const component = path.join(repoRoot, "components", "generatedPassword");
    writeProgram(
      tmp.dir,
      "generated-password",
      [
        `import { GeneratedPassword } from ${JSON.stringify(component)};`,
        `const password = new GeneratedPassword("connector", { rotationKey: "r1" });`,
        "export const value = password.value;",
      ].join("\n"),
    );
    const ctx = await localProgramStack(tmp.dir, "pw");
    try {
      const up = await ctx.stack.up();
      const value = up.outputs.value?.value as string;
      assert.equal(up.outputs.value?.secret, true, "the stack output is secret");
      assert.match(value, /^[A-Za-z0-9_-]{43}$/);
      const state = ctx.readStateFiles();
      assert.ok(state.includes("GeneratedPassword"), "the state was read");
      assert.ok(!state.includes(value), "the plaintext password is not in the state files");
      const again = await ctx.stack.up();
      assert.equal(again.outputs.value?.value, value, "no change without rotation");
      await ctx.stack.destroy();
    } finally {
      await ctx.cleanup();
    }
  });
});
