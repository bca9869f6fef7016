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
import { setNoticeSink } from "../../components/graph/providers/adopt-secrets";

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

/** A Basic connector made by hand (outside any stack). */
async function handMadeBasic(displayName: string, username: string, password: string, targetUrl: string) {
  return (await outOfBand(emu, "POST", "/identity/apiConnectors", {
    displayName,
    targetUrl,
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.basicAuthentication",
      username,
      password,
    },
  })) as { id: string };
}

const writes = () => emu.log.filter((l) => l.write).map((l) => `${l.method} ${l.path}`);
const graphPassword = (id: string) => {
  const auth = storedAuth(id);
  return auth?.type === "basic" ? auth.password : "";
};

test("adoptExisting with a given password: trusted as the connector's (0 writes, one notice), a later change is one PATCH", async () => {
  emu.reset();
  const existing = await handMadeBasic(
    "Hand",
    "entra-connector",
    "hand-made-1",
    "https://api.example.net/pac",
  );
  const inputs = await checked(connector, {
    connection,
    displayName: "Hand",
    targetUrl: "https://api.example.net/pac",
    username: "entra-connector",
    password: "hand-made-1",
    adoptExisting: true,
  });
  const notices: string[] = [];
  const previous = setNoticeSink((line) => notices.push(line));
  emu.clearLog();
  const { id, outs } = await connector.create(inputs).finally(() => setNoticeSink(previous));
  assert.equal(id, existing.id);
  assert.deepEqual(writes(), [], "adopting with the password it holds writes nothing");
  assert.equal(notices.length, 1);
  assert.match(
    notices[0]!,
    /adopted API connector "Hand" with the Basic password .*entra-signup:adoptSecrets: write/,
  );
  assert.ok(!notices[0]!.includes("hand-made-1"), "the notice never holds the secret");
  assert.equal(outs?.passwordAdopted, true);
  assert.equal((await connector.diff(id, outs!, inputs)).changes, false, "recorded as if sent");

  const changed = { ...inputs, password: "changed-2" };
  assert.equal((await connector.diff(id, outs!, changed)).changes, true);
  emu.clearLog();
  const up = await connector.update(id, outs!, changed);
  assert.deepEqual(writes(), [`PATCH /identity/apiConnectors/${id}`]);
  assert.ok(graphPassword(id) === "changed-2", "Graph holds the changed password");
  assert.equal(up.outs?.passwordAdopted, undefined, "sent now, no longer adopted as given");
  assert.equal((await connector.diff(id, up.outs!, changed)).changes, false);
  assert.equal((await connector.diff(id, up.outs!, { ...changed, adoptSecrets: "write" })).changes, false);
});

test("adoptSecrets: write sends the given password once, at adopt or after an adopt that trusted it", async () => {
  emu.reset();
  await handMadeBasic("AtAdopt", "u", "old-1", "https://api.example.net/a");
  const atAdopt = await checked(connector, {
    connection,
    displayName: "AtAdopt",
    targetUrl: "https://api.example.net/a",
    username: "u",
    password: "given-1",
    adoptExisting: true,
    adoptSecrets: "write",
  });
  emu.clearLog();
  const a = await connector.create(atAdopt);
  assert.deepEqual(writes(), [`PATCH /identity/apiConnectors/${a.id}`]);
  assert.ok(graphPassword(a.id) === "given-1");
  assert.equal(a.outs?.passwordAdopted, undefined);

  const later = await handMadeBasic("Later", "u", "hand-2", "https://api.example.net/b");
  const trusted = await checked(connector, {
    connection,
    displayName: "Later",
    targetUrl: "https://api.example.net/b",
    username: "u",
    password: "given-2",
    adoptExisting: true,
  });
  const previous = setNoticeSink(() => undefined);
  const b = await connector.create(trusted).finally(() => setNoticeSink(previous));
  assert.ok(graphPassword(later.id) === "hand-2", "trusted: not sent (and here it differed)");
  const write = { ...trusted, adoptSecrets: "write" };
  assert.equal((await connector.diff(b.id, b.outs!, write)).changes, true);
  emu.clearLog();
  const sent = await connector.update(b.id, b.outs!, write);
  assert.deepEqual(writes(), [`PATCH /identity/apiConnectors/${b.id}`]);
  assert.ok(graphPassword(later.id) === "given-2", "sent once");
  assert.equal((await connector.diff(b.id, sent.outs!, write)).changes, false, "and only once");
});

