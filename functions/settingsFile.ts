/**
 * The `--settings <file>` format: either a flat `{ "NAME": "value" }` map or the Core Tools
 * `local.settings.json` shape (`{ "Values": { … } }`). Non-string values (a policy object, an attribute
 * map) are accepted and stringified, because app settings are strings in Azure too.
 */
import * as fs from "node:fs";
import type { Env } from "./settings";

export function readSettingsFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read settings file ${file}: ${(error as Error).message}`);
  }
  const values =
    typeof parsed === "object" && parsed !== null && "Values" in parsed
      ? (parsed as { Values: unknown }).Values
      : parsed;
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new Error(`settings file ${file} must hold a JSON object of app settings (or { "Values": { … } })`);
  }
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/** File values win over the process environment, so editing the file (e.g. by `pulumi up`) takes effect. */
export function mergeEnv(base: Env, file: string | undefined): Env {
  return file === undefined ? base : { ...base, ...readSettingsFile(file) };
}

/**
 * Polls the file (fs.watch misses editors and tools that replace the file by rename) and calls
 * `onChange` when its modification time or size changes. Returns a stop function.
 */
export function watchSettingsFile(file: string, onChange: () => void, intervalMs = 300): () => void {
  const listener = (current: fs.Stats, previous: fs.Stats) => {
    if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size) onChange();
  };
  fs.watchFile(file, { interval: intervalMs, persistent: false }, listener);
  return () => fs.unwatchFile(file, listener);
}
