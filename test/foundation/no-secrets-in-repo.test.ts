/**
 * The repository carries no secret: no private key, no certificate bundle, no storage key other than
 * Azurite's published development key, and no stack file with a secret-looking value in plain text.
 * (State, logs and pages are covered where they are produced: the Graph engine test, the
 * GeneratedPassword engine test, the local-system browser test and the connector's log test.)
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse as parseYaml } from "yaml";
import { AZURITE_KEY } from "../../local/azurite";
import { SECRET_KEYS } from "../../stacks/settings";
import { repoRoot } from "../helpers/pulumi";

const tracked = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], {
  cwd: repoRoot,
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f && fs.existsSync(path.join(repoRoot, f)) && fs.statSync(path.join(repoRoot, f)).isFile());

test("no private key, certificate bundle or foreign storage key is committed", () => {
  const offenders: string[] = [];
  for (const file of tracked) {
    if (/\.(pfx|p12|pem|key)$/i.test(file)) offenders.push(`${file}: key or certificate file`);
    if (/\.(png|zip)$/i.test(file) || file === "package-lock.json") continue;
    const text = fs.readFileSync(path.join(repoRoot, file), "utf8");
    if (/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(text))
      offenders.push(`${file}: PEM private key`);
    for (const match of text.matchAll(/AccountKey=([A-Za-z0-9+/=]{40,})/g)) {
      if (match[1] !== AZURITE_KEY) offenders.push(`${file}: storage account key`);
    }
    if (/\b(sig|sv)=[^&\s"]{10,}&(se|sp|sig)=/.test(text)) offenders.push(`${file}: SAS token`);
  }
  assert.deepEqual(offenders, []);
});

test("stack files hold secret keys only as encrypted `secure:` values", () => {
  const stackFiles = tracked.filter(
    (f) => /^Pulumi\.[^/]+\.yaml$/.test(f) || f.startsWith("stacks/templates/"),
  );
  assert.ok(stackFiles.length >= 3, "the stack files were found");
  for (const file of stackFiles) {
    const config =
      ((parseYaml(fs.readFileSync(path.join(repoRoot, file), "utf8")) ?? {}) as { config?: object }).config ??
      {};
    for (const [key, value] of Object.entries(config)) {
      const name = key.split(":").pop() ?? key;
      const looksSecret =
        (SECRET_KEYS as readonly string[]).includes(name) || /(password|secret|pfx|token)$/i.test(name);
      if (!looksSecret) continue;
      assert.ok(
        typeof value === "object" && value !== null && "secure" in value,
        `${file}: ${key} must be set with 'pulumi config set --secret'`,
      );
    }
  }
});
