/**
 * The stack's configuration checked up front, from its YAML (`Pulumi.<stack>.yaml` or what stamping is
 * about to write), with the same validation the program runs (`loadSettings` plus the connector policy):
 * every problem is known in a second, before any service or engine starts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { loadSettings, NAMESPACE, SettingsError } from "./settings";

/** The folder of the Pulumi program (index.ts): `connector.policyFile` and `packagePath` are relative to it. */
export const programDir = path.resolve(__dirname, "..");

export interface ConfigCheck {
  /** The stack name (`connector.hosting.kind: local` is only for the local stack). */
  readonly stack: string;
  /** Secret keys that will be set before the engine runs (stamping's --secret-env). */
  readonly secretsToSet?: readonly string[];
  /** @default the repository root */
  readonly programDir?: string;
}

/**
 * Every problem of a stack's `config:` section (keys `entra-signup:<key>`, values as in the YAML file,
 * secrets as `{ secure: … }`); empty when the program would accept it.
 */
export function stackConfigProblems(config: Record<string, unknown>, check: ConfigCheck): string[] {
  const dir = check.programDir ?? programDir;
  const prefix = `${NAMESPACE}:`;
  const get = (key: string) => config[`${prefix}${key}`];
  const secret = (key: string) => {
    const value = get(key);
    return value !== null && typeof value === "object" && "secure" in value;
  };
  const pending = new Set(check.secretsToSet ?? []);
  const problems: string[] = [];
  try {
    loadSettings({
      get: (key) => (pending.has(key) ? "[secret]" : get(key)),
      isSecret: (key) => pending.has(key) || secret(key),
      readFile: (relative) => fs.readFileSync(path.resolve(dir, relative), "utf8"),
      keys: () => [
        ...new Set([
          ...Object.keys(config)
            .filter((k) => k.startsWith(prefix))
            .map((k) => k.slice(prefix.length)),
          ...pending,
        ]),
      ],
      stack: check.stack,
    });
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    problems.push(...err.problems);
  }
  // The program refuses a missing connector package too (index.ts); checked even when other keys are wrong.
  const hosting = (get("connector") as { hosting?: { kind?: unknown; packagePath?: unknown } } | undefined)
    ?.hosting;
  if (hosting?.kind === "functionApp") {
    const packagePath = typeof hosting.packagePath === "string" ? hosting.packagePath : "dist/connector.zip";
    if (!fs.existsSync(path.resolve(dir, packagePath)))
      problems.push(
        `${prefix}connector.hosting.packagePath: ${packagePath} does not exist: run 'npm run build:connector' first`,
      );
  }
  return problems;
}

/** Thrown when a stack's configuration has problems; nothing has been started. */
export class StackConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "StackConfigError";
  }
}

/** The `config:` section of a stack file, refusing a file that is not YAML with its line. */
export function stackConfigFromFile(file: string): Record<string, unknown> {
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  if (doc.errors.length > 0)
    throw new StackConfigError(file, [`${file}: ${doc.errors[0]!.message.split("\n")[0]}`]);
  return ((doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<
    string,
    unknown
  >;
}

/** Throws `StackConfigError` listing every problem of `config` (read from `file`). */
export function assertStackConfig(config: Record<string, unknown>, file: string, check: ConfigCheck): void {
  const problems = stackConfigProblems(config, check);
  if (problems.length) throw new StackConfigError(file, problems);
}
