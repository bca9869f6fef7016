/**
 * Resource plugins the stack needs at the versions package.json pins. Without them the engine stops with
 * `no resource plugin 'pulumi-resource-azure-native' found in the workspace at version v3.28.0`, after
 * the Graph objects may already have been planned. Stacks without Azure hosting (local, external) need
 * no azure-native plugin. https://www.pulumi.com/docs/iac/cli/commands/pulumi_plugin_install/
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Settings } from "../settings";
import { NAMESPACE } from "../settings";
import { fail, type Finding } from "./finding";

export interface InstalledPlugin {
  readonly name: string;
  readonly kind: string;
  readonly version: string;
}

export interface PluginNeed {
  /** Plugin name, e.g. `azure-native`. */
  readonly name: string;
  readonly version: string;
  /** The config key that makes the stack need it. */
  readonly key: string;
}

/** The pinned version of an npm dependency (`3.28.0` from `"3.28.0"`, `"^3.28.0"` or `"~3.28.0"`). */
function pinned(dependencies: Readonly<Record<string, string>>, pkg: string): string | undefined {
  return dependencies[pkg]?.replace(/^[\^~=v]+/, "");
}

/** The plugins this stack's config needs, at the versions the package.json `dependencies` pin. */
export function pluginsNeeded(
  settings: Settings,
  dependencies: Readonly<Record<string, string>>,
): PluginNeed[] {
  const needs: PluginNeed[] = [];
  const azureNative = pinned(dependencies, "@pulumi/azure-native");
  if (settings.connector.hosting.kind === "functionApp" && azureNative) {
    needs.push({ name: "azure-native", version: azureNative, key: `${NAMESPACE}:connector.hosting.kind` });
  }
  const azuread = pinned(dependencies, "@pulumi/azuread");
  if (settings.apps.createApp && azuread) {
    needs.push({ name: "azuread", version: azuread, key: `${NAMESPACE}:apps.createApp` });
  }
  return needs;
}

/** One failure per needed plugin not installed at its exact version, with the command that installs it. */
export function checkPlugins(installed: readonly InstalledPlugin[], needs: readonly PluginNeed[]): Finding[] {
  return needs
    .filter(
      (n) =>
        !installed.some(
          (p) => p.kind === "resource" && p.name === n.name && p.version.replace(/^v/, "") === n.version,
        ),
    )
    .map((n) => {
      const others = installed
        .filter((p) => p.kind === "resource" && p.name === n.name)
        .map((p) => p.version);
      return fail(
        "plugins",
        `the ${n.name} resource plugin v${n.version} (pinned in package.json) is not installed` +
          (others.length ? `; installed: ${others.join(", ")}` : ""),
        `pulumi plugin install resource ${n.name} ${n.version} (with the project's toolchain: npm run pulumi -- plugin install resource ${n.name} ${n.version})`,
        n.key,
      );
    });
}

/** `pulumi plugin ls --json`, with the toolchain's Pulumi CLI on PATH. */
export async function listInstalledPlugins(env: NodeJS.ProcessEnv = process.env): Promise<InstalledPlugin[]> {
  const { stdout } = await promisify(execFile)("pulumi", ["plugin", "ls", "--json"], {
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const list = JSON.parse(stdout || "[]") as unknown;
  return Array.isArray(list) ? (list as InstalledPlugin[]) : [];
}
