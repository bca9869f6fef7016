/**
 * Config problems are found from the stack's YAML before anything starts, all at once, each with its key
 * path, the bad value and the fix — "did you mean" included at any depth, the connector policy's problems
 * together with the settings' — and `npm run local` stops on them with one short block.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { closestName } from "../../contract/didYouMean";
import { listServices } from "../../local/daemons";
import { localFailureBlock, runLog } from "../../local/failure";
import { up } from "../../local/system";
import { stackConfigProblems, StackConfigError } from "../../stacks/config-check";
import { makeTempDir, repoRoot } from "../helpers/pulumi";
import { parse, stringify } from "yaml";

const tmp = makeTempDir("config-check");
after(() => tmp.cleanup());

type Config = Record<string, Record<string, unknown>>;
/** Pulumi.local.yaml's config, to edit per test. */
const localConfig = (): Config =>
  (parse(fs.readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")) as { config: Config }).config;

/** The example: a policy value, a nested hosting typo and a page typo, in one file. */
function brokenLocalConfig(): Config {
  const config = localConfig();
  const connector = config["entra-signup:connector"]!;
  const policy = connector.policy as { rateLimit: Record<string, unknown> };
  policy.rateLimit.perDomain = "fifty";
  (connector.hosting as Record<string, unknown>).baseUrll = "http://127.0.0.1:7071/api";
  const flow = config["entra-signup:userFlow"] as { page: Array<Record<string, unknown>> };
  flow.page[1]!.lable = "Display name";
  return config;
}

test("every problem of a stack file is reported at once: nested typos with did-you-mean next to a bad policy value", () => {
  const problems = stackConfigProblems(brokenLocalConfig(), { stack: "local" });
  assert.deepEqual(problems, [
    'entra-signup:connector.hosting.baseUrll: unknown key "baseUrll" (did you mean "baseUrl"?): rename or remove it; the keys here are kind, baseUrl, settingsFile',
    // "lable" is nearest the old key "label", so the Graph word that replaced it is suggested.
    'entra-signup:userFlow.page.1.lable: unknown key "lable" (did you mean "displayName"?): rename or remove it; the keys here are attribute, displayName, userInputType, isOptional, requiresVerification, userAttributeValues',
    'entra-signup:connector.policy.rateLimit.perDomain: Invalid input: expected number, received string (got "fifty") — set a number',
  ]);
  assert.deepEqual(stackConfigProblems(localConfig(), { stack: "local" }), [], "the shipped file is clean");
});

test("did-you-mean reaches every depth: a page option, the hosting branch its kind names, policy sections and list entries", () => {
  const config = localConfig();
  const flow = config["entra-signup:userFlow"] as { page: Array<Record<string, unknown>> };
  flow.page[0] = {
    attribute: "email",
    userInputType: "radioSingleSelect",
    userAttributeValues: [{ nmae: "x", value: "y" }],
  };
  config["entra-signup:connector"]!.hosting = {
    kind: "functionApp",
    location: "westeurope",
    alwaysReadyInstance: 2,
    credentialStore: "keyvault",
  };
  const policy = config["entra-signup:connector"]!.policy as Record<string, Record<string, unknown>>;
  policy.rateLimit!.windowHour = 3;
  (policy.domains!.allow as Array<Record<string, unknown>>)[0]!.compnyName = "x";
  const text = stackConfigProblems(config, { stack: "prod" }).join("\n");
  for (const expected of [
    'entra-signup:userFlow.page.0.userAttributeValues.0.nmae: unknown key "nmae" (did you mean "name"?)',
    'entra-signup:connector.hosting.alwaysReadyInstance: unknown key "alwaysReadyInstance" (did you mean "alwaysReadyInstances"?): rename or remove it; the keys here are kind, location, resourceGroupName,',
    'entra-signup:connector.hosting.credentialStore: "keyvault" (did you mean "keyVault"?): use one of "keyVault", "appSetting"',
    'entra-signup:connector.policy.rateLimit: unknown key "windowHour" (did you mean "windowHours"?)',
    'entra-signup:connector.policy.domains.allow[0]: unknown key "compnyName" (did you mean "companyName"?)',
  ])
    assert.ok(text.includes(expected), `missing:\n${expected}\nin:\n${text}`);
  // Not the keys of another hosting kind: the branch is the one `kind` names.
  assert.ok(!/alwaysReadyInstances.*settingsFile/.test(text));
});

test("npm run local stops at a config problem before any service or engine starts, with one short block", async () => {
  const stateDir = path.join(tmp.dir, "local");
  const configFile = path.join(tmp.dir, "Pulumi.local.yaml");
  // npm run local replaces connector.hosting with this machine's; the other mistakes stay.
  const config = brokenLocalConfig();
  config["entra-signup:selfServiceSignUp"] = { enabeld: true };
  fs.writeFileSync(configFile, stringify({ config }));
  const ports = {
    graph: 45101,
    connector: 45102,
    simulator: 45103,
    azuriteBlob: 45104,
    azuriteQueue: 45105,
    azuriteTable: 45106,
  };
  const log = runLog(stateDir);
  const error = await up({ stateDir, ports, configFile }).then(
    () => assert.fail("expected the run to be refused"),
    (err: unknown) => err,
  );
  assert.ok(error instanceof StackConfigError, String(error));
  assert.deepEqual(listServices(stateDir), [], "no service was started");
  const block = localFailureBlock(error, log);
  const file = path.relative(process.cwd(), configFile);
  assert.equal(
    block,
    [
      `FAILED: npm run local: ${file} has 3 problem(s); no service or engine was started`,
      '  - entra-signup:selfServiceSignUp.enabeld: unknown key "enabeld" (did you mean "enabled"?): rename or remove it; the keys here are enabled, keepOnDestroy',
      '  - entra-signup:userFlow.page.1.lable: unknown key "lable" (did you mean "displayName"?): rename or remove it; the keys here are attribute, displayName, userInputType, isOptional, requiresVerification, userAttributeValues',
      '  - entra-signup:connector.policy.rateLimit.perDomain: Invalid input: expected number, received string (got "fifty") — set a number',
      "  Nothing was changed.",
    ].join("\n"),
  );
  assert.ok(!block.includes("Outputs:"));
  assert.ok(!block.includes("\u001b["), "no colour codes");
});

test("a missing connector package is reported together with the other problems, not after them", () => {
  const config = localConfig();
  config["entra-signup:connector"]!.hosting = {
    kind: "functionApp",
    location: "westeurope",
    packagePath: "dist/not-built.zip",
    alwaysReadyInstance: 1,
  };
  const problems = stackConfigProblems(config, { stack: "staging" });
  assert.ok(problems.some((p) => p.includes('"alwaysReadyInstance" (did you mean "alwaysReadyInstances"?)')));
  assert.ok(
    problems.includes(
      "entra-signup:connector.hosting.packagePath: dist/not-built.zip does not exist: run 'npm run build:connector' first",
    ),
    problems.join("\n"),
  );
});

test("a near miss is suggested only when it is close: case, a swap, a letter more or less — not a different word", () => {
  const keys = ["alwaysReadyInstances", "location", "packagePath", "kind"];
  assert.equal(closestName("AlwaysReadyInstances", keys), "alwaysReadyInstances");
  assert.equal(closestName("loaction", keys), "location");
  assert.equal(closestName("packagePth", keys), "packagePath");
  assert.equal(closestName("knd", keys), "kind");
  assert.equal(closestName("colour", keys), undefined);
  assert.equal(closestName("region", keys), undefined);
});
