/**
 * `npm run preflight -- --stack <name> [--operation preview|up]`
 *
 * Checks, read-only, that a stack can deploy: the Graph credential resolves, the token holds every Graph
 * permission the config needs, the tenant is a workforce tenant offering self-service sign-up, every
 * `apps.appIds` entry exists, no object with our names is in the way, the pinned resource plugins are
 * installed and the Azure names fit. Exit 0 when ready, 1 on any problem (one block each), 2 on usage.
 * Nothing is written to the tenant or the stack's state.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { SettingsError } from "../settings";
import { formatReport } from "./report";
import { listInstalledPlugins } from "./plugins";
import type { Operation } from "./permissions";
import { runPreflight } from "./run";
import { managedIdsOf, readStackConfig, repoRoot, settingsFromConfig } from "./stack-config";

const usage = "usage: npm run preflight -- --stack <name> [--operation preview|up]";

/** Runs preflight for a stack and prints the report; resolves to the process exit code. */
export async function preflightMain(
  argv: readonly string[],
  print: (text: string) => void = (t) => console.log(t),
  root = repoRoot,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string", short: "s" },
        operation: { type: "string", default: "up" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    print(`preflight: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    print(usage);
    return 0;
  }
  const stack = values.stack;
  const operation = values.operation as Operation;
  if (!stack || (operation !== "preview" && operation !== "up")) {
    print(
      `preflight: ${stack ? `--operation must be preview or up, got '${operation}'` : "--stack is required"}\n${usage}`,
    );
    return 2;
  }
  let settings;
  try {
    settings = settingsFromConfig(readStackConfig(stack, root), stack, root);
  } catch (err) {
    const problems = err instanceof SettingsError ? err.problems : [(err as Error).message];
    print(
      [
        ...problems.map((p) => `✗ config: ${p}`),
        `preflight: stack '${stack}' has ${problems.length} config problem(s); fix them in Pulumi.${stack}.yaml (stacks/README.md documents every key)`,
      ].join("\n"),
    );
    return 1;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  const findings = await runPreflight({
    settings,
    stack,
    operation,
    managedIds: await managedIdsOf(stack, root),
    dependencies: pkg.dependencies ?? {},
    listPlugins: () => listInstalledPlugins(),
  });
  print(formatReport(stack, findings));
  return findings.some((f) => f.level === "fail") ? 1 : 0;
}

if (require.main === module) {
  preflightMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`preflight: ${(err as Error).stack ?? String(err)}`);
      process.exit(1);
    },
  );
}
