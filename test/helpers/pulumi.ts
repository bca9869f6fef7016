/**
 * Helpers for tests that drive the real Pulumi engine through the Automation API on a local `file://`
 * backend. Every workspace lives in its own folder under `<repo>/.tmp/` so that Node module resolution
 * (the language host and the dynamic-provider shim both resolve `@pulumi/pulumi` from the program
 * folder upwards) finds the project's `node_modules`, and tests never share state.
 */
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import * as fs from "node:fs";
import * as path from "node:path";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** The passphrase for throwaway test stacks. Never used for anything but local, disposable state. */
export const testPassphrase = "entra-signup-test-only";

/** A fresh folder under `<repo>/.tmp/`, removed by the returned cleanup function. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const base = path.join(repoRoot, ".tmp");
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, `${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes a self-contained Pulumi TypeScript program folder: Pulumi.yaml, index.ts, tsconfig.json and its
 * own package.json — without one, the program lookup walks up to the repository's (main: index.ts) and
 * runs the real program instead.
 */
export function writeProgram(dir: string, name: string, source: string): void {
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
  );
  fs.writeFileSync(path.join(dir, "index.ts"), source);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.ts" }));
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "ES2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        esModuleInterop: true,
        skipLibCheck: true,
      },
    }),
  );
}

export interface LocalProgramStack {
  readonly stack: Stack;
  readonly workDir: string;
  readonly backendDir: string;
  /** Plain-text dump of every state file of the backend, for asserting what state contains. */
  readStateFiles(): string;
  cleanup(): Promise<void>;
}

/**
 * Creates a stack for a program folder (Pulumi.yaml + entry point) on a private `file://` backend.
 * The program folder must sit inside the repository (see module comment).
 */
export async function localProgramStack(
  workDir: string,
  stackName: string,
  extraEnv: Record<string, string> = {},
): Promise<LocalProgramStack> {
  const backendDir = path.join(workDir, ".state");
  const pulumiHome = path.join(workDir, ".pulumi-home");
  fs.mkdirSync(backendDir, { recursive: true });
  fs.mkdirSync(pulumiHome, { recursive: true });
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: testPassphrase,
    PULUMI_HOME: pulumiHome,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    ...extraEnv,
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    { workDir, envVars, pulumiHome },
  );
  return {
    stack,
    workDir,
    backendDir,
    readStateFiles: () => readAllFiles(backendDir),
    cleanup: async () => {
      await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
    },
  };
}

function readAllFiles(dir: string): string {
  let out = "";
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8") + "\n";
  }
  return out;
}
