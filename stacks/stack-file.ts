/**
 * A stack's config file (`Pulumi.<stack>.yaml`) as a YAML document: stamping edits the template's (or the
 * `--from` stack's) document in place, so its comments — what each value means, which choices exist —
 * reach the new stack's file. Stack settings files: https://www.pulumi.com/docs/iac/concepts/projects/project-file/#stack-settings-file
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isCollection, isMap, isNode, isScalar, parseDocument, YAMLMap, type Document } from "yaml";
import { NAMESPACE } from "./settings";

export const stackFilePath = (workDir: string, stack: string) => path.join(workDir, `Pulumi.${stack}.yaml`);

/** Parses YAML text, refusing a syntax error with the file and line. */
export function parseStackDocument(text: string, file: string): Document {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message.split("\n")[0]}`);
  if (doc.contents === null) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  if (!isMap(doc.contents)) throw new Error(`${file}: expected a mapping with a 'config:' key`);
  return doc;
}

/** The document of an existing stack file, or undefined when there is none. */
export function readStackDocument(workDir: string, stack: string): Document | undefined {
  const file = stackFilePath(workDir, stack);
  return fs.existsSync(file) ? parseStackDocument(fs.readFileSync(file, "utf8"), file) : undefined;
}

/** The `config:` section as plain values (secure values stay `{ secure: … }`). */
export function configOf(doc: Document): Record<string, unknown> {
  const js = doc.toJS() as { config?: Record<string, unknown> } | null;
  return js?.config ?? {};
}

const isSecure = (value: unknown) => value !== null && typeof value === "object" && "secure" in value;

/** The tenant a stack file targets (`entra-signup:tenant.tenantId`), if any. */
export function tenantOf(doc: Document): string | undefined {
  const id = (configOf(doc)[`${NAMESPACE}:tenant`] as { tenantId?: unknown } | undefined)?.tenantId;
  return typeof id === "string" ? id : undefined;
}

/** The tenant of the existing `Pulumi.<stack>.yaml`, if there is one and it names a tenant. */
export function existingTenant(workDir: string, stack: string): string | undefined {
  const doc = readStackDocument(workDir, stack);
  return doc && tenantOf(doc);
}

/** Removes `{ secure: … }` entries: they are encrypted with another stack's key. Returns their keys. */
export function dropSecrets(doc: Document): string[] {
  const config = doc.get("config", true);
  if (!isMap(config)) return [];
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(configOf(doc))) {
    if (!isSecure(value)) continue;
    config.delete(key);
    dropped.push(key);
  }
  return dropped;
}

/**
 * Sets `a.b.c` under `entra-signup:a`. A replaced value keeps the comment and the flow style (`[…]`,
 * `{…}`) of the value it replaces.
 */
export function setConfigPath(doc: Document, keyPath: string, value: unknown): void {
  const [head, ...rest] = keyPath.split(".");
  const at = ["config", head!.includes(":") ? head! : `${NAMESPACE}:${head}`, ...rest];
  const old = doc.getIn(at, true);
  const node = doc.createNode(value);
  if (isNode(old)) {
    node.comment = old.comment;
    node.commentBefore = old.commentBefore;
    if (isCollection(old) && isCollection(node)) node.flow = old.flow;
  }
  // A scalar in the way of a deeper path (`hosting: functionApp` then `hosting.kind`) becomes a map.
  for (let i = 2; i < at.length - 1; i++) {
    const parent = doc.getIn(at.slice(0, i + 1), true);
    if (parent !== undefined && !isMap(parent)) doc.setIn(at.slice(0, i + 1), new YAMLMap());
  }
  doc.setIn(at, node);
}

/**
 * Carries what belongs to the stack itself from its existing file into the new document: the top-level
 * keys of its secrets provider (`encryptionsalt`, `secretsprovider`, `encryptedkey`) and config entries
 * the new document does not set (secrets set on this stack, keys added by hand).
 */
export function keepStackOwnEntries(doc: Document, existing: Document | undefined): void {
  if (!existing || !isMap(existing.contents) || !isMap(doc.contents)) return;
  for (const pair of existing.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (key === "config" || doc.has(key)) continue;
    doc.contents.items.unshift(doc.createPair(key, existing.get(key, true)));
  }
  const config = configOf(doc);
  for (const [key, value] of Object.entries(configOf(existing))) {
    if (key in config) continue;
    doc.setIn(["config", key], existing.getIn(["config", key], true) ?? doc.createNode(value));
  }
}
