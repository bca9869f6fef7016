/**
 * The emulated tenant's kind and the caller's permissions: what `/organization` and the token report is
 * what Graph enforces, and the admin route refuses settings it does not know.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { ALL_ROLES, startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { client } from "./helpers";

let emu: GraphEmulator;
let call: ReturnType<typeof client>;

before(async () => {
  emu = await startGraphEmulator();
  call = client(emu);
});
after(async () => {
  await emu?.close();
});
beforeEach(() => emu.reset());

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${emu.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

test("GET /organization reports a workforce tenant by default and the kind set through the admin route", async () => {
  const org = await call("GET", "/organization?$select=id,tenantType");
  assert.equal(org.status, 200);
  assert.deepEqual(org.body.value, [{ id: emu.tenantId, tenantType: "AAD" }]);
  assert.equal((await admin("PATCH", "tenant", { tenantType: "CIAM" })).status, 200);
  assert.equal((await call("GET", "/organization")).body.value[0].tenantType, "CIAM");
});

test("the token endpoint issues the granted roles for the emulated tenant, or refuses like a bad secret", async () => {
  const granted = (await (await admin("POST", "token")).json()) as { access_token: string };
  const claims = claimsOf(granted.access_token);
  assert.equal(claims.tid, emu.tenantId);
  assert.deepEqual(claims.roles, [...ALL_ROLES]);
  emu.tenant.set({ credentialValid: false });
  const refused = await admin("POST", "token");
  assert.equal(refused.status, 401);
  assert.match(((await refused.json()) as { error_description: string }).error_description, /^AADSTS7000215/);
  assert.equal((await call("GET", "/identity/apiConnectors")).status, 401, "Graph refuses every call too");
});

test("a call no granted role allows is a 403; a read-only role allows reads but not writes", async () => {
  emu.tenant.set({ grantedRoles: ["IdentityUserFlow.Read.All"] });
  assert.equal((await call("GET", "/identity/b2xUserFlows")).status, 200);
  const write = await call("POST", "/identity/b2xUserFlows", {
    id: "Partners",
    userFlowType: "signUpOrSignIn",
    userFlowTypeVersion: 1,
  });
  assert.equal(write.status, 403);
  assert.equal(write.body.error.code, "Authorization_RequestDenied");
  assert.equal((await call("GET", "/identity/apiConnectors")).status, 403);
  assert.deepEqual(emu.snapshot().b2xUserFlows, [], "nothing written");
});

test("a B2C or external tenant refuses the B2X surface; a tenant without sign-up has no such segment", async () => {
  emu.tenant.set({ tenantType: "AAD B2C" });
  const b2c = await call("GET", "/identity/b2xUserFlows");
  assert.equal(b2c.status, 403);
  assert.equal(b2c.body.error.code, "AADB2C");
  emu.tenant.set({ tenantType: "AAD", selfServiceSignUpAvailable: false });
  const missing = await call("GET", "/policies/authenticationFlowsPolicy");
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /segment 'authenticationFlowsPolicy'/);
  assert.equal((await call("GET", "/applications")).status, 200, "the directory is still there");
});

test("the admin route refuses unknown settings and bad values, and reset restores the defaults", async () => {
  const unknown = await admin("PATCH", "tenant", { tenantKind: "AAD" });
  assert.equal(unknown.status, 400);
  assert.match(
    ((await unknown.json()) as { error: { message: string } }).error.message,
    /unknown tenant setting 'tenantKind'/,
  );
  assert.equal((await admin("PATCH", "tenant", { tenantType: "B2C" })).status, 400);
  emu.tenant.set({ grantedRoles: [] });
  emu.reset();
  assert.deepEqual(emu.tenant.get().grantedRoles, [...ALL_ROLES]);
});
