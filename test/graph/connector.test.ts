/**
 * ApiConnector provider against the Graph emulator: Basic auth with generated/rotated or given passwords,
 * certificate mode with rollover by upload (same connector id), drift, adoption.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { apiConnectorProvider } from "../../components/graph/providers/connector";
import { checked, emulatorWithConnection, makePfx, outOfBand, type AnyProvider } from "./helpers";

const connector = apiConnectorProvider as unknown as AnyProvider;
let emu: GraphEmulator;
let connection: GraphConnection;

before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());

const storedAuth = (id: string) => emu.snapshot().apiConnectors.find((c) => c.id === id)?.auth;

test("basic: generated password, no-op diff, rotation by rotationKey, drift, delete", async () => {
  emu.reset();
  const inputs = await checked(connector, {
    connection,
    displayName: "Approvals",
    targetUrl: "https://fn.example.net/api/check",
  });
  const { id, outs } = await connector.create(inputs);
  const auth = storedAuth(id);
  assert.equal(auth?.type, "basic");
  const stored = auth?.type === "basic" ? auth.password : "";
  assert.ok(outs?.password === stored, "the generated password is what Graph got"); // never print secrets
  assert.equal(Buffer.from(String(outs?.password), "base64url").length, 32, "32 random bytes");
  assert.equal(outs?.passwordGenerated, true);
  assert.equal((await connector.diff(id, outs!, inputs)).changes, false, "no change, no diff");

  const rotated = await connector.update(id, outs!, { ...inputs, rotationKey: "2026-11" });
  assert.ok(rotated.outs?.password !== outs?.password, "rotated");
  const after = storedAuth(id);
  assert.ok(
    (after?.type === "basic" ? after.password : "") === rotated.outs?.password,
    "Graph has the new one",
  );
  assert.equal(rotated.outs?.connectorId, id, "rotation keeps the connector");

  await outOfBand(emu, "PATCH", `/identity/apiConnectors/${id}`, { targetUrl: "https://evil.example.net/" });
  const drift = await connector.read(id, rotated.outs!);
  assert.equal(drift.props?.targetUrl, "https://evil.example.net/");
  assert.equal(drift.inputs?.password, undefined, "secrets stay out of refreshed inputs");
  assert.equal((await connector.diff(id, drift.props!, { ...inputs, rotationKey: "2026-11" })).changes, true);
  await connector.update(id, drift.props!, { ...inputs, rotationKey: "2026-11" });
  assert.equal(emu.snapshot().apiConnectors[0]?.targetUrl, "https://fn.example.net/api/check");

  await connector.delete(id, rotated.outs!);
  await connector.delete(id, rotated.outs!);
  assert.deepEqual(emu.diffFromSeed(), []);
});

test("basic: a given password is diffed through its salted hash, never stored in plain outputs but `password`", async () => {
  emu.reset();
  const inputs = await checked(connector, {
    connection,
    displayName: "Given",
    targetUrl: "http://127.0.0.1:7071/api/x",
    username: "u",
    password: "s3cret-one",
  });
  const { id, outs } = await connector.create(inputs);
  assert.ok(!String(outs?.credentialHash).includes("s3cret"), "hash, not the secret");
  assert.equal((await connector.diff(id, outs!, inputs)).changes, false);
  assert.equal((await connector.diff(id, outs!, { ...inputs, password: "s3cret-two" })).changes, true);
  assert.equal((await connector.diff(id, outs!, { ...inputs, username: "v" })).changes, true);
  const up = await connector.update(id, outs!, { ...inputs, password: "s3cret-two" });
  const auth = storedAuth(id);
  assert.equal(auth?.type === "basic" ? auth.password : "", "s3cret-two");
  assert.equal((await connector.diff(id, up.outs!, { ...inputs, password: "s3cret-two" })).changes, false);
  await connector.delete(id, up.outs!);
});

test("certificates: create with one, roll over by uploading a second without recreating, switch from basic", async () => {
  emu.reset();
  const a = makePfx("cert-a", "pw-a");
  const b = makePfx("cert-b");
  const inputs = await checked(connector, {
    connection,
    displayName: "Cert",
    targetUrl: "https://fn.example.net/api",
    certificates: [{ pkcs12Base64: a.pkcs12Base64, password: a.password }],
  });
  assert.deepEqual(inputs.thumbprints, [a.thumbprint], "check reads thumbprints from the PFX");
  const { id, outs } = await connector.create(inputs);
  assert.equal(outs?.authType, "certificate");
  assert.deepEqual(outs?.activeThumbprints, [a.thumbprint]);
  assert.equal(outs?.password, undefined);

  const rolled = await checked(connector, {
    ...inputs,
    certificates: [{ pkcs12Base64: a.pkcs12Base64, password: a.password }, { pkcs12Base64: b.pkcs12Base64 }],
  });
  assert.equal((await connector.diff(id, outs!, rolled)).changes, true);
  emu.clearLog();
  const up = await connector.update(id, outs!, rolled);
  assert.deepEqual(up.outs?.activeThumbprints, [a.thumbprint, b.thumbprint]);
  assert.equal(emu.snapshot().apiConnectors.length, 1, "same connector, no recreate");
  assert.equal(emu.log.filter((e) => e.write).length, 1, "one upload");
  assert.equal((await connector.diff(id, up.outs!, rolled)).changes, false);

  // Dropping the old certificate: Graph cannot remove one, so it is reported as stale.
  const onlyB = await checked(connector, { ...inputs, certificates: [{ pkcs12Base64: b.pkcs12Base64 }] });
  const dropped = await connector.update(id, up.outs!, onlyB);
  assert.deepEqual(dropped.outs?.staleThumbprints, [a.thumbprint]);

  // Basic → certificate on an existing connector keeps its id.
  const basic = await connector.create(
    await checked(connector, { connection, displayName: "Switch", targetUrl: "https://x.example.net" }),
  );
  const toCert = await checked(connector, {
    connection,
    displayName: "Switch",
    targetUrl: "https://x.example.net",
    certificates: [{ pkcs12Base64: b.pkcs12Base64 }],
  });
  const switched = await connector.update(basic.id, basic.outs!, toCert);
  assert.equal(switched.outs?.authType, "certificate");
  assert.equal(storedAuth(basic.id)?.type, "certificate");
  await connector.delete(basic.id, switched.outs!);
  await connector.delete(id, dropped.outs!);
  assert.deepEqual(emu.diffFromSeed(), []);
});

test("check: every problem at once, no secret in any message", async () => {
  const r = await connector.check(
    {},
    {
      connection,
      displayName: "",
      targetUrl: "http://fn.example.net/api",
      username: "a:b",
      certificates: [{ pkcs12Base64: "bm90IGEgcGZ4", password: "TopSecretPfxPassword" }],
    },
  );
  const text = (r.failures ?? []).map((f) => f.reason).join("\n");
  assert.match(text, /displayName: required/);
  assert.match(text, /not https — Entra only calls https/);
  assert.match(text, /username: must not contain ':'/);
  assert.match(text, /certificates\[0\]: not a readable PKCS#12/);
  assert.doesNotMatch(text, /TopSecretPfxPassword/);
});

test("adoptExisting: takes over a connector by displayName and sends our credential", async () => {
  emu.reset();
  const existing = (await outOfBand(emu, "POST", "/identity/apiConnectors", {
    displayName: "Legacy",
    targetUrl: "https://old.example.net",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.basicAuthentication",
      username: "old",
      password: "old",
    },
  })) as { id: string };
  const inputs = await checked(connector, {
    connection,
    displayName: "Legacy",
    targetUrl: "https://new.example.net",
    adoptExisting: true,
  });
  const { id, outs } = await connector.create(inputs);
  assert.equal(id, existing.id);
  assert.equal(emu.snapshot().apiConnectors.length, 1);
  const auth = storedAuth(id);
  assert.ok((auth?.type === "basic" ? auth.password : "") === outs?.password, "our credential was sent");
  assert.equal(emu.snapshot().apiConnectors[0]?.targetUrl, "https://new.example.net");
  await connector.delete(id, outs!);
});