test("adoptExisting writes what Graph shows differently: another user name or a generated password sends the credential, another URL only the URL", async () => {
  emu.reset();
  const previous = setNoticeSink(() => undefined);
  try {
    const user = await handMadeBasic("User", "old-user", "hand-1", "https://api.example.net/u");
    await connector.create(
      await checked(connector, {
        connection,
        displayName: "User",
        targetUrl: "https://api.example.net/u",
        username: "new-user",
        password: "given-1",
        adoptExisting: true,
      }),
    );
    assert.ok(graphPassword(user.id) === "given-1", "a changed user name sends the credential");

    const url = await handMadeBasic("Url", "u", "hand-2", "https://old.example.net/x");
    emu.clearLog();
    const adopted = await connector.create(
      await checked(connector, {
        connection,
        displayName: "Url",
        targetUrl: "https://new.example.net/x",
        username: "u",
        password: "hand-2",
        adoptExisting: true,
      }),
    );
    assert.deepEqual(writes(), [`PATCH /identity/apiConnectors/${url.id}`]);
    assert.equal(
      emu.snapshot().apiConnectors.find((c) => c.id === url.id)?.targetUrl,
      "https://new.example.net/x",
    );
    assert.equal(
      adopted.outs?.passwordAdopted,
      true,
      "the URL alone was written; the password stays adopted",
    );

    const generated = await handMadeBasic("Generated", "entra-signup", "hand-3", "https://api.example.net/g");
    const g = await connector.create(
      await checked(connector, {
        connection,
        displayName: "Generated",
        targetUrl: "https://api.example.net/g",
        adoptExisting: true,
      }),
    );
    assert.ok(graphPassword(generated.id) === g.outs?.password, "a generated password is always sent");
    assert.equal(g.outs?.passwordAdopted, undefined);
  } finally {
    setNoticeSink(previous);
  }
});

test("adoptExisting on a certificate connector compares thumbprints: the same certificate writes nothing, another is uploaded", async () => {
  emu.reset();
  const pfx = makePfx("adopt-cert");
  const existing = (await outOfBand(emu, "POST", "/identity/apiConnectors", {
    displayName: "Cert",
    targetUrl: "https://api.example.net/c",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.pkcs12Certificate",
      pkcs12Value: pfx.pkcs12Base64,
      password: pfx.password,
    },
  })) as { id: string };
  const same = await checked(connector, {
    connection,
    displayName: "Cert",
    targetUrl: "https://api.example.net/c",
    certificates: [{ pkcs12Base64: pfx.pkcs12Base64, password: pfx.password }],
    adoptExisting: true,
  });
  const notices: string[] = [];
  const previous = setNoticeSink((line) => notices.push(line));
  emu.clearLog();
  const { id, outs } = await connector.create(same).finally(() => setNoticeSink(previous));
  assert.equal(id, existing.id);
  assert.deepEqual(writes(), []);
  assert.deepEqual(notices, [], "a certificate is compared, never trusted");
  assert.deepEqual(outs?.activeThumbprints, [pfx.thumbprint]);

  emu.reset();
  await outOfBand(emu, "POST", "/identity/apiConnectors", {
    displayName: "Cert",
    targetUrl: "https://api.example.net/c",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.pkcs12Certificate",
      pkcs12Value: pfx.pkcs12Base64,
      password: pfx.password,
    },
  });
  const next = makePfx("adopt-cert-2");
  emu.clearLog();
  const rolled = await connector.create(
    await checked(connector, {
      ...same,
      certificates: [{ pkcs12Base64: next.pkcs12Base64, password: next.password }],
    }),
  );
  assert.deepEqual(
    writes().map((w) => w.replace(/apiConnectors\/[^/]+/, "apiConnectors/{id}")),
    ["POST /identity/apiConnectors/{id}/uploadClientCertificate"],
  );
  assert.ok(
    rolled.outs?.activeThumbprints && (rolled.outs.activeThumbprints as string[]).includes(next.thumbprint),
  );
});
