/**
 * Adopting a hand-made tenant: the walkthrough's setup (and a second tenant with two flows, Google and a
 * certificate connector) made by hand in the Graph emulator, exported with `npm run export`'s logic, and
 * the repository's program (index.ts) run with the exported file and the secrets set.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { runExport } from "../../stacks/export/cli";
import { makeTempDir, repoRoot, testPassphrase } from "../helpers/pulumi";
import { admin } from "../graph-emulator/helpers";
import { GOOGLE_SECRET, seedTwoFlows, seedWalkthrough, WALKTHROUGH_PASSWORD } from "./export-tenants";

let tmp: { dir: string; cleanup: () => void };
const cleanups: (() => Promise<unknown>)[] = [];

before(() => {
  tmp = makeTempDir("export");
});
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  tmp.cleanup();
});

/** A project whose program is the repository's index.ts, with the exported stack file(s) in it. */
async function exportedStack(
  emulator: GraphEmulator,
  name: string,
  flow: string,
): Promise<{ stack: Stack; file: string }> {
  const project = path.join(tmp.dir, name);
  fs.mkdirSync(path.join(project, "state"), { recursive: true });
  const pulumiYaml = fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(
    path.join(project, "Pulumi.yaml"),
    `${pulumiYaml.replace(/^main: .*\n/m, "")}\nmain: ${path.join(path.relative(project, repoRoot), "index.ts")}\n`,
  );
  const [file] = await runExport(
    { tenantId: emulator.tenantId, cloud: "global", flows: [flow], stack: "adopted", graphUrl: emulator.url },
    project,
  );
  fs.writeFileSync(file!.file, file!.text);
  const envVars = {
    PULUMI_BACKEND_URL: `file://${path.join(project, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: testPassphrase,
    PULUMI_HOME: path.join(project, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "adopted", workDir: project },
    { workDir: project, envVars },
  );
  // Adopted objects stay in the tenant when the test stack goes: forget them rather than delete them.
  cleanups.push(() => stack.workspace.removeStack("adopted", { force: true }));
  return { stack, file: file!.file };
}

/** Runs `up`; the Graph writes it made, and the diagnostics (messages and warnings) the engine reported. */
async function upRun(
  emulator: GraphEmulator,
  stack: Stack,
): Promise<{ writes: string[]; diagnostics: string[]; output: string }> {
  emulator.clearLog();
  let output = "";
  const diagnostics: string[] = [];
  await stack.up({
    onOutput: (s) => (output += s),
    onEvent: (e) => {
      if (e.diagnosticEvent) diagnostics.push(e.diagnosticEvent.message);
    },
  });
  const writes = emulator.log.filter((l) => l.write).map((l) => `${l.method} ${l.path}`);
  return { writes, diagnostics, output };
}

async function upWrites(emulator: GraphEmulator, stack: Stack): Promise<string[]> {
  return (await upRun(emulator, stack)).writes;
}

/** How many diagnostics name a secret adopted as given (one per adopted secret). */
const adoptedNotices = (diagnostics: readonly string[], what: string) =>
  diagnostics.filter((d) => d.includes(`adopted ${what} with the`)).length;

/** Every file of a file backend (checkpoints, backups, history) as one text. */
const stateFilesText = (dir: string): string =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "utf8"))
    .join("\n");

/** Everything the emulated tenant holds, secrets included. */
const tenantState = (emulator: GraphEmulator) => JSON.stringify(emulator.snapshot());

test("the exported walkthrough tenant: the first up makes 0 Graph writes and names the adopted password once; a changed label is one PATCH, a changed password one PATCH", async () => {
  const emulator = await startGraphEmulator({ port: 0 });
  cleanups.push(() => emulator.close());
  await seedWalkthrough(emulator);
  const { stack, file } = await exportedStack(emulator, "walkthrough", "B2X_1_PartnerSignUp");
  await stack.setConfig("entra-signup:connectorPassword", { value: WALKTHROUGH_PASSWORD, secret: true });
  const before = tenantState(emulator);
  const connectorId = emulator.snapshot().apiConnectors[0]!.id;

  // Graph never returns a connector's password: adopting trusts the one set on the stack, and says so once.
  const first = await upRun(emulator, stack);
  assert.deepEqual(first.writes, [], "the first up after export makes 0 Graph writes");
  assert.equal(adoptedNotices(first.diagnostics, 'API connector "Validate Partner Domain"'), 1);
  assert.ok(first.output.includes("entra-signup:adoptSecrets: write"), "the notice names the way to send it");
  assert.ok(!first.output.includes(WALKTHROUGH_PASSWORD), "the password is never printed");
  assert.equal(tenantState(emulator), before, "the tenant is unchanged");
  const second = await upRun(emulator, stack);
  assert.deepEqual(second.writes, [], "a second up makes 0 Graph writes");
  assert.equal(adoptedNotices(second.diagnostics, "API connector"), 0, "the notice comes once");
  assert.ok(
    !stateFilesText(path.join(tmp.dir, "walkthrough", "state")).includes(WALKTHROUGH_PASSWORD),
    "the password stays a secret in state",
  );

  const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const field = doc.config["entra-signup:userFlow"].page.find(
    (f: { attribute: string }) => f.attribute === "CompanyName",
  );
  field.displayName = "Company (legal name)";
  fs.writeFileSync(file, stringify(doc));
  const companyId = emulator.snapshot().userFlowAttributes.find((a) => a.displayName === "Company Name")!.id;
  assert.deepEqual(await upWrites(emulator, stack), [
    `PATCH /identity/b2xUserFlows/B2X_1_PartnerSignUp/userAttributeAssignments/${companyId}`,
  ]);

  // Only adoption trusts: a password changed later is sent, once.
  await stack.setConfig("entra-signup:connectorPassword", { value: "rotated-Secret-2", secret: true });
  assert.deepEqual(await upWrites(emulator, stack), [`PATCH /identity/apiConnectors/${connectorId}`]);
  const credentials = await admin(emulator, "GET", `connectors/${connectorId}/credentials`);
  assert.ok(credentials.body.password === "rotated-Secret-2", "Graph holds the changed password");
  assert.deepEqual(await upWrites(emulator, stack), [], "then 0 writes again");
});

test("the exported two-flow tenant (Google, certificate connector): the first up makes 0 Graph writes (certificate compared by thumbprint, Google secret adopted as given); adoptSecrets: write then sends the secret once", async () => {
  const emulator = await startGraphEmulator({ port: 0 });
  cleanups.push(() => emulator.close());
  const pfx = await seedTwoFlows(emulator);
  const { stack } = await exportedStack(emulator, "two-flows", "B2X_1_Alpha");
  await stack.setConfig("entra-signup:googleClientSecret", { value: GOOGLE_SECRET, secret: true });
  await stack.setConfig("entra-signup:connectorCertificatePfx", { value: pfx.base64, secret: true });
  await stack.setConfig("entra-signup:connectorCertificatePassword", { value: pfx.password, secret: true });
  const before = tenantState(emulator);

  const first = await upRun(emulator, stack);
  assert.deepEqual(first.writes, [], "the first up after export makes 0 Graph writes");
  assert.equal(adoptedNotices(first.diagnostics, 'Google identity provider "Google-OAUTH"'), 1);
  assert.equal(
    adoptedNotices(first.diagnostics, "API connector"),
    0,
    "a certificate is compared, not trusted",
  );
  assert.equal(tenantState(emulator), before, "the tenant is unchanged");
  assert.deepEqual(await upWrites(emulator, stack), [], "a second up makes 0 Graph writes");

  // The way the notice names to send an adopted secret after all: one PATCH, then nothing more.
  await stack.setConfig("entra-signup:adoptSecrets", { value: "write" });
  assert.deepEqual(await upWrites(emulator, stack), ["PATCH /identity/identityProviders/Google-OAUTH"]);
  assert.equal(
    emulator.snapshot().identityProviders.find((i) => i.id === "Google-OAUTH")?.clientSecret,
    GOOGLE_SECRET,
  );
  assert.deepEqual(await upWrites(emulator, stack), [], "then 0 writes again");
});
