/** Stamping checks that run before any stack is touched (no engine needed). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { existingTenant } from "../../stacks/stack-file";
import type { StampOutcome } from "../../stacks/stamp-one";
import { summaryTable } from "../../stacks/stamp-summary";
import {
  buildStackDocument,
  retargetProblem,
  secretsNotCopied,
  validateTargets,
  type StampTarget,
} from "../../stacks/stamping";
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
  // (The test's dev config is a stub whose tenant id is a placeholder: refused too, on a non-local stack.)
  const first = problems.filter((p) => p.startsWith("target 1: "));
  assert.equal(first.length, 3, first.join("\n"));
  assert.match(first[0]!, /^target 1: entra-signup:userFlow is required/);
  assert.match(first[1]!, /^target 1: entra-signup:connector is required/);
  assert.match(first[2]!, /^target 1: entra-signup:tenant\.tenantId: .* is a placeholder GUID/);
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

test("a stamped stack file keeps the template's comments; a replaced value keeps its comment and style", () => {
  const text = buildStackDocument(
    {
      tenantId,
      env: "staging",
      set: {
        "apps.appIds": ["5d3c2b1a-0000-4000-8000-000000000123"],
        "connector.hosting.alwaysReadyInstances": 3,
      },
    },
    tmp.dir,
  ).toString();
  assert.match(text, /^# Stamping template for staging environments/m);
  assert.match(text, new RegExp(`tenantId: ${tenantId} # replaced by \`npm run stamp -- --tenant <id>\``));
  assert.match(text, /alwaysReadyInstances: 3 # Entra waits 20 s for the connector/);
  assert.match(
    text,
    /when stamping\.\n\s+appIds: \[ 5d3c2b1a-0000-4000-8000-000000000123 \]\n/,
    "the comment above is kept",
  );
  assert.match(text, /displayName: entra-signup staging\n/, "${env} is filled in");
});

test("a re-stamp of the same tenant keeps the stack's secrets provider and secrets; the template's values win", () => {
  const dir = path.join(tmp.dir, "restamp");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.staging.yaml"),
    `encryptionsalt: v1:salt\nconfig:\n  entra-signup:tenant: { tenantId: ${tenantId.toUpperCase()} }\n  entra-signup:userFlow: { name: Old }\n  entra-signup:connectorPassword:\n    secure: v1:abc # set by hand\n`,
  );
  const target = { tenantId, env: "staging" };
  assert.equal(retargetProblem(target, "staging", existingTenant(dir, "staging")), undefined);
  const doc = buildStackDocument(target, dir, undefined, "staging");
  const text = doc.toString();
  assert.match(text, /^encryptionsalt: v1:salt$/m);
  assert.match(text, /entra-signup:connectorPassword:\n\s+secure: v1:abc # set by hand/);
  assert.match(text, /name: PartnerSignUp # becomes B2X_1_PartnerSignUp/);
});

test("stamping another tenant into an existing stack is refused, naming both tenants and how to stamp a second stack", () => {
  const other = "99999999-2222-3333-4444-555555555555";
  const problems = validateTargets([{ tenantId: other, env: "staging" }], {
    workDir: path.join(tmp.dir, "restamp"),
  });
  assert.equal(
    problems[0],
    `stack 'staging' already targets tenant ${tenantId.toUpperCase()} (Pulumi.staging.yaml); refusing to re-point it at tenant ${other}. To stamp tenant ${other} as a second stack, give it its own name: --stack staging-99999999 (or another --env)`,
  );
});

test("the workflow's summary is one table row per tenant job, failures and missing results included", () => {
  const outcome = (
    stack: string,
    result: "ok" | "failed",
    extra: Partial<StampOutcome> = {},
  ): StampOutcome => ({
    stack,
    tenant: `tenant-of-${stack}`,
    env: "staging",
    environment: stack,
    operation: "pulumi up",
    result,
    changes: {},
    problems: [],
    ...extra,
  });
  const table = summaryTable(
    [
      outcome("a", "ok", { changes: { same: 12 } }),
      outcome("b", "failed", { problems: ["entra-signup:x|y: bad"] }),
    ],
    ["a", "b", "c"],
  );
  assert.equal(
    table,
    [
      "### Stamp",
      "",
      "| tenant | stack | result | changes |",
      "| --- | --- | --- | --- |",
      "| tenant-of-a | a | ok | 12 same |",
      "| tenant-of-b | b | **failed** | entra-signup:x\\|y: bad |",
      "| | c | **no result** | the job did not finish; see its log |",
    ].join("\n"),
  );
});
