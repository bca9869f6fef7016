/**
 * The stack file stamping writes: the template (or the `--from` stack's file) as a YAML document with the
 * tenant and `set` values filled in, comments kept.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Document } from "yaml";
import { NAMESPACE } from "./settings";
import {
  configOf,
  dropSecrets,
  keepStackOwnEntries,
  parseStackDocument,
  readStackDocument,
  setConfigPath,
  stackFilePath,
} from "./stack-file";
import type { StampTarget } from "./stamp-targets";

/**
 * The new stack file's document: the template (or the `--from` stack's file, secrets removed) with the
 * tenant and `set` values filled in, comments kept; with `stack`, what the existing `Pulumi.<stack>.yaml`
 * holds for the stack itself (secrets provider, its own secrets) is kept too.
 */
export function buildStackDocument(
  target: StampTarget,
  workDir: string,
  templatesDir = path.join(__dirname, "templates"),
  stack?: string,
): Document {
  const doc = target.from ? readFromStack(workDir, target.from) : readTemplate(templatesDir, target.env);
  setConfigPath(doc, "tenant.tenantId", target.tenantId);
  for (const [keyPath, value] of Object.entries(target.set ?? {})) setConfigPath(doc, keyPath, value);
  if (stack !== undefined) keepStackOwnEntries(doc, readStackDocument(workDir, stack));
  return doc;
}

/** The stack's configuration (keys `entra-signup:<key>`) that stamping would write. */
export function buildConfig(
  target: StampTarget,
  workDir: string,
  templatesDir = path.join(__dirname, "templates"),
  stack?: string,
): Record<string, unknown> {
  return configOf(buildStackDocument(target, workDir, templatesDir, stack));
}

function readTemplate(dir: string, env: string): Document {
  const file = [path.join(dir, `${env}.yaml`), path.join(dir, "default.yaml")].find((f) => fs.existsSync(f));
  if (!file)
    throw new Error(
      `no template for env '${env}': create stacks/templates/${env}.yaml or stacks/templates/default.yaml`,
    );
  const doc = parseStackDocument(fs.readFileSync(file, "utf8").replaceAll("${env}", env), file);
  prefixKeys(doc);
  return doc;
}

function readFromStack(workDir: string, stack: string): Document {
  const doc = readStackDocument(workDir, stack);
  if (!doc) throw new Error(`--from ${stack}: ${stackFilePath(workDir, stack)} does not exist`);
  // Secrets are encrypted with the source stack's key and cannot be carried over: the new stack
  // generates its own connector password, and other secrets must be given with --secret-env.
  dropSecrets(doc);
  // The source's secrets provider belongs to the source stack.
  for (const key of ["encryptionsalt", "secretsprovider", "encryptedkey"]) doc.delete(key);
  return doc;
}

/** Template keys may omit the `entra-signup:` namespace. */
function prefixKeys(doc: Document): void {
  const config = doc.get("config", true) as { items?: Array<{ key: unknown }> } | undefined;
  for (const pair of config?.items ?? []) {
    const key = pair.key as { value?: unknown } | string;
    const name = typeof key === "string" ? key : String(key.value);
    if (name.includes(":")) continue;
    if (typeof key === "string") pair.key = `${NAMESPACE}:${name}`;
    else key.value = `${NAMESPACE}:${name}`;
  }
}

/** Secret keys of the `--from` stack that the new stack does not get (encrypted with the source's key). */
export function secretsNotCopied(target: StampTarget, workDir: string): string[] {
  if (!target.from) return [];
  const doc = readStackDocument(workDir, target.from);
  if (!doc) return [];
  return dropSecrets(doc)
    .map((k) => (k.startsWith(`${NAMESPACE}:`) ? k.slice(NAMESPACE.length + 1) : k))
    .filter((k) => !(k in (target.secrets ?? {})));
}
