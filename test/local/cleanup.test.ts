/**
 * `npm run local` cleans up after a killed run (docs/crash-safety.md): plugin processes whose engine is
 * gone are ended (and only those), and untracked objects are deleted only when the create ledger proves
 * this stack made them — never someone else's, never what the state tracks.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { deleteUntrackedOwnObjects, endOrphanedPlugins } from "../../local/cleanup";
import { writeLedger } from "../../components/graph/providers/create-ledger";

let emu: GraphEmulator;
let ledger: string;
before(async () => {
  emu = await startGraphEmulator();
  ledger = fs.mkdtempSync(path.join(os.tmpdir(), "cleanup-ledger-"));
  process.env.ENTRA_SIGNUP_CREATE_LEDGER_DIR = ledger;
});
after(async () => {
  await emu?.close();
  fs.rmSync(ledger, { recursive: true, force: true });
});

async function graph(method: string, p: string, body?: unknown): Promise<{ id: string }> {
  const res = await fetch(`${emu.url}/v1.0${p}`, {
    method,
    headers: { Authorization: "Bearer test", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${p}: ${res.status} ${await res.clone().text()}`);
  return (await res.json().catch(() => ({}))) as { id: string };
}

const connectorBody = (targetUrl: string) => ({
  displayName: "Approvals",
  targetUrl,
  authenticationConfiguration: {
    "@odata.type": "#microsoft.graph.basicAuthentication",
    username: "u",
    password: "a-password-for-the-test",
  },
});

test("only untracked objects the create ledger proves are ours are deleted, users first", async () => {
  const connection = { cloud: "global" as const, baseUrl: emu.url, credential: "emulator" as const };
  await graph("PATCH", "/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } });
  const theirs = await graph("POST", "/identity/apiConnectors", connectorBody("https://theirs.example.net"));
  // The stack's first attempt saw their connector before creating its own.
  writeLedger({ connection, kind: "apiConnector", key: "Approvals" }, [theirs.id]);
  writeLedger({ connection, kind: "b2xUserFlow", key: "B2X_1_Partners" }, []);
  const tracked = await graph(
    "POST",
    "/identity/apiConnectors",
    connectorBody("https://tracked.example.net"),
  );
  const orphan = await graph("POST", "/identity/apiConnectors", connectorBody("https://orphan.example.net"));
  await graph("POST", "/identity/b2xUserFlows", {
    id: "Partners",
    userFlowType: "signUpOrSignIn",
    userFlowTypeVersion: 1,
  });
  // The untracked flow uses the orphan connector: Graph refuses to delete the connector before the flow.
  await graph(
    "PUT",
    "/identity/b2xUserFlows/B2X_1_Partners/apiConnectorConfiguration/postAttributeCollection/$ref",
    {
      "@odata.id": `${emu.url}/v1.0/identity/apiConnectors/${orphan.id}`,
    },
  );

  const deleted = await deleteUntrackedOwnObjects(emu.url, ledger, new Set([tracked.id.toLowerCase()]));
  assert.deepEqual(deleted, ["b2xUserFlow B2X_1_Partners", `apiConnector ${orphan.id}`]);
  assert.deepEqual(
    emu
      .snapshot()
      .apiConnectors.map((c) => c.id)
      .sort(),
    [theirs.id, tracked.id].sort(),
    "their connector and the tracked one stay",
  );
  assert.deepEqual(emu.snapshot().b2xUserFlows, []);
});

test("plugin processes of the project whose engine is gone are ended; one whose engine lives is not", async () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "cleanup-project-"));
  const live = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => live.once("listening", r));
  const livePort = (live.address() as net.AddressInfo).port;
  const dead = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => dead.once("listening", r));
  const deadPort = (dead.address() as net.AddressInfo).port;
  await new Promise((r) => dead.close(r));
  const plugin = (port: number) =>
    spawn(
      process.execPath,
      ["-e", "setInterval(() => {}, 1000)", "pulumi-language-nodejs", `127.0.0.1:${port}`],
      {
        cwd: project,
        stdio: "ignore",
      },
    );
  const orphan = plugin(deadPort);
  const alive = plugin(livePort);
  const orphanExit = new Promise((r) => orphan.once("exit", r));
  try {
    await new Promise((r) => setTimeout(r, 300)); // let both processes exist with their command lines
    const ended = await endOrphanedPlugins(project);
    assert.deepEqual(ended, [orphan.pid]);
    await orphanExit;
    assert.equal(alive.exitCode, null, "the plugin of a live engine keeps running");
  } finally {
    orphan.kill("SIGKILL");
    alive.kill("SIGKILL");
    live.close();
    fs.rmSync(project, { recursive: true, force: true });
  }
});
