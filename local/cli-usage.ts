/**
 * The same command-line manners for every CLI of the project: `--help` / `-h` prints the usage and exits
 * 0 before anything starts; an unknown or malformed option prints `<tool>: <problem>` and the usage to
 * stderr and exits 2.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export function parseCommandLine<T extends ParseArgsConfig["options"]>(
  tool: string,
  usage: string,
  options: T,
  args: string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<{ options: T; args: string[] }>>["values"] {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ options, args }).values;
  } catch (err) {
    console.error(`${tool}: ${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
