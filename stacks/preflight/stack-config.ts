/**
 * A stack's settings read from `Pulumi.<stack>.yaml` without the engine (preflight and drift run before
 * it), through the same loader and validation the program uses (stacks/settings.ts). Secret values stay
 * encrypted: only their presence matters here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { loadSettings, NAMESPACE, type Settings } from "../settings";

export const repoRoot = path.resolve(__dirname, "..", "..");

/** The `config:` map of a stack file, keyed `entra-signup:<key>`. */
export function readStackConfig(stack: string, root = repoRoot): Record<string, unknown> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(
      `no stack file ${path.relative(process.cwd(), file) || file}: create the stack first ('npm run stamp', or 'pulumi stack init ${stack}') or check --stack`,
    );
  }
  const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return doc.config ?? {};
}

const isSecure = (v: unknown) => !!v && typeof v === "object" && "secure" in (v as Record<string, unknown>);

/** Settings from a stack's config map; throws SettingsError listing every problem. */
export function settingsFromConfig(
  config: Record<string, unknown>,
  stack: string,
  root = repoRoot,
): Settings {
  const prefix = `${NAMESPACE}:`;
  // The program's own loader (stacks/settings.ts): preflight refuses a config the way the program would.
  return loadSettings({
    get: (key) => config[`${prefix}${key}`],
    isSecret: (key) => isSecure(config[`${prefix}${key}`]),
    readFile: (relative) => fs.readFileSync(path.resolve(root, relative), "utf8"),
    keys: () =>
      Object.keys(config)
        .filter((k) => k.startsWith(prefix))
        .map((k) => k.slice(prefix.length)),
    stack,
  });
}

/**
 * Ids of the resources in the stack's state (`pulumi stack export`), or undefined when the state cannot
 * be read (not logged in to the backend). A stack that does not exist yet manages nothing.
 */
export async function managedIdsOf(stack: string, root = repoRoot): Promise<ReadonlySet<string> | undefined> {
  try {
    const { stdout } = await promisify(execFile)("pulumi", ["stack", "export", "--stack", stack], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    const exported = JSON.parse(stdout) as { deployment?: { resources?: Array<{ id?: string }> } };
    return new Set((exported.deployment?.resources ?? []).flatMap((r) => (r.id ? [r.id] : [])));
  } catch (err) {
    const text = `${(err as { stderr?: string }).stderr ?? ""}${(err as Error).message}`;
    if (/no stack named|stack .* not found/i.test(text)) return new Set();
    return undefined;
  }
}
