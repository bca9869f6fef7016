/**
 * Secrets of the `local` stack. The stack is rebuilt from the repository's Pulumi.local.yaml on every
 * `npm run local`, so `pulumi config set --secret` has nowhere lasting to write. Instead
 * `npm run local -- --secret <key>` asks for the value (or reads it from stdin), has the engine encrypt
 * it with the local stack's passphrase, and keeps the ciphertext and the stack's encryption salt in
 * `<state-dir>/local-secrets.yaml` (0600, git-ignored with the state folder). Every run copies both into
 * the working stack file; `--down` keeps the file, so secrets and salt survive reruns and `--down`.
 *
 * A secret key written in plain text into Pulumi.local.yaml is refused before anything is written —
 * the working stack file, the engine's update history — so the refused value lands in no file.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { NAMESPACE, SECRET_KEYS, type SecretKey } from "../stacks/settings";

export interface LocalSecretsFile {
  /** The local stack's passphrase salt (Pulumi's `encryptionsalt`). */
  encryptionsalt?: string;
  /** `entra-signup:<key>` → `{ secure: <ciphertext> }`. */
  config: Record<string, { secure: string }>;
}

export function localSecretsPath(stateDir: string): string {
  return path.join(stateDir, "local-secrets.yaml");
}

export function isSecretKey(key: string): key is SecretKey {
  return (SECRET_KEYS as readonly string[]).includes(key);
}

const isSecure = (value: unknown): value is { secure: string } =>
  typeof value === "object" && value !== null && typeof (value as { secure?: unknown }).secure === "string";

/** Secret keys that `config` (a stack file's `config:` map) holds in plain text. */
export function plainSecretKeys(config: Record<string, unknown>): SecretKey[] {
  return SECRET_KEYS.filter((key) => {
    const value = config[`${NAMESPACE}:${key}`];
    return value !== undefined && !isSecure(value);
  });
}

export class PlainSecretError extends Error {
  constructor(
    readonly keys: readonly SecretKey[],
    configFile: string,
  ) {
    super(
      keys
        .map(
          (key) =>
            `${NAMESPACE}:${key} is stored in plain text in ${configFile}: remove it there and run 'npm run local -- --secret ${key}' (it asks for the value and keeps it encrypted in the state folder)`,
        )
        .join("\n"),
    );
    this.name = "PlainSecretError";
  }
}

export function readLocalSecrets(stateDir: string): LocalSecretsFile {
  const file = localSecretsPath(stateDir);
  if (!fs.existsSync(file)) return { config: {} };
  const parsed = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as Partial<LocalSecretsFile>;
  const config: LocalSecretsFile["config"] = {};
  for (const [key, value] of Object.entries(parsed.config ?? {})) if (isSecure(value)) config[key] = value;
  return { ...(parsed.encryptionsalt ? { encryptionsalt: parsed.encryptionsalt } : {}), config };
}

/** Writes the file whole and renamed, readable by its owner only. */
export function writeLocalSecrets(stateDir: string, secrets: LocalSecretsFile): void {
  const file = localSecretsPath(stateDir);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const header =
    "# Secrets of the local stack (npm run local -- --secret <key>), encrypted with its passphrase and salt.\n";
  fs.writeFileSync(tmp, header + stringifyYaml(secrets), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** Keeps the working stack file's salt in the secrets file (once), so the salt outlives `--down`. */
export function rememberSalt(stateDir: string, stackFile: string): void {
  const secrets = readLocalSecrets(stateDir);
  if (secrets.encryptionsalt || !fs.existsSync(stackFile)) return;
  const salt = (parseYaml(fs.readFileSync(stackFile, "utf8")) as { encryptionsalt?: string } | null)
    ?.encryptionsalt;
  if (salt) writeLocalSecrets(stateDir, { ...secrets, encryptionsalt: salt });
}

/**
 * Encrypts `value` for `key` with the engine (`pulumi config set --secret`, the value on stdin so it never
 * shows in a process list) in the working project, then records the ciphertext and salt in the secrets
 * file. The stack must exist (see `localStack`).
 */
export async function storeLocalSecret(
  stateDir: string,
  project: { readonly workDir: string; readonly stackFile: string; readonly env: Record<string, string> },
  key: SecretKey,
  value: string,
): Promise<void> {
  const fullKey = `${NAMESPACE}:${key}`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      "pulumi",
      ["config", "set", "--secret", "--stack", "local", "--non-interactive", fullKey],
      {
        cwd: project.workDir,
        env: { ...process.env, ...project.env },
        stdio: ["pipe", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`pulumi config set --secret ${fullKey} failed (exit ${code}): ${stderr.trim()}`)),
    );
    child.stdin.end(value);
  });
  const stack = parseYaml(fs.readFileSync(project.stackFile, "utf8")) as {
    encryptionsalt?: string;
    config?: Record<string, unknown>;
  };
  const secure = stack.config?.[fullKey];
  if (!isSecure(secure) || !stack.encryptionsalt)
    throw new Error(`pulumi config set --secret did not write ${fullKey} encrypted to ${project.stackFile}`);
  const secrets = readLocalSecrets(stateDir);
  writeLocalSecrets(stateDir, {
    encryptionsalt: stack.encryptionsalt,
    config: { ...secrets.config, [fullKey]: secure },
  });
}

/**
 * The value of a secret: typed at a hidden prompt when stdin is a terminal, else all of stdin (one
 * trailing newline removed, so `printf '%s' … |` and `echo … |` both work).
 */
export async function readSecretValue(
  key: string,
  input: NodeJS.ReadStream = process.stdin,
): Promise<string> {
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, "");
  }
  process.stderr.write(`${NAMESPACE}:${key} (input hidden, Enter to finish): `);
  return new Promise((resolve, reject) => {
    let value = "";
    input.setRawMode(true);
    input.resume();
    const done = (result: Error | string) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      if (typeof result === "string") resolve(result);
      else reject(result);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(value);
        if (ch === "\u0003") return done(new Error("interrupted"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " ") value += ch;
      }
    };
    input.on("data", onData);
  });
}
