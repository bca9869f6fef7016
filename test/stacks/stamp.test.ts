/**
 * Tenant stamping end to end: three emulated tenants (one Graph emulator each) stamped concurrently by
 * the Automation API with the real program; each ends with its own flow, and a second run changes nothing.
 * The Function App part is supplied as an external connector URL, as the issue allows here.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { stampAll, type StampTarget } from "../../stacks/stamping";
import { makeTempDir, repoRoot, testPassphrase } from "../helpers/pulumi";

const tenants = [
  "00000000-0000-4000-8000-0000000000a1",
  "00000000-0000-4000-8000-0000000000b2",
  "00000000-0000-4000-8000-0000000000c3",
];
let emulators: GraphEmulator[] = [];
let tmp: { dir: string; cleanup: () => void };
let envVars: Record<string, string>;
let targets: StampTarget[];
const progress: string[] = [];

before(async () => {
  tmp = makeTempDir("stamp");
  const project = path.join(tmp.dir, "project");
  fs.mkdirSync(project);
  // A project folder whose program is the repository's index.ts, so stack files stay out of the repo.
  const pulumiYaml = fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(
    path.join(project, "Pulumi.yaml"),
    `${pulumiYaml.replace(/^main: .*\n/m, "")}\nmain: ${path.join(path.relative(project, repoRoot), "index.ts")}\n`,
  );
  fs.mkdirSync(path.join(tmp.dir, "state"));
  envVars = {
    PULUMI_BACKEND_URL: `file://${path.join(tmp.dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: testPassphrase,
    PULUMI_HOME: path.join(tmp.dir, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  emulators = await Promise.all(tenants.map((tenantId) => startGraphEmulator({ port: 0, tenantId })));
  targets = emulators.map((em, i) => ({
    tenantId: tenants[i]!,
    env: "staging",
    stack: `staging-${i + 1}`,
    set: {
      "tenant.graphBaseUrl": em.url,
      "tenant.graphCredential": "emulator",
      "connector.hosting": { kind: "external", baseUrl: `https://connector-${i + 1}.example.com/api` },
      "apps.appIds": [em.sampleAppId],
    },
  }));
});

after(async () => {
  for (const target of targets ?? []) {
    const stack = await LocalWorkspace.selectStack(
      { stackName: target.stack!, workDir: path.join(tmp.dir, "project") },
      { envVars },
    ).catch(() => undefined);
    await stack?.destroy().catch(() => undefined);
  }
  await Promise.all(emulators.map((em) => em.close()));
  tmp?.cleanup();
});

const options = () => ({
  workDir: path.join(tmp.dir, "project"),
  apply: true,
  envVars,
  onProgress: (line: string) => progress.push(line),
});

test("three tenants stamped concurrently each get their own flow, and a second run changes nothing", async () => {
  const first = await stampAll(targets, options(), 3);
  for (const result of first) assert.ok(result.ok, `${result.stack} failed: ${result.error}`);

  for (const [i, em] of emulators.entries()) {
    const state = JSON.stringify(em.snapshot());
    assert.ok(state.includes("B2X_1_PartnerSignUp"), `tenant ${i + 1} has the flow`);
    assert.ok(state.includes(`connector-${i + 1}.example.com`), `tenant ${i + 1} has its own connector URL`);
    for (const [j] of emulators.entries()) {
      if (j !== i)
        assert.ok(
          !state.includes(`connector-${j + 1}.example.com`),
          `no other tenant's connector in tenant ${i + 1}`,
        );
    }
    assert.equal(first[i]!.outputs.flowId, "B2X_1_PartnerSignUp");
  }
  assert.ok(
    progress.some((l) => l.startsWith("[staging-1] ")),
    "progress lines are prefixed per stack",
  );

  for (const em of emulators) em.clearLog();
  const second = await stampAll(targets, options(), 3);
  for (const result of second) {
    assert.ok(result.ok, `${result.stack} failed on the second run: ${result.error}`);
    const changed = Object.entries(result.changes).filter(([op, n]) => op !== "same" && n > 0);
    assert.deepEqual(changed, [], `${result.stack} changed on the second run`);
  }
  for (const [i, em] of emulators.entries())
    assert.equal(em.counts().writes, 0, `tenant ${i + 1} saw no Graph writes`);
});
