/**
 * A release of this package reaches every existing resource on the next `up`. The stack is first made by an
 * "older release" whose providers are serialized into state by value (as releases before the thin shim did)
 * and whose delete leaves the object in Graph; the current program then updates each resource in place
 * (provider version input, no Graph write, no replacement), and the delete that follows runs the current
 * code. Real engine (Automation API, file:// backend) against the emulator.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { providerVersion } from "../../components/graph/resources/common";
import { providerVersionKey } from "../../components/graph/resources/provider-shim";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";

const graphDir = path.join(repoRoot, "components", "graph");

const header = `
import * as pulumi from "@pulumi/pulumi";
const config = new pulumi.Config();
const connection = { cloud: "global" as const, baseUrl: config.require("graphUrl"), credential: "emulator" as const };
`;

/** The older release: same resource types and names, providers by value, a delete that does nothing. */
const olderRelease = `${header}
import { selfServiceSignUpPolicyProvider } from ${JSON.stringify(`${graphDir}/providers/policy`)};
import { userFlowAttributeProvider } from ${JSON.stringify(`${graphDir}/providers/attribute`)};

const older = (p: pulumi.dynamic.ResourceProvider): pulumi.dynamic.ResourceProvider => ({
  ...p,
  async delete() {
    // The older release's bug: the object stays in Graph.
  },
});
const signUp = new (class extends pulumi.dynamic.Resource {})(
  older(selfServiceSignUpPolicyProvider), "sign-up",
  { previousEnabled: undefined, connection, ${JSON.stringify(providerVersionKey)}: "0.0.1" },
  undefined, "entra-signup/graph", "SelfServiceSignUpPolicy",
);
new (class extends pulumi.dynamic.Resource {})(
  older(userFlowAttributeProvider), "company",
  { attributeId: undefined, extensionsAppId: undefined, userFlowAttributeType: undefined, connection,
    displayName: "Company name", description: "Your employer" },
  { dependsOn: [signUp] }, "entra-signup/graph", "UserFlowAttribute",
);
`;

/** The current release: the package's own resource classes. */
const currentRelease = `${header}
import { SelfServiceSignUpPolicy, UserFlowAttribute } from ${JSON.stringify(graphDir)};

const signUp = new SelfServiceSignUpPolicy("sign-up", { connection });
new UserFlowAttribute("company", { connection, displayName: "Company name", description: "Your employer" },
  { dependsOn: [signUp] });
`;

interface StateResource {
  type: string;
  outputs?: Record<string, unknown>;
}

async function graphResources(ctx: LocalProgramStack): Promise<StateResource[]> {
  const exported = (await ctx.stack.exportStack()).deployment as { resources?: StateResource[] };
  return (exported.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/entra-signup"));
}

let emu: GraphEmulator;
let ctx: LocalProgramStack;
let tmp: { dir: string; cleanup: () => void };

before(async () => {
  emu = await startGraphEmulator();
  tmp = makeTempDir("graph-upgrade");
  writeProgram(tmp.dir, "graph-upgrade", olderRelease);
  ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setConfig("graphUrl", { value: emu.url });
});

after(async () => {
  await ctx?.cleanup();
  tmp?.cleanup();
  await emu?.close();
});

test("the next up after a release updates every resource in place, and a later delete runs the new code", async () => {
  const made = await ctx.stack.up();
  assert.equal(made.summary.resourceChanges?.create, 3, "stack + 2 Graph resources");
  const older = await graphResources(ctx);
  const olderBytes = older.map((r) => JSON.stringify(r).length);
  assert.ok(
    older.every((r) => String(r.outputs?.__provider).length > 20_000),
    "the older release stored its code",
  );

  fs.writeFileSync(path.join(tmp.dir, "index.ts"), currentRelease);
  emu.clearLog();
  const upgraded = await ctx.stack.up();
  assert.equal(upgraded.summary.resourceChanges?.update, 2, "each Graph resource updated once");
  for (const op of ["create", "delete", "replace", "create-replacement", "delete-replaced"] as const)
    assert.equal(upgraded.summary.resourceChanges?.[op], undefined, `no ${op}`);
  assert.equal(emu.counts().writes, 0, "the upgrade writes nothing to Graph");
  const current = await graphResources(ctx);
  for (const [i, r] of current.entries()) {
    assert.equal(
      r.outputs?.[providerVersionKey],
      providerVersion(),
      `${r.type}: state holds the new release`,
    );
    assert.ok(String(r.outputs?.__provider).length < 10_000, `${r.type}: a thin shim is stored`);
    assert.ok(JSON.stringify(r).length < olderBytes[i]! / 4, `${r.type}: state shrank`);
  }

  const again = await ctx.stack.up();
  assert.equal(again.summary.resourceChanges?.same, 3, "the release is applied once");

  assert.equal(emu.snapshot().userFlowAttributes.filter((a) => a.displayName === "Company name").length, 1);
  const destroyed = await ctx.stack.destroy();
  assert.equal(destroyed.summary.result, "succeeded");
  assert.deepEqual(
    emu.diffFromSeed(),
    [],
    "the new delete ran: the attribute is gone and the toggle restored (the older one left both)",
  );
});
