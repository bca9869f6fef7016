/**
 * Review findings against docs/graph-contract.md, each proven end to end against the emulator: the
 * identity-provider `$ref` POST → PATCH fallback on 405 (docs/graph-contract.md Appendix B #1), `@odata.id`
 * host and version per cloud (docs/graph-contract.md §7.3, §0.4), actionable errors (§0.2, §1.1), secrets
 * kept out of error messages, `adoptExisting: false` never taking over an existing object, and the diff/check
 * rules.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { graphApi } from "../../components/graph/client";
import { isGraphRequestError } from "../../components/graph/errors";
import { userFlowAttributeProvider } from "../../components/graph/providers/attribute";
import { apiConnectorProvider } from "../../components/graph/providers/connector";
import { b2xUserFlowProvider } from "../../components/graph/providers/userflow";
import { userFlowAppAssociationProvider } from "../../components/graph/providers/listener";
import { socialIdentityProviderProvider } from "../../components/graph/providers/social-idp";
import { checked, emulatorWithConnection, outOfBand, type AnyProvider } from "./helpers";

let emu: GraphEmulator;
let connection: GraphConnection;
before(async () => ({ emu, connection } = await emulatorWithConnection()));
after(() => emu.close());

const flow = b2xUserFlowProvider as unknown as AnyProvider;
const attribute = userFlowAttributeProvider as unknown as AnyProvider;
const connector = apiConnectorProvider as unknown as AnyProvider;
const listener = userFlowAppAssociationProvider as unknown as AnyProvider;
const idp = socialIdentityProviderProvider as unknown as AnyProvider;
const idpRefPath = "/userFlowIdentityProviders/\\$ref$";
const requestId = /\(request-id [0-9a-f-]{36}\)/;

test("identity provider link: a 405 on POST $ref falls back to PATCH $ref, end to end", async () => {
  emu.reset();
  emu.faults.add({ method: "POST", path: idpRefPath, kind: "status", status: 405, times: 2 });
  const inputs = await checked(flow, {
    connection,
    name: "Fallback",
    identityProviders: ["AADSignup-OAUTH", "MSASignup-OAUTH", "EmailOtpSignup-OAUTH"],
  });
  const { id, outs } = await flow.create(inputs);
  assert.deepEqual(emu.snapshot().b2xUserFlows[0]?.identityProviderIds, [
    "AADSignup-OAUTH",
    "MSASignup-OAUTH",
    "EmailOtpSignup-OAUTH",
  ]);
  assert.deepEqual(
    emu.log
      .filter((e) => e.path.endsWith("/userFlowIdentityProviders/$ref"))
      .map((e) => [e.method, e.status]),
    [
      ["POST", 405],
      ["PATCH", 204],
      ["POST", 405],
      ["PATCH", 204],
    ],
  );
  const read = await flow.read(id, outs!);
  assert.equal((await flow.diff(id, read.props!, inputs)).changes, false, "converged");
  await flow.delete(id, outs!);
});

test("identity provider link: only 405 falls back; a refused PATCH and other statuses surface with method, path and request-id", async () => {
  emu.reset();
  const inputs = await checked(flow, {
    connection,
    name: "NoFallback",
    identityProviders: ["MSASignup-OAUTH"],
  });
  emu.faults.add({ method: "POST", path: idpRefPath, kind: "status", status: 405 });
  emu.faults.add({ method: "PATCH", path: idpRefPath, kind: "status", status: 405 });
  await assert.rejects(flow.create(inputs), (e: Error) => {
    assert.match(
      e.message,
      /Graph 405 BadRequest on PATCH \/v1\.0\/identity\/b2xUserFlows\/B2X_1_NoFallback\/userFlowIdentityProviders\/\$ref/,
    );
    assert.match(e.message, requestId);
    return true;
  });
  emu.reset();
  emu.faults.add({ method: "POST", path: idpRefPath, kind: "status", status: 400, message: "bad ref" });
  await assert.rejects(flow.create(inputs), /Graph 400 BadRequest on POST .*\$ref .*bad ref/);
  assert.equal(emu.log.filter((e) => e.method === "PATCH").length, 0, "no PATCH attempted after a 400");
});

test("$ref bodies use the call's host and version in every cloud (US Gov: beta; China: v1.0)", async () => {
  for (const [cloud, version] of [
    ["usgov", "beta"],
    ["usgovdod", "beta"],
    ["china", "v1.0"],
  ] as const) {
    emu.reset();
    const conn = { ...connection, cloud };
    const c = await connector.create(
      await checked(connector, { connection: conn, displayName: "C", targetUrl: "https://c.example.net" }),
    );
    const inputs = await checked(flow, {
      connection: conn,
      name: "Cloudy",
      identityProviders: ["MSASignup-OAUTH"],
      apiConnectors: { postAttributeCollection: c.id },
    });
    // The emulator answers 400 unless @odata.id starts with its root and the request's version.
    const f = await flow.create(inputs);
    assert.deepEqual(new Set(emu.log.map((e) => e.version)), new Set([version]), `${cloud}: every call`);
    const stored = emu.snapshot().b2xUserFlows[0];
    assert.equal(stored?.apiConnectorConfiguration.postAttributeCollection, c.id);
    assert.deepEqual(stored?.identityProviderIds, ["MSASignup-OAUTH"]);
    await flow.delete(f.id, f.outs!);
    await connector.delete(c.id, c.outs!);
  }
  assert.equal(
    graphApi({ cloud: "china" }).odataId("/identity/identityProviders/x"),
    "https://microsoftgraph.chinacloudapi.cn/v1.0/identity/identityProviders/x",
  );
  assert.equal(
    graphApi({ cloud: "usgovdod" }).odataId("/identity/apiConnectors/x"),
    "https://dod-graph.microsoft.us/beta/identity/apiConnectors/x",
  );
});

test("errors: a 403 names the missing permission, method, path, code and request-id", async () => {
  emu.reset();
  emu.faults.add({
    method: "POST",
    path: "^/identity/userFlowAttributes$",
    kind: "status",
    status: 403,
    message: "Insufficient privileges to complete the operation.",
  });
  await assert.rejects(
    attribute.create(await checked(attribute, { connection, displayName: "Denied" })),
    (e: Error) => {
      assert.match(
        e.message,
        /^Graph 403 Authorization_RequestDenied on POST \/v1\.0\/identity\/userFlowAttributes \(request-id [0-9a-f-]{36}\): Insufficient privileges to complete the operation\. Fix: the deploying identity lacks IdentityUserFlow\.ReadWrite\.All/,
      );
      return true;
    },
  );
});

test("errors: 'self-service sign-up is not enabled' names the fix (listener with the toggle off; 500 'Unable to find target address')", async () => {
  emu.reset();
  await outOfBand(emu, "POST", "/identity/b2xUserFlows", {
    id: "Off",
    userFlowType: "signUpOrSignIn",
    userFlowTypeVersion: 1,
  });
  const inputs = await checked(listener, { connection, userFlowId: "B2X_1_Off", appIds: [emu.sampleAppId] });
  await assert.rejects(listener.create(inputs), (e: Error) => {
    assert.match(
      e.message,
      /^Graph 400 BadRequest on POST \/beta\/identity\/events\/onSignupStart \(request-id/,
    );
    assert.match(
      e.message,
      /Fix: self-service sign-up is not enabled for the tenant: set selfServiceSignUp\.enabled/,
    );
    return true;
  });
  // What Graph answered EntraExporter when the feature was off (docs/graph-contract.md §1.1): a 500 on the
  // connector list.
  emu.faults.add({
    method: "GET",
    path: "^/identity/apiConnectors$",
    kind: "status",
    status: 500,
    message: "Unable to find target address",
  });
  const err = await graphApi(connection)
    .list("/identity/apiConnectors")
    .catch((e: unknown) => e);
  assert.ok(isGraphRequestError(err));
  assert.match(err.message, /Graph 500 InternalServerError on GET \/v1\.0\/identity\/apiConnectors/);
  assert.match(err.message, /Fix: self-service sign-up is not enabled/);
  // A 400 on the toggle itself that merely names the property is not "sign-up is off".
  emu.faults.add({
    method: "PATCH",
    path: "^/policies/authenticationFlowsPolicy$",
    kind: "status",
    status: 400,
    message: "selfServiceSignUp must be an object",
  });
  const bad = await graphApi(connection)
    .patch("/policies/authenticationFlowsPolicy", { selfServiceSignUp: { isEnabled: true } })
    .catch((e: unknown) => e);
  assert.ok(isGraphRequestError(bad));
  assert.equal(bad.fix, undefined);
});

test("secrets: an error while creating or PATCHing a connector never echoes the password or certificate", async () => {
  emu.reset();
  const first = "first-Pa55word-0123456789";
  const second = "second-Pa55word-9876543210";
  const echo = (p: string) => `Invalid value '${p}' for property 'password'.`;
  const inputs = await checked(connector, {
    connection,
    displayName: "Echo",
    targetUrl: "https://echo.example.net",
    password: first,
  });
  // 400 on a create is "maybe exists" (docs/graph-contract.md §0.5): look-up, retry, and after the last
  // attempt the error.
  emu.faults.add({
    method: "POST",
    path: "^/identity/apiConnectors$",
    kind: "status",
    status: 400,
    message: echo(first),
    times: 4,
  });
  const onCreate = await connector.create(inputs).catch((e: unknown) => e as Error);
  assert.ok(onCreate instanceof Error, "the create failed");
  assert.ok(!onCreate.message.includes(first), onCreate.message);
  assert.match(
    onCreate.message,
    /Graph 400 BadRequest on POST \/v1\.0\/identity\/apiConnectors .*Invalid value '\*\*\*'/,
  );

  const { id, outs } = await connector.create(inputs);
  emu.faults.add({
    method: "PATCH",
    path: "^/identity/apiConnectors/",
    kind: "status",
    status: 400,
    message: echo(second),
  });
  const onPatch = await connector
    .update(id, outs!, await checked(connector, { ...inputs, password: second }))
    .catch((e: unknown) => e);
  assert.ok(isGraphRequestError(onPatch));
  for (const text of [
    onPatch.message,
    onPatch.graphMessage ?? "",
    JSON.stringify(onPatch),
    String(onPatch.stack),
  ]) {
    assert.ok(!text.includes(second), `no password in ${text}`);
    assert.ok(!text.includes(first));
  }
  assert.match(
    onPatch.message,
    new RegExp(`^Graph 400 BadRequest on PATCH /v1\\.0/identity/apiConnectors/${id} `),
  );
  await connector.delete(id, outs!);

  // The same for a social identity provider's client secret.
  const secret = "google-client-secret-abcdef";
  emu.faults.add({
    method: "POST",
    path: "^/identity/identityProviders$",
    kind: "status",
    status: 400,
    message: `clientSecret '${secret}' is malformed`,
    times: 4,
  });
  const onIdp = await idp
    .create(await checked(idp, { connection, type: "Google", clientId: "g", clientSecret: secret }))
    .catch((e: unknown) => e as Error);
  assert.ok(onIdp instanceof Error && !onIdp.message.includes(secret), String(onIdp));
});

test("adoptExisting: false refuses to take over an object someone else made; true adopts it", async () => {
  emu.reset();
  await outOfBand(emu, "POST", "/identity/userFlowAttributes", {
    displayName: "Theirs",
    dataType: "string",
    description: "made in the portal",
  });
  await outOfBand(emu, "POST", "/identity/identityProviders", {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    identityProviderType: "Google",
    clientId: "their-client",
    clientSecret: "their-secret",
  });
  const before = JSON.stringify(emu.snapshot());
  const attrInputs = await checked(attribute, { connection, displayName: "Theirs", description: "ours" });
  await assert.rejects(
    attribute.create(attrInputs),
    /user flow attribute "Theirs" already exists in the tenant .*Fix: set adoptExisting: true/,
  );
  const idpInputs = await checked(idp, {
    connection,
    type: "Google",
    clientId: "ours",
    clientSecret: "ours-secret",
  });
  await assert.rejects(
    idp.create(idpInputs),
    /Google identity provider "Google-OAUTH" already exists .*adoptExisting/,
  );
  assert.equal(JSON.stringify(emu.snapshot()), before, "nothing of theirs was changed");

  const adoptedAttr = await attribute.create({ ...attrInputs, adoptExisting: true });
  assert.equal(emu.snapshot().userFlowAttributes.find((a) => a.id === adoptedAttr.id)?.description, "ours");
  await idp.create({ ...idpInputs, adoptExisting: true });
  assert.equal(emu.snapshot().identityProviders.find((i) => i.id === "Google-OAUTH")?.clientId, "ours");

  // Connector names are not unique in Graph: without adoptExisting a second connector is created.
  await outOfBand(emu, "POST", "/identity/apiConnectors", {
    displayName: "Shared name",
    targetUrl: "https://theirs.example.net",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.basicAuthentication",
      username: "u",
      password: "their-password",
    },
  });
  await connector.create(
    await checked(connector, {
      connection,
      displayName: "Shared name",
      targetUrl: "https://ours.example.net",
    }),
  );
  assert.deepEqual(
    emu
      .snapshot()
      .apiConnectors.map((c) => c.targetUrl)
      .sort(),
    ["https://ours.example.net", "https://theirs.example.net"],
  );
});

test("attribute diff: a name change that keeps the id key (case, whitespace) deletes before replacing; a new name creates first", async () => {
  const olds = await checked(attribute, { connection, displayName: "Shoe size", dataType: "int64" });
  const d = (news: Record<string, unknown>) => attribute.diff("x", olds, { ...olds, ...news });
  assert.deepEqual(await d({ displayName: "shoe size" }), {
    changes: true,
    replaces: ["displayName"],
    deleteBeforeReplace: true,
  });
  assert.equal((await d({ displayName: "ShoeSize" })).deleteBeforeReplace, true);
  assert.deepEqual(await d({ dataType: "string" }), {
    changes: true,
    replaces: ["dataType"],
    deleteBeforeReplace: true,
  });
  assert.deepEqual(await d({ displayName: "Foot size" }), {
    changes: true,
    replaces: ["displayName"],
    deleteBeforeReplace: false,
  });
  assert.deepEqual(await d({ description: "new" }), {
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
});

test("attribute replace on a case-only rename ends with the attribute present (no adopt-then-delete)", async () => {
  emu.reset();
  const olds = await checked(attribute, { connection, displayName: "Hobby" });
  const made = await attribute.create(olds);
  const news = await checked(attribute, { connection, displayName: "hobby" });
  const { deleteBeforeReplace } = await attribute.diff(made.id, made.outs!, news);
  assert.equal(deleteBeforeReplace, true);
  // The engine's order for delete-before-replace.
  await attribute.delete(made.id, made.outs!);
  const replaced = await attribute.create(news);
  assert.equal(emu.snapshot().userFlowAttributes.filter((a) => a.id === replaced.id).length, 1);
  await attribute.delete(replaced.id, replaced.outs!);
});

test("flow diff: input type and identity provider id case are normalised; only `name` replaces, deleting first only when the ids collide", async () => {
  const olds = {
    ...(await checked(flow, {
      connection,
      name: "Case",
      identityProviders: ["AADSignup-OAUTH", "Google-OAUTH"],
      attributes: [{ attributeId: "City", displayName: "City", userInputType: "textBox" }],
    })),
    flowId: "B2X_1_Case",
    converged: true,
    serviceRequiredAttributes: [],
  };
  const news = await checked(flow, {
    connection,
    name: "B2X_1_Case",
    identityProviders: ["google-oauth", "aadsignup-OAuth"],
    attributes: [{ attributeId: "city", displayName: "City", userInputType: "TextBox" }],
  });
  assert.deepEqual(await flow.diff("B2X_1_Case", olds, news), {
    changes: false,
    replaces: [],
    deleteBeforeReplace: false,
  });
  assert.deepEqual(await flow.diff("B2X_1_Case", olds, { ...news, name: "Other" }), {
    changes: true,
    replaces: ["name"],
    deleteBeforeReplace: false,
  });
  assert.deepEqual(await flow.diff("B2X_1_Case", olds, { ...news, name: "CASE" }), {
    changes: true,
    replaces: ["name"],
    deleteBeforeReplace: true,
  });
  assert.deepEqual(await flow.diff("B2X_1_Case", olds, { ...news, connection: { cloud: "china" } }), {
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
});

test("check: a connector reference that is not a string and a listener given a flow name fail with the fix", async () => {
  const f = await flow.check(
    {},
    { connection, name: "Refs", apiConnectors: { postAttributeCollection: 42 } },
  );
  assert.match(
    (f.failures ?? []).map((x) => x.reason).join("\n"),
    /apiConnectors\.postAttributeCollection: 42 is not an API connector id; pass the ApiConnector's connectorId/,
  );
  const l = await listener.check(
    {},
    { connection, userFlowId: "Partner", appIds: [emu.sampleAppId], priority: -1 },
  );
  const reasons = (l.failures ?? []).map((x) => x.reason).join("\n");
  assert.match(reasons, /userFlowId: "Partner" is a flow name, not a flow id; use "B2X_1_Partner"/);
  assert.match(reasons, /priority: -1/, "every problem at once");
  assert.deepEqual(
    (await listener.check({}, { connection, userFlowId: "b2x_1_Partner", appIds: [emu.sampleAppId] }))
      .failures,
    undefined,
  );
});
