/**
 * Proves the real engine works on this machine: the CLI, the Node.js language host and the
 * dynamic-provider shim (pulumi-resource-pulumi-nodejs) together run preview → up → up → destroy on a
 * `file://` backend. No mocks: if any of the three is missing, this test fails.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { localProgramStack, makeTempDir, writeProgram, type LocalProgramStack } from "../helpers/pulumi";

const program = `
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";

// A dynamic provider with a visible side effect, so the test sees that create and delete really ran.
const markerProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    fs.writeFileSync(inputs.file, inputs.content);
    return { id: inputs.file, outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: olds.content !== news.content, replaces: olds.file !== news.file ? ["file"] : [] };
  },
  async update(_id, _olds, news) {
    fs.writeFileSync(news.file, news.content);
    return { outs: news };
  },
  async delete(id) {
    fs.rmSync(id, { force: true });
  },
};

class Marker extends pulumi.dynamic.Resource {
  declare readonly content: pulumi.Output<string>;
  constructor(name: string, args: { file: string; content: string }) {
    super(markerProvider, name, { ...args }, {}, "smoke", "Marker");
  }
}

const config = new pulumi.Config();
const marker = new Marker("marker", { file: config.require("markerFile"), content: "hello from the engine" });
export const content = marker.content;
export const nodeMajor = process.versions.node.split(".")[0];
`;

let ctx: LocalProgramStack;
let markerFile: string;
let cleanupDir: () => void;

before(async () => {
  const tmp = makeTempDir("engine-smoke");
  cleanupDir = tmp.cleanup;
  writeProgram(tmp.dir, "engine-smoke", program);
  markerFile = path.join(tmp.dir, "marker.txt");
  ctx = await localProgramStack(tmp.dir, "smoke");
  await ctx.stack.setConfig("markerFile", { value: markerFile });
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
});

test("the engine previews, creates, finds no changes on a second up, and destroys", async () => {
  const preview = await ctx.stack.preview();
  assert.equal(preview.changeSummary.create, 2, "stack + one dynamic resource planned for creation");
  assert.equal(fs.existsSync(markerFile), false, "preview must not create anything");

  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");
  assert.equal(up.summary.resourceChanges?.create, 2);
  assert.equal(
    fs.readFileSync(markerFile, "utf8"),
    "hello from the engine",
    "the dynamic provider's create ran",
  );
  assert.equal(up.outputs.content?.value, "hello from the engine");
  assert.equal(up.outputs.nodeMajor?.value, "22", "the Pulumi program runs on Node.js 22");

  const again = await ctx.stack.up();
  assert.equal(again.summary.resourceChanges?.same, 2);
  assert.equal(again.summary.resourceChanges?.create, undefined);
  assert.equal(again.summary.resourceChanges?.update, undefined);

  const destroy = await ctx.stack.destroy();
  assert.equal(destroy.summary.result, "succeeded");
  assert.equal(destroy.summary.resourceChanges?.delete, 2);
  assert.equal(fs.existsSync(markerFile), false, "the dynamic provider's delete ran");
});
