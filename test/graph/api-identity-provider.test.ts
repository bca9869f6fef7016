/**
 * ExtensionApiApplication against the Graph emulator: the five steps in order, the role resolved in the
 * tenant, drift seen and repaired, a new target host moves the identifier URI, an interrupted create is
 * finished on the same application, deletion in reverse order.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import {
  EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
  GRAPH_SP_OBJECT_ID,
} from "../../local/graph-emulator/directorySeed";
import { extensionApiApplicationProvider } from "../../components/graph/providers/api-application";
import { identifierHostOf } from "../../components/graph/providers/api-application-inputs";
import {
  documentedPlaceholderRoleId,
  resolveReceivePayloadRole,
  type V1Api,
} from "../../components/graph/providers/api-application-graph";
import { checked, emulatorWithConnection, outOfBand, type AnyProvider } from "./helpers";

const p = extensionApiApplicationProvider as unknown as AnyProvider;
let emu: GraphEmulator;
let connection: GraphConnection;
before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());
beforeEach(() => emu.reset());

const inputs = (over: Record<string, unknown> = {}) => ({
  connection,
  displayName: "Contoso authentication events API",
  targetUrl: "https://Fn-Contoso.example.net/api/onAttributeCollectionSubmit",
  ...over,
});
const apps = () =>
  emu.snapshot().applications.filter((a) => a.displayName.startsWith("Contoso authentication"));

test("check refuses what Entra cannot call or match: http, a non-default port, a bare host name, credentials in the URL", async () => {
  const reasons = async (targetUrl: string) =>
    ((await p.check({}, inputs({ targetUrl }))).failures ?? []).map((f) => f.reason).join("\n");
  assert.match(await reasons("http://fn.example.net/api/x"), /not https/);
  assert.match(await reasons("https://fn.example.net:8443/api/x"), /port 8443.*443/);
  assert.match(await reasons("https://fnhost/api/x"), /fully qualified/);
  assert.match(await reasons("https://u:p@fn.example.net/api/x"), /user name or password/);
  assert.equal(await reasons("https://fn.example.net:443/api/x"), "", "the default port is the same host");
  assert.equal(
    identifierHostOf("https://FN.Example.NET/x", connection).host,
    "fn.example.net",
    "hosts compare case-insensitively",
  );
  const local = { cloud: "global", baseUrl: "http://127.0.0.1:4000", credential: "emulator" };
  assert.equal(
    identifierHostOf("http://127.0.0.1:7071/api/x", local).host,
    "127.0.0.1",
    "the local stack may use a loopback port; the identifier URI names the host alone",
  );
});

test("create runs the five steps in order, grants the role resolved from Microsoft Graph's service principal, and a second read shows no change", async () => {
  const i = await checked(p, inputs());
  const { id, outs } = await p.create(i);
  const app = emu.snapshot().applications.find((a) => a.id === id)!;
  assert.equal(app.signInAudience, "AzureADMyOrg");
  assert.deepEqual(app.identifierUris, [`api://fn-contoso.example.net/${app.appId}`]);
  assert.equal(app.api.requestedAccessTokenVersion, 2);
  assert.deepEqual(app.requiredResourceAccess, [
    {
      resourceAppId: "00000003-0000-0000-c000-000000000000",
      resourceAccess: [{ id: EMULATED_RECEIVE_PAYLOAD_ROLE_ID, type: "Role" }],
    },
  ]);
  assert.equal(outs?.receivePayloadRoleId, EMULATED_RECEIVE_PAYLOAD_ROLE_ID);
  const sp = emu.snapshot().servicePrincipals.find((s) => s.appId === app.appId)!;
  assert.equal(outs?.servicePrincipalId, sp.id);
  const grant = emu.snapshot().appRoleAssignments.find((a) => a.principalId === sp.id)!;
  assert.equal(grant.resourceId, GRAPH_SP_OBJECT_ID);
  assert.equal(outs?.appRoleAssignmentId, grant.id);

  const writes = emu.log
    .filter((e) => e.write && e.handled)
    .map((e) => `${e.method} ${e.path.replace(/[0-9a-f-]{36}/g, "{id}")}`);
  assert.deepEqual(writes, [
    "POST /applications",
    "POST /servicePrincipals",
    "PATCH /applications/{id}",
    "POST /servicePrincipals/{id}/appRoleAssignedTo",
  ]);
  const listedGrants = emu.log.findIndex((e) => e.method === "GET" && e.path.endsWith("/appRoleAssignments"));
  const posted = emu.log.findIndex((e) => e.method === "POST" && e.path.endsWith("/appRoleAssignedTo"));
  assert.ok(listedGrants >= 0 && listedGrants < posted, "grants are listed before one is posted");
  assert.ok(emu.log.every((e) => e.version === "v1.0"));

  const read = await p.read(id, outs!);
  assert.equal((await p.diff(id, read.props!, i)).changes, false);
});

test("refresh sees a disabled or deleted service principal, a removed grant and a changed identifier URI; update repairs each without a second app", async () => {
  const i = await checked(p, inputs());
  const { id, outs } = await p.create(i);
  const spId = String(outs!.servicePrincipalId);
  const drifts: Array<[string, () => Promise<unknown>]> = [
    [
      "disabled service principal (1003018/1003019)",
      () => outOfBand(emu, "PATCH", `/servicePrincipals/${spId}`, { accountEnabled: false }),
    ],
    [
      "removed grant (1003021)",
      async () => {
        const grant = emu.snapshot().appRoleAssignments.find((a) => a.principalId === spId)!;
        await outOfBand(
          emu,
          "DELETE",
          `/servicePrincipals/${GRAPH_SP_OBJECT_ID}/appRoleAssignedTo/${grant.id}`,
        );
      },
    ],
    [
      "changed identifier URI (1003014/1003015)",
      () =>
        outOfBand(emu, "PATCH", `/applications/${id}`, {
          identifierUris: [`api://elsewhere.example.net/${String(outs!.appId)}`],
        }),
    ],
    [
      "v1 tokens",
      () => outOfBand(emu, "PATCH", `/applications/${id}`, { api: { requestedAccessTokenVersion: 1 } }),
    ],
    [
      "deleted service principal (1003016/1003017)",
      async () => {
        const sp = emu.snapshot().servicePrincipals.find((s) => s.appId === outs!.appId)!;
        await outOfBand(emu, "DELETE", `/servicePrincipals/${sp.id}`);
      },
    ],
  ];
  let state = outs!;
  for (const [what, drift] of drifts) {
    await drift();
    const read = await p.read(id, state);
    assert.equal((await p.diff(id, read.props!, i)).changes, true, `refresh sees the ${what}`);
    state = (await p.update(id, read.props!, i)).outs!;
    const again = await p.read(id, state);
    assert.equal((await p.diff(id, again.props!, i)).changes, false, `repaired: ${what}`);
  }
  assert.equal(apps().length, 1);
  const sp = emu.snapshot().servicePrincipals.find((s) => s.appId === outs!.appId)!;
  assert.equal(sp.accountEnabled, true);
  assert.equal(emu.snapshot().appRoleAssignments.filter((a) => a.principalId === sp.id).length, 1);
});

test("a new target host updates the identifier URI in place (the output changes, the app stays)", async () => {
  const i = await checked(p, inputs());
  const { id, outs } = await p.create(i);
  const moved = await checked(p, inputs({ targetUrl: "https://fn-new.example.net/api/x" }));
  const d = await p.diff(id, outs!, moved);
  assert.equal(d.changes, true);
  assert.deepEqual(d.replaces, []);
  const up = await p.update(id, outs!, moved);
  assert.equal(up.outs?.identifierUri, `api://fn-new.example.net/${String(outs!.appId)}`);
  assert.deepEqual(emu.snapshot().applications.find((a) => a.id === id)?.identifierUris, [
    up.outs?.identifierUri,
  ]);
  emu.clearLog();
  const pathOnly = await checked(p, inputs({ targetUrl: "https://FN-NEW.example.net/api/other" }));
  await p.update(id, up.outs!, pathOnly);
  assert.equal(emu.counts().writes, 0, "same host (any case), other path: nothing to write");
});

test("a create interrupted after the application exists is finished on that application by the rerun, never a second one", async () => {
  const i = await checked(p, inputs());
  emu.faults.add({ method: "POST", path: "^/servicePrincipals$", kind: "status", status: 403, times: 1 });
  await assert.rejects(p.create(i), (e: Error & { id?: string }) => {
    assert.match(e.message, /created but not fully configured/);
    return true;
  });
  assert.equal(apps().length, 1);
  // The engine died before recording the id: the rerun creates again; the ledger proves the app is ours.
  const { id } = await p.create(i);
  assert.equal(apps().length, 1, "no second application");
  assert.equal(apps()[0]?.id, id);
  assert.equal(emu.snapshot().servicePrincipals.filter((s) => s.appId === apps()[0]?.appId).length, 1);
});

test("an application with the same name made by someone else is left alone unless adoptExisting", async () => {
  const theirs = (await outOfBand(emu, "POST", "/applications", {
    displayName: inputs().displayName,
    signInAudience: "AzureADMyOrg",
  })) as { id: string };
  const { id } = await p.create(await checked(p, inputs()));
  assert.notEqual(id, theirs.id);
  await p.delete(
    id,
    (
      await p.read(id, {
        ...inputs(),
        appId: apps().find((a) => a.id === id)!.appId,
        receivePayloadRoleId: EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
      })
    ).props!,
  );
  const adopted = await p.create(await checked(p, inputs({ adoptExisting: true })));
  assert.equal(adopted.id, theirs.id, "adopted by display name and converged");
  assert.equal(adopted.outs?.identifierUri, `api://fn-contoso.example.net/${String(adopted.outs?.appId)}`);
});

test("delete removes the grant, the service principal and the application in that order, back to the seed; works in an external tenant", async () => {
  emu.tenant.set({ tenantType: "CIAM" });
  const { id, outs } = await p.create(await checked(p, inputs()));
  emu.clearLog();
  await p.delete(id, outs!);
  const deletes = emu.log
    .filter((e) => e.method === "DELETE")
    .map((e) =>
      e.path
        .split("/")
        .slice(0, 4)
        .join("/")
        .replace(/[0-9a-f-]{36}/g, "{id}"),
    );
  assert.deepEqual(deletes, [
    "/servicePrincipals/{id}/appRoleAssignedTo",
    "/servicePrincipals/{id}",
    "/applications/{id}",
  ]);
  assert.deepEqual(emu.diffFromSeed(), []);
});

test("the role is never the documentation's placeholder, and a missing or disabled Microsoft Graph service principal is named", async () => {
  const stub = (sp: unknown): V1Api => ({ list: async () => (sp ? [sp] : []) }) as unknown as V1Api;
  const role = (id: string) => ({
    id: "g",
    appId: "00000003-0000-0000-c000-000000000000",
    appRoles: [{ id, value: "CustomAuthenticationExtension.Receive.Payload" }],
  });
  await assert.rejects(resolveReceivePayloadRole(stub(role(documentedPlaceholderRoleId))), /placeholder/);
  await assert.rejects(resolveReceivePayloadRole(stub(undefined)), /missing.*1003022/);
  await assert.rejects(resolveReceivePayloadRole(stub({ ...role("x"), accountEnabled: false })), /disabled/);
  await assert.rejects(
    resolveReceivePayloadRole(stub({ ...role("x"), appRoles: [] })),
    /no enabled app role/,
  );
  assert.equal((await resolveReceivePayloadRole(stub(role("5e1f")))).roleId, "5e1f");
});

test("a missing permission fails with the permission to grant, before the grant is attempted twice", async () => {
  emu.tenant.set({
    grantedRoles: emu.tenant.get().grantedRoles.filter((r) => r !== "AppRoleAssignment.ReadWrite.All"),
  });
  await assert.rejects(
    p.create(await checked(p, inputs())),
    /403 Authorization_RequestDenied on POST \/v1\.0\/servicePrincipals\/[^/]+\/appRoleAssignedTo.*AppRoleAssignment\.ReadWrite\.All and Application\.Read\.All/,
  );
  assert.equal(emu.log.filter((e) => e.method === "POST" && e.path.endsWith("/appRoleAssignedTo")).length, 1);
  assert.equal(apps().length, 1, "the application is recorded (created but not fully configured), not lost");
});
