/**
 * `npm run drift -- --stack <name>`: what differs between the tenant and the stack's config, in identity
 * terms. Exit 0 when they match, 1 on drift (for a scheduled job), 2 when the check could not run.
 * Read-only: a preview with refresh; nothing is written to the tenant or the state.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { lineSplitter } from "../engine-output";
import { detectDrift, formatDrift } from "./run";

const usage = "usage: npm run drift -- --stack <name> [--verbose]";
const repoRoot = path.resolve(__dirname, "..", "..");

/** The engine's own `error:` lines (the Automation API wraps them in `code: -2 stdout … stderr …`), once each. */
export function engineErrors(text: string): string[] {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^error:/i.test(l));
  const unique = [...new Set(lines)].slice(-5);
  return unique.length > 0 ? unique : [text.split("\n")[0] ?? text];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", short: "s" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || !values.stack) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const log: string[] = [];
  const collect = lineSplitter((line) => (values.verbose ? console.log(line) : log.push(line)));
  try {
    const stack = await LocalWorkspace.selectStack({ stackName: values.stack, workDir: repoRoot });
    const { code, text } = formatDrift(values.stack, await detectDrift(stack, collect));
    console.log(text);
    return code;
  } catch (err) {
    const reasons = engineErrors(`${(err as Error).message}\n${log.join("\n")}`);
    console.error(
      [
        `drift: the refresh-preview of stack '${values.stack}' failed:`,
        ...reasons.map((l) => `  ${l}`),
        `Run 'npm run preflight -- --stack ${values.stack} --operation preview' to see why, or add --verbose.`,
      ].join("\n"),
    );
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`drift: ${(err as Error).message}\n${usage}`);
      process.exit(2);
    },
  );
}
