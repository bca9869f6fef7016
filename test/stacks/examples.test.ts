/**
 * The committed stack files and stamping templates are complete, valid configurations: they load with
 * the same loader and policy validator the program uses.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse as parseYaml } from "yaml";
import { loadSettings } from "../../stacks/settings";

const root = path.resolve(__dirname, "..", "..");

function load(file: string) {
  const text = fs.readFileSync(path.join(root, file), "utf8").replaceAll("${env}", "test");
  const config = (parseYaml(text) as { config: Record<string, unknown> }).config;
  return loadSettings({
    get: (key) => config[`entra-signup:${key}`],
    isSecret: () => false,
    readFile: (p) => fs.readFileSync(path.join(root, p), "utf8"),
  });
}

for (const file of [
  "Pulumi.dev.yaml",
  "Pulumi.local.yaml",
  ...fs.readdirSync(path.join(root, "stacks", "templates")).map((f) => `stacks/templates/${f}`),
]) {
  test(`${file} is a complete, valid configuration`, () => {
    const settings = load(file);
    assert.ok(settings.userFlow.page.length > 0);
    assert.ok(Object.keys(settings.connectorPolicy).length > 0, "it carries a connector policy");
  });
}

test("the dev stack deploys the Function App and wires both connector steps", () => {
  const settings = load("Pulumi.dev.yaml");
  assert.equal(settings.connector.hosting.kind, "functionApp");
  assert.deepEqual(settings.userFlow.connectorSteps, {
    postFederationSignup: true,
    postAttributeCollection: true,
  });
});
