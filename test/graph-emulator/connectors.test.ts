/** `/identity/apiConnectors`: masked secrets, HTTPS rule, certificates from a real PFX, delete guard. */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { admin, basicConnector, client, flowBody, makePfx, ref, type TestPfx } from "./helpers";

let emulator: GraphEmulator;
let call: ReturnType<typeof client>;
let pfxA: TestPfx;
let pfxB: TestPfx;

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  call = client(emulator);
  pfxA = makePfx({ cn: "a" });
  pfxB = makePfx({ cn: "b", password: "" });
});
afterEach(() => emulator.reset());
after(() => emulator.close());

const pkcs12 = (p: TestPfx) => ({
  "@odata.type": "#microsoft.graph.pkcs12Certificate",
  pkcs12Value: p.base64,
  password: p.password,
});

test("a Basic connector's password is stored but every response shows ******", async () => {
  const created = await call("POST", "/identity/apiConnectors", basicConnector());
  assert.equal(created.status, 201);
  assert.match(created.body.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(created.body.authenticationConfiguration, {
    "@odata.type": "#microsoft.graph.basicAuthentication",
    username: "entra",
    password: "******",
  });
  const got = await call("GET", `/identity/apiConnectors/${created.body.id}`);
  const listed = await call("GET", "/identity/apiConnectors");
  for (const text of [JSON.stringify(got.body), JSON.stringify(listed.body), JSON.stringify(created.body)]) {
    assert.ok(!text.includes("s3cret-Password!"), "secret leaked");
  }
  assert.equal(emulator.snapshot().apiConnectors[0]?.auth.type, "basic");
});

test("the admin credentials route returns the real Basic secret for the sign-up simulator", async () => {
  const { body } = await call("POST", "/identity/apiConnectors", basicConnector());
  const creds = await admin(emulator, "GET", `connectors/${body.id}/credentials`);
  assert.deepEqual(creds.body, { type: "basic", username: "entra", password: "s3cret-Password!" });
  assert.equal((await admin(emulator, "GET", "connectors/nope/credentials")).status, 404);
});

test("targetUrl must be https, except http on loopback for the local connector host", async () => {
  assert.equal(
    (await call("POST", "/identity/apiConnectors", basicConnector("http://example.com/api"))).status,
    400,
  );
  assert.equal((await call("POST", "/identity/apiConnectors", basicConnector("not a url"))).status, 400);
  assert.equal(
    (await call("POST", "/identity/apiConnectors", basicConnector("http://127.0.0.1:7071/api/x"))).status,
    201,
  );
  assert.equal(
    (await call("POST", "/identity/apiConnectors", basicConnector("http://localhost:7071/api/x"))).status,
    201,
  );
});

test("create validates displayName and the authentication configuration type", async () => {
  assert.equal(
    (await call("POST", "/identity/apiConnectors", { ...basicConnector(), displayName: "" })).status,
    400,
  );
  const readOnly = {
    ...basicConnector(),
    authenticationConfiguration: { "@odata.type": "#microsoft.graph.clientCertificateAuthentication" },
  };
  assert.equal((await call("POST", "/identity/apiConnectors", readOnly)).status, 400);
  const noPassword = {
    ...basicConnector(),
    authenticationConfiguration: { "@odata.type": "#microsoft.graph.basicAuthentication", username: "u" },
  };
  assert.equal((await call("POST", "/identity/apiConnectors", noPassword)).status, 400);
});

test("a pkcs12 connector reads back as clientCertificateAuthentication with the PFX's thumbprint and validity", async () => {
  const created = await call("POST", "/identity/apiConnectors", {
    ...basicConnector(),
    authenticationConfiguration: pkcs12(pfxA),
  });
  assert.equal(created.status, 201);
  const auth = (await call("GET", `/identity/apiConnectors/${created.body.id}`)).body
    .authenticationConfiguration;
  assert.equal(auth["@odata.type"], "#microsoft.graph.clientCertificateAuthentication");
  assert.deepEqual(auth.certificateList, [
    { thumbprint: pfxA.thumbprint, notBefore: pfxA.notBefore, notAfter: pfxA.notAfter, isActive: true },
  ]);
  assert.ok(!JSON.stringify(auth).includes(pfxA.base64.slice(0, 40)));
});

test("an invalid PFX or a wrong PFX password is 400", async () => {
  const wrong = { ...pkcs12(pfxA), password: "nope" };
  assert.equal(
    (
      await call("POST", "/identity/apiConnectors", {
        ...basicConnector(),
        authenticationConfiguration: wrong,
      })
    ).status,
    400,
  );
  const garbage = { ...pkcs12(pfxA), pkcs12Value: Buffer.from("hello").toString("base64") };
  assert.equal(
    (
      await call("POST", "/identity/apiConnectors", {
        ...basicConnector(),
        authenticationConfiguration: garbage,
      })
    ).status,
    400,
  );
  const { body } = await call("POST", "/identity/apiConnectors", basicConnector());
  const upload = await call("POST", `/identity/apiConnectors/${body.id}/uploadClientCertificate`, {
    pkcs12Value: pfxA.base64,
    password: "x",
  });
  assert.equal(upload.status, 400);
});

test("uploads accumulate and the newest valid certificate is the active one", async () => {
  const { body } = await call("POST", "/identity/apiConnectors", basicConnector());
  const first = await call("POST", `/identity/apiConnectors/${body.id}/uploadClientCertificate`, {
    pkcs12Value: pfxA.base64,
    password: pfxA.password,
  });
  assert.equal(first.status, 200);
  assert.equal(
    first.body.authenticationConfiguration["@odata.type"],
    "#microsoft.graph.clientCertificateAuthentication",
  );
  const second = await call("POST", `/identity/apiConnectors/${body.id}/uploadClientCertificate`, {
    pkcs12Value: pfxB.base64,
    password: "",
  });
  const list = second.body.authenticationConfiguration.certificateList;
  assert.deepEqual(
    list.map((c: { thumbprint: string; isActive: boolean }) => [c.thumbprint, c.isActive]),
    [
      [pfxA.thumbprint, false],
      [pfxB.thumbprint, true],
    ],
  );
  const creds = await admin(emulator, "GET", `connectors/${body.id}/credentials`);
  assert.deepEqual(creds.body.thumbprints, [pfxA.thumbprint, pfxB.thumbprint]);
});

test("an expired or not-yet-valid upload does not become active", async () => {
  const expired = makePfx({
    notBefore: new Date(Date.now() - 10 * 86400_000),
    notAfter: new Date(Date.now() - 86400_000),
  });
  const future = makePfx({ notBefore: new Date(Date.now() + 86400_000) });
  const { body } = await call("POST", "/identity/apiConnectors", {
    ...basicConnector(),
    authenticationConfiguration: pkcs12(pfxA),
  });
  await call("POST", `/identity/apiConnectors/${body.id}/uploadClientCertificate`, {
    pkcs12Value: expired.base64,
    password: expired.password,
  });
  const res = await call("POST", `/identity/apiConnectors/${body.id}/uploadClientCertificate`, {
    pkcs12Value: future.base64,
    password: future.password,
  });
  const active = res.body.authenticationConfiguration.certificateList.filter(
    (c: { isActive: boolean }) => c.isActive,
  );
  assert.deepEqual(
    active.map((c: { thumbprint: string }) => c.thumbprint),
    [pfxA.thumbprint],
  );
});

test("PATCH answers 204; a new pkcs12Certificate replaces the list and Basic replaces certificates", async () => {
  const { body } = await call("POST", "/identity/apiConnectors", {
    ...basicConnector(),
    authenticationConfiguration: pkcs12(pfxA),
  });
  await call("POST", `/identity/apiConnectors/${body.id}/uploadClientCertificate`, {
    pkcs12Value: pfxB.base64,
    password: "",
  });
  const patched = await call("PATCH", `/identity/apiConnectors/${body.id}`, {
    authenticationConfiguration: pkcs12(pfxA),
    displayName: "Renamed",
  });
  assert.equal(patched.status, 204);
  const got = (await call("GET", `/identity/apiConnectors/${body.id}`)).body;
  assert.equal(got.displayName, "Renamed");
  assert.deepEqual(
    got.authenticationConfiguration.certificateList.map((c: { thumbprint: string }) => c.thumbprint),
    [pfxA.thumbprint],
  );
  await call("PATCH", `/identity/apiConnectors/${body.id}`, {
    authenticationConfiguration: basicConnector().authenticationConfiguration,
  });
  assert.equal(
    (await call("GET", `/identity/apiConnectors/${body.id}`)).body.authenticationConfiguration.password,
    "******",
  );
  const bad = await call("PATCH", `/identity/apiConnectors/${body.id}`, {
    targetUrl: "http://evil.example.com",
    displayName: "Nope",
  });
  assert.equal(bad.status, 400);
  assert.equal(
    (await call("GET", `/identity/apiConnectors/${body.id}`)).body.displayName,
    "Renamed",
    "a failed PATCH changes nothing",
  );
});

test("a connector still used by a flow cannot be deleted until the step is cleared", async () => {
  const { body } = await call("POST", "/identity/apiConnectors", basicConnector());
  await call("POST", "/identity/b2xUserFlows", flowBody("Partner"));
  const step = "/identity/b2xUserFlows/B2X_1_Partner/apiConnectorConfiguration/postAttributeCollection/$ref";
  assert.equal((await call("PUT", step, ref(emulator, `/identity/apiConnectors/${body.id}`))).status, 204);
  const blocked = await call("DELETE", `/identity/apiConnectors/${body.id}`);
  assert.equal(blocked.status, 400);
  assert.match(blocked.body.error.message, /B2X_1_Partner/);
  assert.equal((await call("PUT", step, {})).status, 204);
  assert.equal((await call("DELETE", `/identity/apiConnectors/${body.id}`)).status, 204);
  assert.equal((await call("GET", `/identity/apiConnectors/${body.id}`)).status, 404);
});
