/**
 * Helpers for the package tests: the executable plugin, and a copy of the Pulumi YAML example in a folder
 * under <repo>/.tmp, two levels below the repository like examples/yaml, so its relative plugin path
 * (`../../provider`) still names this repository's provider.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { makeTempDir, repoRoot } from "../helpers/pulumi";

export const pluginPath = path.join(repoRoot, "provider", "pulumi-resource-entra-signup");
export const exampleYaml = path.join(repoRoot, "examples", "yaml", "Pulumi.yaml");

/** examples/yaml copied into a fresh folder; `cleanup` removes it. */
export function yamlProgramDir(prefix: string): { dir: string; cleanup: () => void } {
  const tmp = makeTempDir(prefix);
  fs.copyFileSync(exampleYaml, path.join(tmp.dir, "Pulumi.yaml"));
  return tmp;
}

/** Whether the Pulumi CLI on PATH can run Pulumi YAML programs (scripts/ensure-pulumi adds the host). */
export function yamlHostOnPath(): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, "pulumi-language-yaml")));
}
