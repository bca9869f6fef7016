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

test("the toolchain leaves Node's compile cache off, unless the caller sets NODE_COMPILE_CACHE", () => {
  const cacheDir = (env: NodeJS.ProcessEnv) =>
    execFileSync(
      "bash",
      [
        "scripts/with-toolchain",
        "--no-pulumi",
        "node",
        "-p",
        "require('node:module').getCompileCacheDir() ?? 'off'",
      ],
      { encoding: "utf8", env },
    ).trim();
  const { NODE_COMPILE_CACHE: _inherited, ...withoutCache } = process.env;
  assert.equal(cacheDir({ ...withoutCache, TMPDIR: "/tmp" }), "off");
  // Node keeps one sub-folder per Node version and V8 flags under the folder it is given.
  assert.match(
    cacheDir({ ...withoutCache, NODE_COMPILE_CACHE: "/tmp/elsewhere-cache" }),
    /^\/tmp\/elsewhere-cache\/v22\./,
  );
});
