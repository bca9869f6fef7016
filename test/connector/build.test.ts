/**
 * The deployable package: the zip holds host.json, a package.json whose main is the bundle, and
 * @azure/functions; loaded under a stand-in for the worker's `@azure/functions-core`, the bundle
 * registers both connector functions (and the approvals admin API) through the real `app.http`, the
 * housekeeping timer through `app.timer`, and
 * refuses to register anything with bad settings.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { unzipSync } from "fflate";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { BUNDLE_BUDGET_BYTES, buildConnectorPackage, type ConnectorPackage } from "../../functions/build";
import { BUILT_IN_BINDING_TYPES } from "../../functions/build/hostJson";
import { basicSettings } from "./helpers/fixtures";

/** Records what the real @azure/functions library hands to the worker. */
const FAKE_CORE = `
const registered = [];
module.exports = {
  version: "test",
  setProgrammingModel() {},
  registerFunction(metadata) { registered.push(metadata); return { dispose() {} }; },
  registerHook() { return { dispose() {} }; },
};
process.on("exit", () => process.stdout.write(JSON.stringify(registered)));
`;

let dir: string;
let pkg: ConnectorPackage;
let appDir: string;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "connector-build-"));
  pkg = await buildConnectorPackage({ outDir: path.join(dir, "out") });
  appDir = path.join(dir, "app");
  for (const [name, bytes] of Object.entries(unzipSync(fs.readFileSync(pkg.zipPath)))) {
    if (name.endsWith("/")) continue;
    fs.mkdirSync(path.dirname(path.join(appDir, name)), { recursive: true });
    fs.writeFileSync(path.join(appDir, name), bytes);
  }
  const core = path.join(appDir, "node_modules", "@azure", "functions-core");
  fs.mkdirSync(core, { recursive: true });
  fs.writeFileSync(
    path.join(core, "package.json"),
    JSON.stringify({ name: "@azure/functions-core", main: "index.js" }),
  );
  fs.writeFileSync(path.join(core, "index.js"), FAKE_CORE);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the zip has the Flex layout, a matching SHA-256 and a bundle within budget", () => {
  const zip = fs.readFileSync(pkg.zipPath);
  assert.equal(createHash("sha256").update(zip).digest("hex"), pkg.sha256);
  assert.equal(zip.length, pkg.zipBytes);
  assert.ok(pkg.bundleBytes <= BUNDLE_BUDGET_BYTES, `bundle is ${pkg.bundleBytes} bytes`);
  const manifest = JSON.parse(fs.readFileSync(path.join(appDir, "package.json"), "utf8")) as {
    main: string;
    dependencies: Record<string, string>;
  };
  assert.equal(manifest.main, "app.js");
  assert.ok(manifest.dependencies["@azure/functions"]);
  const host = JSON.parse(fs.readFileSync(path.join(appDir, "host.json"), "utf8")) as Record<string, unknown>;
  assert.equal(host.version, "2.0");
  assert.ok(!("extensionBundle" in host), "HTTP and timer triggers need no extension bundle download");
  assert.ok(fs.existsSync(path.join(appDir, "node_modules", "@azure", "functions", "package.json")));
  assert.ok(
    !fs.existsSync(path.join(dir, "app", "node_modules", "@azure", "functions", "src")),
    "no sources shipped",
  );
});

test("building twice gives the same bytes (the hash only changes with the code)", async () => {
  const again = await buildConnectorPackage({ outDir: path.join(dir, "again") });
  assert.equal(again.sha256, pkg.sha256);
});

async function loadBundle(env: Record<string, string>) {
  return promisify(execFile)(process.execPath, ["-e", 'require("./app.js")'], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? "", ...env },
  }).then(
    (r) => ({ ok: true, stdout: r.stdout, stderr: r.stderr }),
    (e: { stdout: string; stderr: string }) => ({ ok: false, stdout: e.stdout, stderr: e.stderr }),
  );
}

test("the bundle loads and registers the connector steps and the authentication-event routes through app.http", async () => {
  const result = await loadBundle(
    basicSettings("UseDevelopmentStorage=true", { SIGNUP_ADMIN_KEY: "k".repeat(40) }),
  );
  assert.ok(result.ok, result.stderr);
  const registered = JSON.parse(result.stdout) as Array<{
    name: string;
    bindings: Record<string, { type: string; route?: string; methods?: string[]; authLevel?: string }>;
  }>;
  const byName = Object.fromEntries(registered.map((f) => [f.name, f]));
  for (const step of [
    "postFederationSignup",
    "postAttributeCollection",
    "onAttributeCollectionStart",
    "onAttributeCollectionSubmit",
    "onTokenIssuanceStart",
  ]) {
    const trigger = Object.values(byName[step]?.bindings ?? {}).find((b) => b.type === "httpTrigger");
    assert.ok(trigger, `${step} has an HTTP trigger`);
    assert.equal(trigger?.route, step);
    assert.deepEqual(trigger?.methods, ["POST"]);
    assert.equal(trigger?.authLevel, "anonymous");
  }
  assert.deepEqual(Object.keys(byName).sort(), [
    "housekeeping",
    "manageApprovalsDecide",
    "manageApprovalsList",
    "onAttributeCollectionStart",
    "onAttributeCollectionSubmit",
    "onTokenIssuanceStart",
    "postAttributeCollection",
    "postFederationSignup",
  ]);
  const timer = Object.values(byName.housekeeping?.bindings ?? {}).find((b) => b.type === "timerTrigger") as
    { schedule?: string } | undefined;
  assert.equal(timer?.schedule, "0 17 * * * *", "housekeeping runs hourly through app.timer");
  const types = registered.flatMap((f) => Object.values(f.bindings).map((b) => b.type));
  const needBundle = types.filter((type) => !BUILT_IN_BINDING_TYPES.includes(type));
  assert.deepEqual(needBundle, [], "every binding is built into the runtime, so host.json needs no bundle");
});

test("with bad settings the bundle refuses to load and registers nothing", async () => {
  const result = await loadBundle({ CONNECTOR_AUTH_MODE: "basic" });
  assert.equal(result.ok, false);
  assert.match(result.stderr, /The connector cannot start/);
  assert.match(result.stderr, /SIGNUP_POLICY/);
  assert.match(result.stderr, /CONNECTOR_BASIC_PASSWORD is required/);
  assert.deepEqual(JSON.parse(result.stdout || "[]"), []);
});
