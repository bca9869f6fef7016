/**
 * `npm run pulumi -- <args>`: the Pulumi CLI, with preflight first for `preview` and `up`.
 *
 * Why a wrapper and not a step inside the program: the program must not call the network while it is
 * constructed (only resources do), and a failed check must stop the run before the engine plans anything.
 * `preview` checks read permissions, `up` the write ones. Skip it with `--skip-preflight` or
 * `ENTRA_SIGNUP_SKIP_PREFLIGHT=1` (the flag is not passed on to Pulumi). Every other command goes
 * straight to the CLI.
 */
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { preflightMain } from "./cli";
import type { Operation } from "./permissions";

export interface WrapperPlan {
  /** The check to run first, if any. */
  readonly preflight?: { readonly operation: Operation; readonly stack?: string };
  /** What to hand to the Pulumi CLI. */
  readonly pulumiArgs: readonly string[];
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  preview: "preview",
  pre: "preview",
  up: "up",
  update: "up",
};
/** Global flags that take a value, so their value is not mistaken for the command. */
const VALUE_FLAGS = new Set(["--cwd", "-C", "--color", "--tracing", "--profiling", "--verbose", "-v"]);

/** Decides from the arguments whether preflight runs, for which operation and stack. */
export function planWrapper(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WrapperPlan {
  const skip = argv.includes("--skip-preflight") || env.ENTRA_SIGNUP_SKIP_PREFLIGHT === "1";
  const pulumiArgs = argv.filter((a) => a !== "--skip-preflight");
  let command: string | undefined;
  for (let i = 0; i < pulumiArgs.length; i++) {
    const arg = pulumiArgs[i]!;
    if (VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith("-")) {
      command = arg;
      break;
    }
  }
  const operation = command ? OPERATIONS[command] : undefined;
  if (!operation || skip || pulumiArgs.includes("--help") || pulumiArgs.includes("-h")) return { pulumiArgs };
  let stack: string | undefined;
  for (let i = 0; i < pulumiArgs.length; i++) {
    const arg = pulumiArgs[i]!;
    if (arg === "--stack" || arg === "-s") stack = pulumiArgs[i + 1];
    else if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
  }
  return { preflight: { operation, stack: stack ?? env.PULUMI_STACK }, pulumiArgs };
}

async function selectedStack(): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)("pulumi", ["stack", "--show-name"]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const plan = planWrapper(argv);
  if (plan.preflight) {
    const stack = plan.preflight.stack ?? (await selectedStack());
    if (!stack) {
      console.error("preflight: no stack selected; pass --stack <name> (or --skip-preflight)");
      return 2;
    }
    const code = await preflightMain(["--stack", stack, "--operation", plan.preflight.operation]);
    if (code !== 0) {
      console.error(
        `preflight failed: 'pulumi ${plan.preflight.operation}' was not started (--skip-preflight to run it anyway)`,
      );
      return code;
    }
  }
  const child = spawn("pulumi", plan.pulumiArgs, { stdio: "inherit" });
  // Ctrl-C reaches the whole process group; Pulumi handles it (a second one aborts). Wait for it.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  return new Promise((resolve) => {
    child.on("error", (err) => {
      console.error(`pulumi: ${err.message}`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error((err as Error).stack ?? String(err));
      process.exit(1);
    },
  );
}
