/**
 * `npm run stamp -- --all tenants.yaml --matrix`: the GitHub Actions matrix of the stamp workflow. Good
 * entries become one job each; every kind of bad entry is refused before any job starts, and nothing is
 * touched either way.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { stringify } from "yaml";
import { makeTempDir, repoRoot } from "../helpers/pulumi";

const tmp = makeTempDir("stamp-matrix");
after(() => tmp.cleanup());

const A = "0a0a0a0a-0000-4000-8000-00000000000a";
const B = "0b0b0b0b-0000-4000-8000-00000000000b";
const C = "0c0c0c0c-0000-4000-8000-00000000000c";
/** What every entry sets so its whole configuration is valid outside the local stack. */
const set = (n: number) => ({
  "connector.hosting": { kind: "external", baseUrl: `https://connector-${n}.example.com/api` },
  "apps.appIds": ["5d3c2b1a-0000-4000-8000-000000000123"],
});

function matrix(targets: unknown[]) {
  const file = path.join(tmp.dir, "tenants.yaml");
  fs.writeFileSync(file, stringify(targets));
  const before = fs.readdirSync(tmp.dir).sort();
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "stacks/stamp.ts", "--all", file, "--matrix", "--work-dir", tmp.dir],
    { cwd: repoRoot, encoding: "utf8" },
  );
  assert.deepEqual(fs.readdirSync(tmp.dir).sort(), before, "nothing is written");
  return run;
}

test("good tenants.yaml entries become one matrix job each: stack, tenant, env and GitHub environment", () => {
  const run = matrix([
    { tenantId: A, env: "staging", set: set(1) },
    { tenantId: B, env: "prod", stack: "prod-contoso", githubEnvironment: "contoso-prod", set: set(2) },
    { tenantId: C, env: "prod", set: set(3) },
  ]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), {
    include: [
      { stack: "staging-0a0a0a0a", tenant: A, env: "staging", environment: "staging-0a0a0a0a" },
      { stack: "prod-contoso", tenant: B, env: "prod", environment: "contoso-prod" },
      { stack: "prod-0c0c0c0c", tenant: C, env: "prod", environment: "prod-0c0c0c0c" },
    ],
  });
});

test("each kind of bad entry is refused before any job starts, naming its entry", () => {
  fs.writeFileSync(
    path.join(tmp.dir, "Pulumi.deployed.yaml"),
    `config:\n  entra-signup:tenant:\n    tenantId: ${A}\n`,
  );
  const run = matrix([
    { tenantId: A, env: "staging", stack: "good", githubEnvironment: "tenant-a", set: set(1) },
    "not an object",
    { tenant: B, env: "staging", stack: "s3", set: set(3) },
    { tenantId: "not-a-guid", env: "staging", stack: "s4", set: set(4) },
    { tenantId: B, env: "stag ing", stack: "s5", set: set(5) },
    { tenantId: B, env: "staging", stack: "a/b", set: set(6) },
    { tenantId: B, env: "staging", stack: "good", set: set(7) },
    { tenantId: B, env: "staging", stack: "s8", githubEnvironment: "tenant-a", set: set(8) },
    { tenantId: B, env: "staging", stack: "s9", from: "nowhere", set: set(9) },
    {
      tenantId: B,
      env: "staging",
      stack: "s10",
      set: { ...set(10), "connector.hosting": { kind: "external", baseUrll: "https://x.example.com" } },
    },
    { tenantId: B, env: "staging", stack: "deployed", set: set(11) },
  ]);
  assert.equal(run.status, 2);
  assert.equal(run.stdout, "", "no matrix, so no job starts");
  const expected: Array<[number, RegExp]> = [
    [2, /expected an object like \{ tenantId, env \}/],
    [3, /unknown field 'tenant' \(did you mean 'tenantId'\?\)/],
    [4, /--tenant 'not-a-guid' is not a directory \(tenant\) id GUID/],
    [5, /--env 'stag ing' must be letters, digits/],
    [6, /--stack 'a\/b' must be 1-100 letters, digits/],
    [7, /stack name 'good' is used twice/],
    [8, new RegExp(`githubEnvironment 'tenant-a' is also used for tenant ${A}`)],
    [9, /--from nowhere: .*Pulumi\.nowhere\.yaml does not exist/],
    [10, /entra-signup:connector\.hosting\.baseUrll: unknown key "baseUrll" \(did you mean "baseUrl"\?\)/],
    [
      11,
      new RegExp(
        `stack 'deployed' already targets tenant ${A} \\(Pulumi\\.deployed\\.yaml\\); refusing to re-point it at tenant ${B}`,
      ),
    ],
  ];
  const lines = run.stderr.split("\n");
  assert.match(
    lines[0]!,
    /^FAILED: stamp refused \S*tenants\.yaml: \d+ problem\(s\), checked before any stack was touched$/,
  );
  for (const [entry, pattern] of expected)
    assert.ok(
      lines.some((l) => l.startsWith(`  - tenants.yaml entry ${entry}: `) && pattern.test(l)),
      `entry ${entry} ${String(pattern)} in:\n${run.stderr}`,
    );
  assert.ok(!run.stderr.includes("entry 1:"), "the good entry has no problem");
  assert.equal(lines.filter(Boolean).at(-1), "  Nothing was changed.");
});
