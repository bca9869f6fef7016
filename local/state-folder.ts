/**
 * The layout of `npm run local`'s state folder (default `<repo>/.local`, git-ignored), in one place for
 * the local system and for the tools that find it by themselves (`npm run approvals`).
 */
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..");

/** The state folder `npm run local` uses without `--state-dir`. */
export const DEFAULT_STATE_DIR = path.join(repoRoot, ".local");

export function paths(stateDir: string) {
  return {
    project: path.join(stateDir, "project"),
    backend: path.join(stateDir, "pulumi-state"),
    pulumiHome: path.join(stateDir, "pulumi-home"),
    graphState: path.join(stateDir, "graph-emulator.json"),
    connectorSettings: path.join(stateDir, "connector-settings.json"),
    azurite: path.join(stateDir, "azurite"),
  };
}
