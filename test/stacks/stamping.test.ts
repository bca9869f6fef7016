/** Stamping checks that run before any stack is touched (no engine needed). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { secretsNotCopied, validateTargets, type StampTarget } from "../../stacks/stamping";
import { makeTempDir, repoRoot } from "../helpers/pulumi";

const tenantId = "11111111-2222-3333-4444-555555555555";
const tmp = makeTempDir("stamping");
after(() => tmp.cleanup());

fs.writeFileSync(
  path.join(tmp.dir, "Pulumi.dev.yaml"),
  `config:
  entra-signup:tenant: { tenantId: ${tenantId} }
  entra-signup:googleClientSecret: { secure: v1:abc }
  entra-signup:connectorPassword: { secure: v1:def }
`,
);

test("a missing template or --from stack is reported for its target before any stack runs", () => {
  const emptyTemplates = path.join(tmp.dir, "no-templates");
  fs.mkdirSync(emptyTemplates, { recursive: true });
  const targets: StampTarget[] = [
    { tenantId, env: "staging", from: "dev" },
    { tenantId, env: "prod", stack: "p2", from: "qa" },
    { tenantId, env: "x", stack: "p3" },
  ];
  const problems = validateTargets(targets, { workDir: tmp.dir, templatesDir: emptyTemplates });
  const text = problems.join("\n");
  assert.match(text, /^target 2: --from qa: .*Pulumi\.qa\.yaml does not exist$/m);
  assert.match(text, /^target 3: no template for env 'x'/m);
  // Target 1 copies dev's config, which the whole-config check finds incomplete.
  const first = problems.filter((p) => p.startsWith("target 1: "));
  assert.equal(first.length, 2, first.join("\n"));
  assert.match(first[0]!, /^target 1: entra-signup:userFlow is required/);
  assert.match(first[1]!, /^target 1: entra-signup:connector is required/);
});

test("--all entries with a wrong field or a missing tenant point at the entry in the file", () => {
  const targets = [
    { tenantId, env: "staging" },
    { tenant: tenantId, env: "prod" },
    "not an object",
  ] as unknown as StampTarget[];
  const problems = validateTargets(targets, { source: "tenants.yaml" });
  assert.match(
    problems.join("\n"),
    /tenants\.yaml entry 2: unknown field 'tenant' \(did you mean 'tenantId'\?\); a target has tenantId, env/,
  );
  assert.match(problems.join("\n"), /tenants\.yaml entry 2: --tenant 'undefined' is not a directory/);
  assert.match(problems.join("\n"), /tenants\.yaml entry 3: expected an object like \{ tenantId, env \}/);
  assert.ok(!problems.some((p) => p.startsWith("tenants.yaml entry 1")));
});

test("--from a stack with secrets names the secrets that must be set again, minus those given", () => {
  assert.deepEqual(secretsNotCopied({ tenantId, env: "staging", from: "dev" }, tmp.dir), [
    "googleClientSecret",
    "connectorPassword",
  ]);
  const given = { tenantId, env: "staging", from: "dev", secrets: { googleClientSecret: "s" } };
  assert.deepEqual(secretsNotCopied(given, tmp.dir), ["connectorPassword"]);
  assert.deepEqual(secretsNotCopied({ tenantId, env: "staging" }, tmp.dir), []);
});

test("the CLI refuses a bad --all file before stamping, naming the entry", () => {
  const file = path.join(tmp.dir, "tenants.yaml");
  fs.writeFileSync(file, `- { tenantId: ${tenantId}, env: staging }\n- { tenantId: nope, env: prod }\n`);
  const run = spawnSync(process.execPath, ["--import", "tsx", "stacks/stamp.ts", "--all", file], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /tenants\.yaml entry 2: --tenant 'nope' is not a directory \(tenant\) id GUID/);
});
