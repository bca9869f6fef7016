/**
 * Secrets of the local stack: `npm run local -- --secret <key>` keeps them encrypted in the state folder
 * across reruns and `--down`; a plain-text secret in the config file is refused before anything is
 * written, and leaves its value in no file; files holding secrets are 0600.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { PlainSecretError } from "../../local/secrets";
import { down, localStack, paths, up, type LocalSystemOptions } from "../../local/system";
import { loadSettings, type ConfigSource } from "../../stacks/settings";
import { makeTempDir, repoRoot } from "../helpers/pulumi";
import { freePorts } from "./browser-helpers";

const tmp = makeTempDir("local-secrets");
after(() => tmp.cleanup());

/** A copy of Pulumi.local.yaml with `extra` added to its config. */
function configWith(dir: string, extra: Record<string, unknown>): string {
  const doc = parseYaml(fs.readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const file = path.join(dir, "Pulumi.local.test.yaml");
  fs.writeFileSync(file, stringifyYaml({ ...doc, config: { ...doc.config, ...extra } }));
  return file;
}

/** Every file under `dir` whose bytes contain `needle` (state, history, logs, backups, working copies). */
function filesContaining(dir: string, needle: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => fs.readFileSync(file).includes(needle));
}

function runCli(args: string[], stdin: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "local/cli.ts", ...args], { cwd: repoRoot });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out, err })));
}

test("a secret in plain text in the local config is refused before anything starts or is written, naming npm run local -- --secret", async () => {
  const dir = fs.mkdtempSync(path.join(tmp.dir, "plain-"));
  const stateDir = path.join(dir, "state");
  const value = "plain-Google-Secret-7391";
  const opts: LocalSystemOptions = {
    stateDir,
    ports: await freePorts(),
    configFile: configWith(dir, { "entra-signup:googleClientSecret": value }),
  };
  await assert.rejects(up(opts), (err: Error) => {
    assert.ok(err instanceof PlainSecretError);
    assert.match(
      err.message,
      /entra-signup:googleClientSecret is stored in plain text in .*Pulumi\.local\.test\.yaml: remove it there and run 'npm run local -- --secret googleClientSecret'/,
    );
    assert.ok(!err.message.includes(value), "the value is not in the message");
    return true;
  });
  assert.equal(fs.existsSync(path.join(stateDir, "pids")), false, "no service was started");
  assert.deepEqual(filesContaining(stateDir, value), []);
});

