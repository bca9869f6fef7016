/**
 * Emulated tenants for stamping tests: one Graph emulator per tenant, a project folder whose program is
 * the repository's index.ts (so stack files stay out of the repository), a private `file://` backend, and
 * one stamping target per tenant pointed at its emulator with an external connector URL.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import type { StampTarget } from "../../stacks/stamping";
import { makeTempDir, repoRoot, testPassphrase } from "../helpers/pulumi";

export interface EmulatedTenants {
  readonly dir: string;
  /** The Pulumi project folder (Pulumi.yaml with `main:` → the repository). */
  readonly project: string;
  readonly envVars: Record<string, string>;
  readonly emulators: GraphEmulator[];
  readonly targets: StampTarget[];
  /** Destroys every stack, closes the emulators, removes the folder. */
  close(): Promise<void>;
}

export async function startEmulatedTenants(
  prefix: string,
  tenantIds: readonly string[],
): Promise<EmulatedTenants> {
  const tmp = makeTempDir(prefix);
  const project = path.join(tmp.dir, "project");
  fs.mkdirSync(project);
  const pulumiYaml = fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8");
  fs.writeFileSync(
    path.join(project, "Pulumi.yaml"),
    `${pulumiYaml.replace(/^main: .*\n/m, "")}\nmain: ${path.join(path.relative(project, repoRoot), "index.ts")}\n`,
  );
  fs.mkdirSync(path.join(tmp.dir, "state"));
  const envVars = {
    PULUMI_BACKEND_URL: `file://${path.join(tmp.dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: testPassphrase,
    PULUMI_HOME: path.join(tmp.dir, "home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  const emulators = await Promise.all(tenantIds.map((tenantId) => startGraphEmulator({ port: 0, tenantId })));
  const targets: StampTarget[] = emulators.map((em, i) => ({
    tenantId: tenantIds[i]!,
    env: "staging",
    stack: `staging-${i + 1}`,
    set: {
      "tenant.graphBaseUrl": em.url,
      "tenant.graphCredential": "emulator",
      "connector.hosting": { kind: "external", baseUrl: `https://connector-${i + 1}.example.com/api` },
      "apps.appIds": [em.sampleAppId],
    },
  }));
  return {
    dir: tmp.dir,
    project,
    envVars,
    emulators,
    targets,
    async close() {
      for (const target of targets) {
        const stack = await LocalWorkspace.selectStack(
          { stackName: target.stack!, workDir: project },
          { envVars },
        ).catch(() => undefined);
        await stack?.destroy().catch(() => undefined);
      }
      await Promise.all(emulators.map((em) => em.close()));
      tmp.cleanup();
    },
  };
}
