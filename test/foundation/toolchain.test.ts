import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

test("tests run on Node.js 22", () => {
  assert.equal(process.versions.node.split(".")[0], "22", `got ${process.version}`);
});

test("the pinned Pulumi CLI is on PATH and reports its version", () => {
  const version = execFileSync("pulumi", ["version"], { encoding: "utf8" }).trim();
  assert.match(version, /^v3\.\d+\.\d+$/);
  for (const tool of ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
    const where = execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim();
    assert.ok(where.length > 0, `${tool} must be on PATH`);
  }
});