test("a secret set with --secret is stored encrypted (0600), applied on every rerun and after --down, and in no file in plain text", async () => {
  const dir = fs.mkdtempSync(path.join(tmp.dir, "stored-"));
  const stateDir = path.join(dir, "state");
  const ports = await freePorts();
  const configFile = configWith(dir, {});
  const opts: LocalSystemOptions = { stateDir, ports, configFile };
  const value = "stored-Google-Secret-5120";

  // The CLI reads the value from stdin when it is not a terminal.
  const portArgs = ["--graph-port", String(ports.graph), "--state-dir", stateDir];
  const stored = await runCli(["--secret", "googleClientSecret", ...portArgs], `${value}\n`);
  assert.equal(stored.code, 0, stored.err);
  assert.match(stored.out, /stored entra-signup:googleClientSecret encrypted in .*local-secrets\.yaml/);
  const secretsFile = path.join(stateDir, "local-secrets.yaml");
  assert.equal(fs.statSync(secretsFile).mode & 0o777, 0o600);
  assert.equal(fs.statSync(stateDir).mode & 0o777, 0o700, "the state folder is its owner's only");

  // A rerun rebuilds the working stack file from the config file; the secret is applied again.
  const rerun = await localStack({ ...opts, configFile });
  assert.deepEqual(await rerun.getConfig("entra-signup:googleClientSecret"), { value, secret: true });

  // --down removes the stack and its working project, but keeps the secrets file and its salt. A plain
  // secret in the config file does not stop the destroy (which runs no program) and is written nowhere.
  const plain = "plain-Facebook-Secret-8802";
  fs.mkdirSync(path.join(dir, "down"));
  const downConfig = configWith(path.join(dir, "down"), { "entra-signup:facebookClientSecret": plain });
  const said: string[] = [];
  const modes: Record<string, number> = {};
  await down({
    ...opts,
    configFile: downConfig,
    onProgress: (line) => said.push(line),
    beforeStop: async () => {
      // A Graph write makes the emulator service persist its state, a connector password included.
      const made = await fetch(`http://127.0.0.1:${ports.graph}/v1.0/identity/apiConnectors`, {
        method: "POST",
        headers: { Authorization: "Bearer test", "Content-Type": "application/json" },
        body: JSON.stringify({
          displayName: "Mode check",
          targetUrl: "https://connector.example.com/api/signup",
          authenticationConfiguration: {
            "@odata.type": "#microsoft.graph.basicAuthentication",
            username: "entra",
            password: "mode-Check-Password-1",
          },
        }),
      });
      assert.equal(made.status, 201, await made.text());
      const file = paths(stateDir).graphState;
      modes[path.basename(file)] = fs.statSync(file).mode & 0o777;
    },
  });
  assert.deepEqual(modes, { "graph-emulator.json": 0o600 }, "the emulator's state file is 0600");
  assert.ok(fs.existsSync(secretsFile), "--down keeps the local secrets");
  assert.ok(
    said.some((l) => /left out of the destroy: facebookClientSecret/.test(l)),
    said.join("\n"),
  );
  assert.deepEqual(filesContaining(stateDir, plain), [], "the refused plain value is in no file");
  const afterDown = await localStack(opts);
  assert.deepEqual(await afterDown.getConfig("entra-signup:googleClientSecret"), { value, secret: true });
  assert.deepEqual(filesContaining(stateDir, value), [], "the value is in no file in plain text");
  assert.deepEqual(filesContaining(dir, value), []);
});

test("an unknown --secret key is refused with the list of secret keys", async () => {
  const r = await runCli(["--secret", "googleClientId", "--state-dir", path.join(tmp.dir, "unknown")], "x");
  assert.equal(r.code, 2);
  assert.match(
    r.err,
    /--secret 'googleClientId' is not a secret key: use one of connectorPassword, .*googleClientSecret/,
  );
});

test("on the local stack, the configuration's secret messages name npm run local -- --secret", () => {
  const values: Record<string, unknown> = {
    tenant: { tenantId: "11111111-2222-3333-4444-555555555555" },
    userFlow: {
      name: "PartnerSignUp",
      identityProviders: ["EmailOtpSignup-OAUTH", "Google-OAUTH"],
      page: [{ attribute: "email", inputType: "emailBox" }],
    },
    socialProviders: { google: { clientId: "id.apps.googleusercontent.com" } },
    connector: {
      policy: { version: 1 },
      auth: "basic",
      hosting: { kind: "local", baseUrl: "http://127.0.0.1:7071/api", settingsFile: "/tmp/s.json" },
    },
    connectorPassword: "plain",
  };
  const source = (stack: string): ConfigSource => ({
    get: (key) => values[key],
    isSecret: () => false,
    readFile: () => {
      throw new Error("no files");
    },
    stack,
  });
  const messages = (stack: string) => {
    try {
      loadSettings(source(stack));
      return "";
    } catch (err) {
      return (err as Error).message;
    }
  };
  const local = messages("local");
  assert.match(
    local,
    /connectorPassword is stored in plain text: remove it and run 'npm run local -- --secret connectorPassword'/,
  );
  assert.match(
    local,
    /googleClientSecret is required because .*'npm run local -- --secret googleClientSecret'/,
  );
  assert.doesNotMatch(local, /pulumi config set/);
  assert.match(messages("prod"), /pulumi config set --secret entra-signup:connectorPassword/);
});
