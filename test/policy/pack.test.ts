/**
 * The pack in the real engine: `pulumi preview --policy-pack policy` on a program made of dynamic
 * resources (stand-ins with the Graph type tokens), started through policy/bin's analyzer shim because
 * the locally built language host (v3.68) cannot run policy packs itself (policy/README.md).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";

const program = `
import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) { return { id: "id-" + Math.random().toString(16).slice(2), outs: inputs }; },
};
class Graph extends pulumi.dynamic.Resource {
  constructor(kind: string, name: string, props: Record<string, unknown>) {
    super(provider, name, props, {}, "entra-signup/graph", kind);
  }
}
const config = new pulumi.Config();
new Graph("ApiConnector", "connector", {
  displayName: "signup-connector",
  targetUrl: config.require("targetUrl"),
  username: "entra",
});
`;

let ctx: LocalProgramStack;
let cleanupDir: () => void;
const policyDir = path.join(repoRoot, "policy");

before(async () => {
  const tmp = makeTempDir("policy-pack");
  cleanupDir = tmp.cleanup;
  writeProgram(tmp.dir, "policy-pack", program);
  ctx = await localProgramStack(tmp.dir, "dev", {
    PATH: `${path.join(policyDir, "bin")}:${process.env.PATH ?? ""}`,
  });
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
});

test("an http connector URL and Basic auth fail the preview with both rules named", async () => {
  await ctx.stack.setConfig("targetUrl", { value: "http://example.com/api/postFederationSignup" });
  await assert.rejects(ctx.stack.preview({ policyPacks: [policyDir] }), (error: Error) => {
    assert.match(error.message, /connector-url-https/);
    assert.match(error.message, /connector-basic-auth-allowed/);
    return true;
  });
});

test("https plus a policy config allowing Basic auth passes", async () => {
  await ctx.stack.setConfig("targetUrl", { value: "https://app.azurewebsites.net/api/postFederationSignup" });
  const configFile = path.join(ctx.workDir, "policy-config.json");
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      "connector-basic-auth-allowed": { allowBasicAuth: true, reason: "a test stack without real users" },
    }),
  );
  const preview = await ctx.stack.preview({ policyPacks: [policyDir], policyPackConfigs: [configFile] });
  assert.equal(preview.changeSummary.create, 2);
});
