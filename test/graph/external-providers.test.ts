/**
 * The AuthenticationEventsFlow and CustomAuthenticationExtension providers against the emulator playing
 * an external tenant: preview refusals with key path, value and fix; the three attach variants with
 * fallback and refusal; clientConfiguration PATCH applied / ignored / refused; validation; adopt; faults.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import type { GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";
import { authenticationEventsFlowProvider } from "../../components/graph/providers/events-flow";
import { customAuthenticationExtensionProvider } from "../../components/graph/providers/custom-extension";
import { apiHost, apiServicePrincipalId, externalEmulator } from "./external-helpers";
import { checked, outOfBand, type AnyProvider } from "./helpers";

const flows = authenticationEventsFlowProvider as unknown as AnyProvider;
const exts = customAuthenticationExtensionProvider as unknown as AnyProvider;
const googleGuid = "0c3a5e7b-1d2f-4a6b-9c8d-7e6f5a4b3c2d";

let emu: GraphEmulator;
let connection: GraphConnection;
let resourceId: string;
let close: () => Promise<void>;

before(async () => {
  // The tenant's Google provider has a tenant-scoped GUID id, as a community script reports.
  const google = {
    id: googleGuid,
    kind: "social",
    displayName: "Google",
    identityProviderType: "Google",
    clientId: "g",
    clientSecret: "s",
  };
  ({ emu, connection, resourceId, close } = await externalEmulator(true, {
    identityProviders: [
      {
        id: "EmailOtpSignup-OAUTH",
        kind: "builtIn",
        displayName: "Email OTP",
        identityProviderType: "EmailOTP",
      },
      google,
    ],
  }));
});
after(() => close());
afterEach(async () => {
  // Tear down through the providers, in dependency order, so every test starts from an empty tenant.
  const snap = emu.snapshot();
  for (const f of snap.authenticationEventsFlows)
    await flows.delete(f.id, { connection, includeApplications: [], wiring: {} });
  for (const l of snap.attributeCollectionListeners)
    await outOfBand(emu, "DELETE", `/identity/authenticationEventListeners/${l.id}`, undefined, "beta");
  for (const e of emu.snapshot().customAuthenticationExtensions) await exts.delete(e.id, { connection });
  emu.faults.clear();
  emu.tenant.set({
    attachVariants: ["betaRef", "betaListener", "v1Patch"],
    extensionClientConfigurationPatch: "apply",
  });
  emu.clearLog();
});

const ext = (eventType: string, extra: Record<string, unknown> = {}) => ({
  connection,
  displayName: `ext ${eventType}`,
  eventType,
  targetUrl: `https://${apiHost}/api/${eventType}`,
  resourceId,
  ...extra,
});
const flow = (extra: Record<string, unknown> = {}) => ({
  connection,
  displayName: "Customers",
  identityProviderIds: ["EmailPassword-OAUTH"],
  attributes: [
    { id: "email", displayName: "Email Address", dataType: "string", userFlowAttributeType: "builtIn" },
    { id: "city", displayName: "City", dataType: "string", userFlowAttributeType: "builtIn" },
  ],
  inputs: [
    { attribute: "email", label: "Email", inputType: "Text", hidden: true },
    { attribute: "city", label: "City", inputType: "text" },
  ],
  ...extra,
});
const failures = async (p: AnyProvider, news: Record<string, unknown>, olds: Record<string, unknown> = {}) =>
  ((await p.check(olds, news)).failures ?? []).map((f) => `${f.property} | ${f.reason}`);

test("extension preview refuses what Entra would fail on (1003020, 1003014, 1003015, timeout, retries), naming key, value and fix", async () => {
  const got = await failures(
    exts,
    ext("attributeCollectionSubmit", {
      targetUrl: "http://fn.example.net/api",
      resourceId: "api://fn.example.net/not-an-app-id",
      timeoutInMilliseconds: 5000,
      maximumRetries: 2,
      claimsForTokenConfiguration: ["x"],
    }),
  );
  assert.equal(got.length, 5, got.join("\n"));
  assert.match(got[0]!, /^targetUrl \| .*not https.*1003020/);
  assert.match(got[1]!, /^resourceId \| .*"api:\/\/fn.example.net\/not-an-app-id".*1003014.*Fix: use/);
  assert.match(got[2]!, /^timeoutInMilliseconds \| .*5000.*200–2000.*Fix/);
  assert.match(got[3]!, /^maximumRetries \| .*2 must be 0 or 1/);
  assert.match(got[4]!, /^claimsForTokenConfiguration \| .*only a tokenIssuanceStart/);
  const host = await failures(
    exts,
    ext("attributeCollectionStart", { targetUrl: "https://moved.example.net/api" }),
  );
  assert.match(host.join(), /resourceId \| .*"fn.example.net".*"moved.example.net".*1003015/);
  const port = await failures(
    exts,
    ext("attributeCollectionStart", { targetUrl: `https://${apiHost}:8443/api` }),
  );
  assert.match(port.join(), /non-default port 8443/);
  // Plain http on loopback only because the connection is the loopback emulator.
  const loop = await failures(
    exts,
    ext("attributeCollectionStart", {
      targetUrl: "http://127.0.0.1:7071/api",
      resourceId: `api://127.0.0.1/${emu.sampleAppId}`,
    }),
  );
  assert.deepEqual(loop, []);
  const real = await failures(exts, {
    ...ext("attributeCollectionStart", { targetUrl: "http://127.0.0.1/api" }),
    connection: { cloud: "global" },
  });
  assert.match(real.join(), /plain http on a loopback host, but this stack talks to a real Graph/);
});

test("flow preview refuses an app already in another flow (naming it), a Start extension in the Submit slot, and a page input outside the attributes; it names removed inputs", async () => {
  await outOfBand(emu, "POST", "/identity/authenticationEventsFlows", {
    "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
    displayName: "Portal made",
    onInteractiveAuthFlowStart: {
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
    },
    onAuthenticationMethodLoadStart: {
      "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
      identityProviders: [{ id: "EmailPassword-OAUTH" }],
    },
    conditions: { applications: { includeApplications: [{ appId: emu.sampleAppId }] } },
  });
  const start = await exts.create(await checked(exts, ext("attributeCollectionStart")));
  const got = await failures(
    flows,
    flow({ includeApplications: [emu.sampleAppId], onAttributeCollectionSubmitExtensionId: start.id }),
  );
  assert.match(
    got.join("\n"),
    /includeApplications \| includeApplications\[0\]: application .* is already in user flow "Portal made" \(.*\); an application can be in only one user flow\. Fix/,
  );
  assert.match(
    got.join("\n"),
    /onAttributeCollectionSubmitExtensionId \| .*onAttributeCollectionStartCustomExtension.*1003012/,
  );
  const stray = flow();
  stray.inputs.push({ attribute: "surname", label: "Surname", inputType: "text" });
  assert.match(
    (await failures(flows, stray)).join(),
    /inputs\[2\]\.attribute: "surname" is not one of the flow's attributes/,
  );
  const dropped = await flows.check(
    flow(),
    flow({ inputs: [{ attribute: "email", label: "Email", inputType: "text" }] }),
  );
  assert.deepEqual(dropped.inputs?.removedPageInputs, ["city (City)"]);
});

for (const variant of ["betaRef", "betaListener", "v1Patch"] as const) {
  test(`attach variant ${variant}: wired and read back when the tenant serves only it, unwired on update`, async () => {
    emu.tenant.set({ attachVariants: [variant] });
    const submit = await exts.create(await checked(exts, ext("attributeCollectionSubmit")));
    const inputs = await checked(
      flows,
      flow({
        attachVariant: variant,
        onAttributeCollectionSubmitExtensionId: submit.id,
        includeApplications: [emu.sampleAppId],
      }),
    );
    const made = await flows.create(inputs);
    const wiring = made.outs?.wiring as Record<string, { via: string; extensionId: string }>;
    assert.equal(wiring.onAttributeCollectionSubmit?.via, variant);
    const read = await flows.read(made.id, made.outs!);
    assert.equal(read.inputs?.onAttributeCollectionSubmitExtensionId, submit.id, "read back");
    if (variant === "betaListener")
      assert.deepEqual(emu.snapshot().attributeCollectionListeners[0]?.includeApplications, [
        emu.sampleAppId,
      ]);
    else assert.equal(emu.snapshot().authenticationEventsFlows[0]?.onAttributeCollectionSubmit, submit.id);
    const { onAttributeCollectionSubmitExtensionId: _s, ...off } = inputs;
    const updated = await flows.update(made.id, made.outs!, off);
    assert.deepEqual(updated.outs?.wiring, {});
    assert.equal(emu.snapshot().authenticationEventsFlows[0]?.onAttributeCollectionSubmit, null);
    assert.deepEqual(emu.snapshot().attributeCollectionListeners, []);
    await exts.delete(submit.id, submit.outs!);
  });
}

test("a variant the tenant refuses falls back to one it serves; when it serves none, the flow is kept half-made with every variant's answer", async () => {
  emu.tenant.set({ attachVariants: ["v1Patch"] });
  const submit = await exts.create(await checked(exts, ext("attributeCollectionSubmit")));
  const made = await flows.create(
    await checked(flows, flow({ onAttributeCollectionSubmitExtensionId: submit.id })),
  );
  assert.equal(
    (made.outs?.wiring as Record<string, { via: string }>).onAttributeCollectionSubmit?.via,
    "v1Patch",
  );
  await flows.delete(made.id, made.outs!);
  emu.tenant.set({ attachVariants: [] });
  await assert.rejects(
    flows.create(await checked(flows, flow({ onAttributeCollectionSubmitExtensionId: submit.id }))),
    (e: Error) =>
      /was created but not fully configured/.test(e.message) &&
      /betaRef: .*betaListener: .*v1Patch: .*Fix: set attachVariant/.test(e.message),
  );
  assert.equal(emu.snapshot().authenticationEventsFlows.length, 1, "the flow is recorded, not duplicated");
});

test("an extension still wired to a flow is not deleted (1003011); the flow unwires first", async () => {
  const start = await exts.create(await checked(exts, ext("attributeCollectionStart")));
  const made = await flows.create(
    await checked(flows, flow({ onAttributeCollectionStartExtensionId: start.id })),
  );
  await assert.rejects(exts.delete(start.id, start.outs!), /still wired.*1003011.*Fix/);
  await flows.delete(made.id, made.outs!);
  await exts.delete(start.id, start.outs!);
  assert.deepEqual(emu.snapshot().customAuthenticationExtensions, []);
});

for (const mode of ["apply", "ignore", "refuse"] as const) {
  test(`clientConfiguration PATCH that Graph ${mode === "apply" ? "applies keeps the extension" : `${mode}s replaces the extension`}`, async () => {
    emu.tenant.set({ extensionClientConfigurationPatch: mode });
    const made = await exts.create(await checked(exts, ext("attributeCollectionSubmit")));
    const news = await checked(
      exts,
      ext("attributeCollectionSubmit", { timeoutInMilliseconds: 400, maximumRetries: 0 }),
    );
    const { outs } = await exts.update(made.id, made.outs!, news);
    const stored = emu.snapshot().customAuthenticationExtensions;
    assert.equal(stored.length, 1, "no leftover extension");
    assert.equal(stored[0]?.timeoutInMilliseconds, 400);
    assert.equal(stored[0]?.maximumRetries, 0);
    assert.equal(outs?.extensionId, stored[0]?.id);
    assert.equal(outs?.extensionId === made.id, mode === "apply");
    const read = await exts.read(made.id, outs!);
    assert.equal(read.inputs?.timeoutInMilliseconds, 400, "read back from the current id");
  });
}

test("validation: missing consent fails the create with 'consent missing', a missing service principal with its code", async () => {
  const noConsent = await externalEmulator(false);
  try {
    const c = { ...ext("attributeCollectionSubmit"), connection: noConsent.connection };
    await assert.rejects(
      exts.create(await checked(exts, c)),
      /PermissionNotGrantedToServicePrincipal.*consent missing.*1003021/,
    );
    // Without the API's service principal (deleted in the portal) Entra cannot get a token for it.
    await outOfBand(noConsent.emu, "DELETE", `/servicePrincipals/${apiServicePrincipalId}`);
    await assert.rejects(exts.create(await checked(exts, c)), /ServicePrincipalNotFound.*1003016/);
  } finally {
    await noConsent.close();
  }
});

test("identity providers: a new one is added before the old is removed, and a social provider's tenant-scoped id is resolved by type", async () => {
  const made = await flows.create(await checked(flows, flow()));
  emu.clearLog();
  const news = await checked(flows, flow({ identityProviderIds: ["Google-OAUTH"] }));
  await flows.update(made.id, made.outs!, news);
  const writes = emu.log.filter((e) => e.write && /identityProviders/.test(e.path)).map((e) => e.method);
  assert.deepEqual(writes, ["POST", "DELETE"]);
  assert.deepEqual(emu.snapshot().authenticationEventsFlows[0]?.identityProviderIds, [googleGuid]);
  const read = await flows.read(made.id, { ...made.outs!, ...news });
  assert.deepEqual(read.inputs?.identityProviderIds, ["Google-OAUTH"], "no drift from the id form");
});

test("adoptExisting: a flow of the same name is a conflict without it and is taken over and converged with it", async () => {
  const other = (await outOfBand(emu, "POST", "/identity/authenticationEventsFlows", {
    "@odata.type": "#microsoft.graph.externalUsersSelfServiceSignUpEventsFlow",
    displayName: "Customers",
    onInteractiveAuthFlowStart: {
      "@odata.type": "#microsoft.graph.onInteractiveAuthFlowStartExternalUsersSelfServiceSignUp",
      isSignUpAllowed: false,
    },
    onAuthenticationMethodLoadStart: {
      "@odata.type": "#microsoft.graph.onAuthenticationMethodLoadStartExternalUsersSelfServiceSignUp",
      identityProviders: [{ id: "EmailOtpSignup-OAUTH" }],
    },
    onAttributeCollection: {
      "@odata.type": "#microsoft.graph.onAttributeCollectionExternalUsersSelfServiceSignUp",
      attributes: [{ id: "email" }],
      attributeCollectionPage: {
        views: [{ inputs: [{ attribute: "email", label: "E-mail", inputType: "text" }] }],
      },
    },
  })) as { id: string };
  await assert.rejects(flows.create(await checked(flows, flow())), /already exists.*adoptExisting: true/);
  const adopted = await flows.create(await checked(flows, flow({ adoptExisting: true })));
  assert.equal(adopted.id, other.id);
  const f = emu.snapshot().authenticationEventsFlows[0]!;
  assert.equal(f.isSignUpAllowed, true);
  assert.deepEqual(f.identityProviderIds, ["EmailPassword-OAUTH"]);
  assert.deepEqual(
    f.inputs.map((i) => [i.attribute, i.label]),
    [
      ["email", "Email"],
      ["city", "City"],
    ],
  );
});

test("throttling and 5xx are retried, and a create whose answer was lost is not duplicated", async () => {
  emu.faults.add({ method: "POST", path: "^/identity/authenticationEventsFlows$", kind: "createThenFail" });
  emu.faults.add({
    method: "GET",
    path: "^/identity/authenticationEventsFlows/",
    kind: "throttle",
    times: 2,
  });
  emu.faults.add({ method: "POST", path: "/attributes/\\$ref$", kind: "unavailable" });
  const made = await flows.create(await checked(flows, flow()));
  const news = await checked(
    flows,
    flow({
      attributes: [
        ...flow().attributes,
        { id: "surname", displayName: "Surname", dataType: "string", userFlowAttributeType: "builtIn" },
      ],
      inputs: [...flow().inputs, { attribute: "surname", label: "Surname", inputType: "text" }],
    }),
  );
  emu.faults.add({ method: "PATCH", path: "^/identity/authenticationEventsFlows/", kind: "gatewayTimeout" });
  await flows.update(made.id, made.outs!, news);
  const snap = emu.snapshot().authenticationEventsFlows;
  assert.equal(snap.length, 1);
  assert.deepEqual(
    snap[0]?.inputs.map((i) => i.attribute),
    ["email", "city", "surname"],
  );
});

test("refresh of an extension reads everything back: an out-of-band change of URL and timeout is drift", async () => {
  const made = await exts.create(await checked(exts, ext("attributeCollectionStart")));
  await outOfBand(emu, "PATCH", `/identity/customAuthenticationExtensions/${made.id}`, {
    "@odata.type": "#microsoft.graph.onAttributeCollectionStartCustomExtension",
    endpointConfiguration: {
      "@odata.type": "#microsoft.graph.httpRequestEndpoint",
      targetUrl: "https://elsewhere.example.net/x",
    },
    clientConfiguration: { timeoutInMilliseconds: 2000, maximumRetries: 0 },
  });
  const read = await exts.read(made.id, made.outs!);
  assert.equal(read.inputs?.targetUrl, "https://elsewhere.example.net/x");
  assert.equal(read.inputs?.timeoutInMilliseconds, 2000);
  assert.equal(read.inputs?.maximumRetries, 0);
  const diff = await exts.diff(made.id, read.props!, await checked(exts, ext("attributeCollectionStart")));
  assert.equal(diff.changes, true);
  assert.deepEqual(diff.replaces, []);
});

test("a new event type replaces the extension (created first); the same inputs are no change", async () => {
  const made = await exts.create(await checked(exts, ext("attributeCollectionStart")));
  const same = await exts.diff(made.id, made.outs!, await checked(exts, ext("attributeCollectionStart")));
  assert.equal(same.changes, false);
  const retyped = await exts.diff(made.id, made.outs!, await checked(exts, ext("attributeCollectionSubmit")));
  assert.deepEqual(retyped.replaces, ["eventType"]);
  assert.equal(retyped.deleteBeforeReplace, false);
});

test("applications move between flows (removed from one, then added to the other), and a betaListener wiring follows the flow's apps", async () => {
  emu.tenant.set({ attachVariants: ["betaListener"] });
  const submit = await exts.create(await checked(exts, ext("attributeCollectionSubmit")));
  const a = await flows.create(
    await checked(
      flows,
      flow({ includeApplications: [emu.sampleAppId], onAttributeCollectionSubmitExtensionId: submit.id }),
    ),
  );
  assert.deepEqual(emu.snapshot().attributeCollectionListeners[0]?.includeApplications, [emu.sampleAppId]);
  const b = await flows.create(await checked(flows, flow({ displayName: "Partners" })));
  // While A holds the app, B may not take it; after A lets it go, B can.
  assert.match(
    (await failures(flows, flow({ displayName: "Partners", includeApplications: [emu.sampleAppId] }))).join(),
    /already in user flow "Customers"/,
  );
  const aNews = await checked(
    flows,
    flow({ onAttributeCollectionSubmitExtensionId: submit.id, attachVariant: "betaListener" }),
  );
  await flows.update(a.id, a.outs!, aNews);
  assert.deepEqual(
    emu.snapshot().attributeCollectionListeners[0]?.includeApplications,
    [],
    "listener follows",
  );
  const bNews = await checked(
    flows,
    flow({ displayName: "Partners", includeApplications: [emu.sampleAppId] }),
  );
  await flows.update(b.id, b.outs!, bNews);
  const snap = emu.snapshot().authenticationEventsFlows;
  assert.deepEqual(snap.find((f) => f.id === b.id)?.includeApplications, [emu.sampleAppId]);
  assert.deepEqual(snap.find((f) => f.id === a.id)?.includeApplications, []);
});

test("an extension create whose answer was lost, then throttled validation, leaves exactly one validated extension", async () => {
  emu.faults.add({
    method: "POST",
    path: "^/identity/customAuthenticationExtensions$",
    kind: "createThenFail",
  });
  emu.faults.add({
    method: "POST",
    path: "/validateAuthenticationConfiguration$",
    kind: "throttle",
    times: 2,
  });
  const made = await exts.create(await checked(exts, ext("attributeCollectionSubmit")));
  assert.equal(made.outs?.validated, true);
  assert.deepEqual(
    emu.snapshot().customAuthenticationExtensions.map((e) => e.id),
    [made.id],
  );
});
