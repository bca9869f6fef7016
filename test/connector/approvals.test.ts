/**
 * The approval round trip over HTTP: a sign-up from a domain outside the allow-list creates one pending
 * request (also under retry); an admin approves it through the admin endpoint or the CLI; the next
 * attempt continues. Denials block. The admin endpoint needs the admin key.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { ADMIN_KEY_HEADER } from "../../functions/auth/admin";
import { runApprovalsCli } from "../../functions/cli/approvals";
import { localConnectorEnv } from "../../local/connector-env";
import { approvalPolicy, attributeCollection, basicSettings, REPO_ROOT, SECRETS } from "./helpers/fixtures";
import { reply, startTestConnector, type TestConnector } from "./helpers/host";

let connector: TestConnector;
before(async () => {
  connector = await startTestConnector({ SIGNUP_POLICY: JSON.stringify(approvalPolicy()) });
});
after(() => connector.stop());

async function admin(method: string, route: string, key = SECRETS.adminKey, body?: unknown) {
  return reply(
    await fetch(`${connector.host.url}/api/manage/approvals${route}`, {
      method,
      headers: { [ADMIN_KEY_HEADER]: key, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

async function pendingId(email: string): Promise<string> {
  const list = await admin("GET", "?status=pending");
  assert.equal(list.status, 200);
  const found = (list.json.approvals as Array<{ id: string; email: string }>).filter(
    (a) => a.email === email,
  );
  assert.equal(found.length, 1, `exactly one pending request for ${email}`);
  return found[0]!.id;
}

const signUp = (email: string) =>
  connector.post("postAttributeCollection", attributeCollection(email, "New Corp"));

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", path.join(REPO_ROOT, "local", "approvals-cli.ts"), ...args],
    { cwd: REPO_ROOT, env: { ...process.env, AzureWebJobsStorage: connector.azurite.connectionString } },
  );
  return stdout;
}

test("the admin endpoint refuses a missing or wrong admin key", async () => {
  assert.equal((await admin("GET", "", "")).status, 401);
  assert.equal((await admin("GET", "", `${SECRETS.adminKey}x`)).status, 401);
  assert.equal((await admin("POST", "/0123456789abcdef0123456789abcdef/approve", "nope")).status, 401);
});

test("pending → approved through the admin endpoint → the next attempt continues", async () => {
  const email = "jo@newcorp.example";
  const first = await signUp(email);
  const retry = await signUp(email);
  assert.equal(first.json.action, "ShowBlockPage");
  assert.equal(first.json.code, "pending_approval");
  assert.equal(retry.json.code, "pending_approval");
  const id = await pendingId(email);

  const decided = await admin("POST", `/${id}/approve`, SECRETS.adminKey, { by: "test-admin" });
  assert.equal(decided.status, 200);
  assert.equal((decided.json.approval as { status: string }).status, "approved");

  const next = await signUp(email);
  assert.equal(next.status, 200);
  assert.equal(next.json.action, "Continue", next.text);
});

test("pending → approved through the CLI → the next attempt continues; a CLI denial blocks", async () => {
  const approvedEmail = "ann@othercorp.example";
  const deniedEmail = "max@othercorp.example";
  assert.equal((await signUp(approvedEmail)).json.code, "pending_approval");
  assert.equal((await signUp(deniedEmail)).json.code, "pending_approval");

  const listed = await cli("list", "--status", "pending");
  const approveId = await pendingId(approvedEmail);
  const denyId = await pendingId(deniedEmail);
  assert.match(listed, new RegExp(approveId));

  assert.match(await cli("approve", approveId), /approved/);
  assert.match(await cli("deny", denyId, "--reason", "not a partner"), /denied/);

  assert.equal((await signUp(approvedEmail)).json.action, "Continue");
  const denied = await signUp(deniedEmail);
  assert.equal(denied.json.action, "ShowBlockPage");
  assert.equal(denied.json.code, "approval_denied");
});

test("ids and verbs named after Object.prototype members are 404s, never a storage error", async () => {
  await signUp("proto@newcorp.example");
  const id = await pendingId("proto@newcorp.example");
  const names = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];
  for (const name of names) {
    const asId = await admin("POST", `/${name}/approve`);
    assert.deepEqual([asId.status, asId.json.error], [404, "approval_not_found"], `id ${name}`);
    const asVerb = await admin("POST", `/${id}/${name}`);
    assert.deepEqual([asVerb.status, asVerb.json.error], [404, "not_found"], `verb ${name}`);
  }
  assert.equal(await pendingId("proto@newcorp.example"), id, "the request is still pending");
  assert.ok(!connector.logs.some((l) => l.includes("signup.admin_error")), "no request reached the 503 path");
});

test("deciding an unknown id is a 404; an unknown decision verb is a 404", async () => {
  assert.equal((await admin("POST", "/ffffffffffffffffffffffffffffffff/approve")).status, 404);
  assert.equal((await admin("POST", "/not-an-id/deny")).status, 404);
  assert.equal((await admin("POST", "/ffffffffffffffffffffffffffffffff/maybe")).status, 404);
});

test("the CLI answers --help with its usage, and no arguments or an unknown command with the usage and exit 2, before touching storage", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    err: (l: string) => err.push(l),
    findLocal: () => Promise.reject(new Error("storage must not be looked up")),
  };
  assert.equal(await runApprovalsCli(["--help"], {}, (l) => out.push(l), io), 0);
  assert.match(out.join("\n"), /^usage: npm run approvals -- <command>/);
  assert.match(out.join("\n"), /approve <id>.*\n.*deny <id>/s);
  for (const [argv, why] of [
    [[], /no command given/],
    [["remove", "x"], /unknown command 'remove'/],
    [["approve"], /approve needs the request's id/],
    [["--nope"], /Unknown option '--nope'/],
  ] as const) {
    err.length = 0;
    assert.equal(await runApprovalsCli(argv, {}, (l) => out.push(l), io), 2, argv.join(" "));
    assert.match(err.join("\n"), why);
    assert.match(err.join("\n"), /usage: npm run approvals/);
  }
});

test("with no storage given, the CLI finds the running `npm run local` system from its state folder", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "approvals-local-"));
  try {
    // What `npm run local` leaves: the settings file `pulumi up` writes, and Azurite's pid record.
    const { AzureWebJobsStorage: _storage, ...settings } = basicSettings(connector.azurite.connectionString);
    fs.writeFileSync(path.join(stateDir, "connector-settings.json"), JSON.stringify(settings));
    fs.mkdirSync(path.join(stateDir, "pids"));
    const { blobPort, queuePort, tablePort } = connector.azurite;
    fs.writeFileSync(
      path.join(stateDir, "pids", "azurite.json"),
      JSON.stringify({
        name: "azurite",
        pid: process.pid,
        ports: [blobPort, queuePort, tablePort],
        startedAt: "",
      }),
    );
    const email = "lu@thirdcorp.example";
    assert.equal((await signUp(email)).json.code, "pending_approval");
    const { AzureWebJobsStorage: _env, ...env } = process.env;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", path.join(REPO_ROOT, "local", "approvals-cli.ts"), "list", "--state-dir", stateDir],
      { cwd: REPO_ROOT, env },
    );
    assert.match(stdout, new RegExp(`${await pendingId(email)}\\s+pending\\s+thirdcorp\\.example`));

    fs.rmSync(path.join(stateDir, "pids", "azurite.json"));
    const out: string[] = [];
    await assert.rejects(
      runApprovalsCli(["list", "--state-dir", stateDir], {}, (l) => out.push(l), {
        findLocal: async (dir) => localConnectorEnv(dir ?? stateDir),
      }),
      /the local system's Azurite is not running .*start it with 'npm run local'/,
    );
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});
