/**
 * The `ConfigSource` of a running Pulumi program: values from the engine's config, and which keys are
 * secrets from the stack's settings file (`Pulumi.<stack>.yaml`, where a secret is stored as
 * `secure: <ciphertext>`; Learn-equivalent: https://www.pulumi.com/docs/iac/concepts/config/#secrets).
 * Reading the documented file format keeps the program off undocumented SDK internals.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { NAMESPACE, type ConfigSource } from "./settings";

/** Keys under `entra-signup:` stored as `secure:` in the stack file; undefined when there is no file. */
export function secureKeysIn(stackFileText: string): Set<string> {
  const doc = (parseYaml(stackFileText) ?? {}) as { config?: Record<string, unknown> };
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (!key.startsWith(`${NAMESPACE}:`)) continue;
    if (value && typeof value === "object" && "secure" in value) keys.add(key.slice(NAMESPACE.length + 1));
  }
  return keys;
}

/** Config of the running program; `projectDir` holds `Pulumi.<stack>.yaml` and the policy files. */
export function pulumiConfigSource(projectDir: string, cwd: string = process.cwd()): ConfigSource {
  const stack = pulumi.getStack();
  const stackFile = [cwd, projectDir]
    .map((dir) => path.join(dir, `Pulumi.${stack}.yaml`))
    .find((file) => fs.existsSync(file));
  // Without a stack file (config from an environment, or the Automation API's in-memory config) the
  // program cannot tell; the up-front check and the policy pack's secrets rule still look.
  const secure = stackFile ? secureKeysIn(fs.readFileSync(stackFile, "utf8")) : undefined;
  return {
    get: (key) => {
      const raw = pulumi.runtime.getConfig(`${NAMESPACE}:${key}`);
      if (raw === undefined) return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    },
    isSecret: (key) => secure === undefined || secure.has(key),
    readFile: (relative) => fs.readFileSync(path.resolve(projectDir, relative), "utf8"),
    keys: () =>
      Object.keys(pulumi.runtime.allConfig())
        .filter((k) => k.startsWith(`${NAMESPACE}:`))
        .map((k) => k.slice(NAMESPACE.length + 1)),
    stack,
  };
}
