/**
 * "No secret in plain config": secret-looking stack config values must be `secure:` (encrypted), and
 * secret-looking app settings must be Key Vault references.
 *
 * Why read the stack file: the analyzer receives resource inputs with secrets already unwrapped, so it
 * cannot tell a secret from a plain value there; the stack's `Pulumi.<stack>.yaml` still can. The pack
 * lives in the project (`policy/`), so the project folder is its parent; `stackConfigDir` overrides it.
 */
import { isPreviewUnknown } from "../../contract/preview";
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackValidationPolicy } from "@pulumi/policy";
import {
  appSettingsOf,
  isFunctionApp,
  isWaived,
  stackOfUrn,
  waiversSchema,
  type WaivableConfig,
} from "./common";

/** Words that, as the last word of a key, mark it as holding a secret. */
const secretWords = new Set(["password", "passwd", "passphrase", "secret", "key", "pfx", "pkcs12", "token"]);

/** Keys whose last word matches but which never hold a secret. */
export const defaultIgnoredKeys = ["rotationKey", "sshPublicKey", "publicKey", "nameKey"];

/** `connectorPassword` → true, `CONNECTOR_BASIC_PASSWORD` → true, `rotationKey` (ignored) → false. */
export function looksSecret(key: string, ignored: readonly string[] = defaultIgnoredKeys): boolean {
  const bare = key.includes(":") ? key.slice(key.lastIndexOf(":") + 1) : key;
  if (ignored.includes(bare)) return false;
  const words = bare
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const last = words[words.length - 1] ?? "";
  return secretWords.has(last) || bare.toLowerCase().endsWith("clientsecret");
}

/**
 * Secret-looking keys with a plain scalar value in a stack config YAML. Line-based on purpose (no YAML
 * dependency): a key with an inline value is plain; a key whose block starts with `secure:` is encrypted.
 */
export function plainSecretConfigKeys(
  yamlText: string,
  ignored: readonly string[] = defaultIgnoredKeys,
): string[] {
  const found: string[] = [];
  const lines = yamlText.split(/\r?\n/);
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:-\s+)?([^\s#:'"][^#]*?|"[^"]+"|'[^']+'):(?:\s+(.*?))?\s*$/.exec(line);
    if (!m) return;
    const key = m[2]!.replace(/^["']|["']$/g, "");
    const value = (m[3] ?? "").trim();
    if (key === "secure" || !looksSecret(key, ignored)) return;
    if (value === "") {
      const next = lines.slice(i + 1).find((l) => l.trim() !== "" && !l.trim().startsWith("#"));
      if (next !== undefined && /^\s*secure:/.test(next)) return;
      return; // an object or list: its own keys are checked on their lines
    }
    if (/^\{?\s*secure:/.test(value) || value === "null" || value === "~") return;
    if (/^(true|false|[0-9.]+)$/.test(value)) return;
    found.push(key);
  });
  return found;
}

interface SecretsConfig extends WaivableConfig {
  stackConfigDir?: string;
  ignoredKeys?: string[];
}

export const noPlainSecrets: StackValidationPolicy = {
  name: "no-plain-secrets",
  description:
    "Secret-looking stack config values (password, secret, key, pfx, token …) are encrypted with " +
    "`pulumi config set --secret`, and secret-looking app settings are Key Vault references.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      ...waiversSchema,
      stackConfigDir: { type: "string", description: "Folder holding Pulumi.<stack>.yaml" },
      ignoredKeys: { type: "array", items: { type: "string" }, default: defaultIgnoredKeys },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = args.getConfig<SecretsConfig>();
    const ignored = config.ignoredKeys ?? defaultIgnoredKeys;
    const stack = args.resources.length > 0 ? stackOfUrn(args.resources[0]!.urn) : "";
    const dir = config.stackConfigDir ?? path.resolve(__dirname, "..", "..");
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (stack !== "" && fs.existsSync(file)) {
      const waived = (key: string) => isWaived(config, { name: key, urn: key });
      for (const key of plainSecretConfigKeys(fs.readFileSync(file, "utf8"), ignored).filter(
        (k) => !waived(k),
      )) {
        reportViolation(
          `Pulumi.${stack}.yaml: ${key} looks like a secret but is stored in plain text; ` +
            `run 'pulumi config set --secret ${key} <value>' (or waive it with a reason).`,
        );
      }
    }
    for (const r of args.resources.filter((r) => isFunctionApp(r.type, r.props))) {
      if (isWaived(config, r)) continue;
      for (const [name, value] of Object.entries(appSettingsOf(r.props))) {
        if (
          !looksSecret(name, ignored) ||
          value.startsWith("@Microsoft.KeyVault(") ||
          isPreviewUnknown(value)
        ) {
          continue;
        }
        reportViolation(
          `${r.name}: app setting ${name} holds a secret in the app configuration; use a Key Vault reference ` +
            '(ConnectorFunctionApp credentialStore "keyVault") or waive it with a reason.',
          r.urn,
        );
      }
    }
  },
};
