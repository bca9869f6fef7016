/**
 * The CI workflows, the stack files/templates and the policy configs agree: every stack the workflows
 * preview or deploy has a stack file or a stamping template and its own policy config (no fallback), and
 * prod's policy config is strict (Basic auth refused unless allowed there with a reason).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { types } from "../../policy/rules/common";
import { basicAuthAllowed } from "../../policy/rules/connector";
import { policies } from "../../policy/rules/index";
import { runResourceRule } from "../policy/util";

const root = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const workflow = (name: string) =>
  parseYaml(read(`.github/workflows/${name}`)) as {
    jobs: Record<string, { strategy?: { matrix?: { stack?: string[] } }; with?: { stack?: string } }>;
  };

const previewStacks = workflow("preview.yml").jobs.preview?.strategy?.matrix?.stack ?? [];
const deployStacks = Object.values(workflow("deploy.yml").jobs).flatMap((job) =>
  job.with?.stack === undefined ? [] : [job.with.stack],
);
const stackFiles = fs
  .readdirSync(root)
  .flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? [])
  .sort();
const templates = fs
  .readdirSync(path.join(root, "stacks", "templates"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .filter((env) => env !== "default");
const policyConfig = (stack: string) => path.join(root, "policy", "config", `${stack}.json`);

describe("workflows, stacks and policy configs", () => {
  test("preview.yml previews exactly the stacks deploy.yml deploys, in the same order", () => {
    assert.ok(previewStacks.length > 0, "preview.yml has a stack matrix");
    assert.deepEqual(previewStacks, deployStacks);
  });

  test("every workflow stack has Pulumi.<stack>.yaml or a stamping template stacks/templates/<stack>.yaml", () => {
    for (const stack of previewStacks) {
      assert.ok(
        stackFiles.includes(stack) || templates.includes(stack),
        `${stack}: neither Pulumi.${stack}.yaml nor stacks/templates/${stack}.yaml exists`,
      );
    }
  });

  test("every workflow stack, stack file and template has its own policy config", () => {
    for (const stack of new Set([...previewStacks, ...stackFiles, ...templates])) {
      assert.ok(fs.existsSync(policyConfig(stack)), `policy/config/${stack}.json is missing`);
    }
  });

  test("every policy config names only the pack's rules and only keys their config schemas know", () => {
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const file of fs.readdirSync(path.join(root, "policy", "config"))) {
      const config = JSON.parse(read(`policy/config/${file}`)) as Record<string, Record<string, unknown>>;
      for (const [rule, values] of Object.entries(config)) {
        const policy = byName.get(rule);
        assert.ok(policy, `${file}: '${rule}' is not a rule of the pack`);
        const known = Object.keys(policy.configSchema?.properties ?? {});
        for (const key of Object.keys(values))
          assert.ok(known.includes(key), `${file}: ${rule}.${key} is unknown`);
      }
    }
  });

  test("the workflows read policy/config/<stack>.json and never fall back to another stack's config", () => {
    for (const name of ["preview.yml", "deploy-stack.yml"]) {
      const text = read(`.github/workflows/${name}`);
      assert.match(text, /config="policy\/config\/\$STACK\.json"/, name);
      assert.ok(!text.includes("example.json"), `${name} falls back to example.json`);
    }
  });
});

describe("prod's policy config", () => {
  const basicConnector = {
    type: types.apiConnector,
    name: "connector",
    stack: "prod",
    props: {
      displayName: "c",
      targetUrl: "https://func.azurewebsites.net/api/x",
      authentication: { kind: "basic" },
    },
  };
  const configOf = (stack: string) =>
    (JSON.parse(fs.readFileSync(policyConfig(stack), "utf8")) as Record<string, Record<string, unknown>>)[
      basicAuthAllowed.name
    ] ?? {};

  test("refuses a Basic-auth connector (strict by default)", async () => {
    const violations = await runResourceRule(basicAuthAllowed, basicConnector, configOf("prod"));
    assert.equal(violations.length, 1);
    assert.match(violations[0]!, /uses Basic auth, which this stack does not allow/);
  });

  test("dev and staging allow Basic auth only with a written reason", async () => {
    for (const stack of ["dev", "staging"]) {
      const config = configOf(stack);
      assert.ok(String(config.reason ?? "").trim().length >= 20, `${stack} gives a reason`);
      assert.deepEqual(await runResourceRule(basicAuthAllowed, { ...basicConnector, stack }, config), []);
    }
  });

  test("example.json, the starting point for a new stack, is strict too", async () => {
    const violations = await runResourceRule(basicAuthAllowed, basicConnector, configOf("example"));
    assert.equal(violations.length, 1);
  });
});
