/**
 * Pure parts of the Graph layer: connection rules, clouds and versions, error messages and fixes,
 * back-off, set/order planning (property-based), certificate and credential helpers.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { validateConnection } from "../../components/graph/connection";
import { isLoopbackUrl } from "../../contract/url";
import { apiVersionFor, cloudEndpoints, graphRootFor } from "../../components/graph/clouds";
import { GraphRequestError, permissionFor } from "../../components/graph/errors";
import { isRetryableStatus, retryDelayMs } from "../../components/graph/retry";
import { withTenantSlot, peakInFlight } from "../../components/graph/concurrency";
import { compact, isUnknown, unknownValue } from "../../components/graph/providers/common";
import { extensionsAppIdFromAttributeId } from "../../components/graph/providers/attribute";
import {
  certificatesToUpload,
  credentialHash,
  readPfx,
  staleThumbprints,
} from "../../components/graph/providers/connector-credential";
import { validateTargetUrl } from "../../components/graph/providers/connector-inputs";
import {
  canonicalInputType,
  flowIdOf,
  planAssignments,
  planConnectors,
  planIdentityProviders,
  planOrder,
  type Assignment,
} from "../../components/graph/providers/userflow-parts";
import { makePfx } from "./helpers";

test("connection: loopback-only emulator credential and plain http; every cloud accepted", () => {
  assert.deepEqual(validateConnection({ cloud: "global" }), []);
  for (const cloud of ["global", "usgov", "usgovdod", "china"])
    assert.deepEqual(validateConnection({ cloud, tenantId: "contoso.onmicrosoft.com" }), []);
  assert.deepEqual(
    validateConnection({ cloud: "global", baseUrl: "http://127.0.0.1:4000", credential: "emulator" }),
    [],
  );
  assert.match(
    validateConnection({
      cloud: "global",
      baseUrl: "https://graph.microsoft.com",
      credential: "emulator",
    }).join(),
    /needs a loopback baseUrl/,
  );
  assert.match(
    validateConnection({ cloud: "global", baseUrl: "http://graph.example.net" }).join(),
    /plain http is only allowed/,
  );
  assert.match(
    validateConnection({ cloud: "global", baseUrl: "https://graph.microsoft.com/v1.0" }).join(),
    /no version, no path/,
  );
  assert.match(validateConnection({ cloud: "global", tenantId: "not a tenant" }).join(), /tenantId/);
  assert.equal(validateConnection(undefined).length, 1);
  assert.ok(
    isLoopbackUrl("http://[::1]:80/") &&
      isLoopbackUrl("http://localhost:1") &&
      !isLoopbackUrl("http://127.example.net"),
  );
});

test("clouds: Graph root and .default scope per cloud; US Gov gets beta for the whole B2X surface; listener beta everywhere", () => {
  assert.equal(cloudEndpoints.usgovdod.scope, "https://dod-graph.microsoft.us/.default");
  assert.equal(cloudEndpoints.china.graphRoot, "https://microsoftgraph.chinacloudapi.cn");
  assert.equal(cloudEndpoints.usgov.authorityHost, "https://login.microsoftonline.us");
  assert.deepEqual(
    (["global", "usgov", "usgovdod", "china"] as const).map((c) => [
      apiVersionFor(c, "b2x"),
      apiVersionFor(c, "listener"),
    ]),
    [
      ["v1.0", "beta"],
      ["beta", "beta"],
      ["beta", "beta"],
      ["v1.0", "beta"],
    ],
  );
  assert.equal(graphRootFor("global", "http://127.0.0.1:9/"), "http://127.0.0.1:9");
});

test("errors name method, path, status, code, request-id and the fix", () => {
  const e = new GraphRequestError({
    method: "POST",
    path: "/identity/apiConnectors",
    version: "v1.0",
    status: 403,
    code: "Authorization_RequestDenied",
    graphMessage: "Insufficient privileges.",
    requestId: "r-1",
  });
  assert.equal(
    e.message,
    "Graph 403 Authorization_RequestDenied on POST /v1.0/identity/apiConnectors (request-id r-1): Insufficient privileges. Fix: the deploying identity lacks APIConnectors.ReadWrite.All (application permission) or the External ID User Flow Administrator role (delegated)",
  );
  assert.match(permissionFor("GET", "/policies/authenticationFlowsPolicy") ?? "", /^Policy\.Read\.All/);
  assert.match(
    permissionFor("PATCH", "/policies/authenticationFlowsPolicy") ?? "",
    /^Policy\.ReadWrite\.AuthenticationFlows/,
  );
  assert.match(
    permissionFor("POST", "/identity/userFlowAttributes") ?? "",
    /IdentityUserFlow\.ReadWrite\.All.*Attribute Administrator/,
  );
  assert.equal(
    permissionFor("POST", "/identity/events/onSignupStart"),
    "Policy.ReadWrite.ApplicationConfiguration",
  );
  assert.equal(permissionFor("POST", "/identity/identityProviders"), "IdentityProvider.ReadWrite.All");
  const off = new GraphRequestError({
    method: "GET",
    path: "/identity/apiConnectors",
    status: 500,
    graphMessage: "Self service sign up is not enabled for this tenant",
  });
  assert.match(off.message, /set selfServiceSignUp\.enabled/);
  const b2c = new GraphRequestError({
    method: "POST",
    path: "/identity/b2xUserFlows",
    status: 403,
    code: "AADB2C",
    graphMessage: "This API is only for non-B2C directories",
  });
  assert.match(b2c.message, /B2X user flows exist only in workforce tenants/);
});

test("back-off: Retry-After wins (seconds or date); otherwise jittered exponential within [exp/2, exp], capped", () => {
  assert.equal(retryDelayMs(1, "7"), 7000);
  assert.equal(
    retryDelayMs(
      1,
      new Date(Date.UTC(2030, 0, 1, 0, 0, 5)).toUTCString(),
      undefined,
      Math.random,
      Date.UTC(2030, 0, 1),
    ),
    5000,
  );
  assert.equal(retryDelayMs(1, "999999"), 60_000, "capped");
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.double({ min: 0, max: 0.999999, noNaN: true }),
      (attempt, r) => {
        const exp = Math.min(60_000, 1000 * 2 ** (attempt - 1));
        const d = retryDelayMs(attempt, null, undefined, () => r);
        return d >= Math.floor(exp / 2) && d <= exp;
      },
    ),
  );
  assert.deepEqual(
    [429, 503, 504, 500, 404].map((s) => isRetryableStatus(s, false)),
    [true, true, true, false, false],
  );
  assert.deepEqual(
    [429, 503, 504].map((s) => isRetryableStatus(s, true)),
    [true, false, false],
    "creates: 5xx goes to the natural-key check",
  );
});

test("concurrency: never more than 3 in flight per tenant, tenants independent", async () => {
  const tenant = `t-${Math.random()}`;
  let running = 0;
  let seen = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      withTenantSlot(tenant, async () => {
        seen = Math.max(seen, ++running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
      }),
    ),
  );
  assert.equal(seen, 3);
  assert.equal(peakInFlight(tenant), 3);
  assert.equal(peakInFlight("other"), 0);
});

const idArb = fc.constantFrom(
  "AADSignup-OAUTH",
  "MSASignup-OAUTH",
  "EmailOtpSignup-OAUTH",
  "Google-OAUTH",
  "Facebook-OAUTH",
);
const caseArb = (id: string) => fc.constantFrom(id, id.toLowerCase(), id.toUpperCase());
const idSet = fc.uniqueArray(idArb).chain((ids) => fc.tuple(...ids.map(caseArb)));

test("identity providers: applying the plan yields exactly the desired set, case-insensitively", () => {
  fc.assert(
    fc.property(idSet, idSet, (current, desired) => {
      const { add, remove } = planIdentityProviders(current, desired);
      const after = [...current.filter((c) => !remove.includes(c)), ...add]
        .map((x) => x.toLowerCase())
        .sort();
      assert.deepEqual(after, desired.map((x) => x.toLowerCase()).sort());
      return (
        add.length + remove.length === 0 ||
        JSON.stringify(current.map((x) => x.toLowerCase()).sort()) !==
          JSON.stringify(desired.map((x) => x.toLowerCase()).sort())
      );
    }),
  );
});

const assignmentArb = (id: string): fc.Arbitrary<Assignment> =>
  fc.record({
    attributeId: caseArb(id),
    displayName: fc.constantFrom("A", "B"),
    userInputType: fc.constantFrom("textBox", "emailBox", "radioSingleSelect") as fc.Arbitrary<
      Assignment["userInputType"]
    >,
    isOptional: fc.boolean(),
    requiresVerification: fc.boolean(),
    userAttributeValues: fc.constant([]),
  });
const assignmentsArb = fc
  .uniqueArray(fc.constantFrom("email", "city", "extension_abc_Company", "jobTitle"))
  .chain((ids) => fc.tuple(...ids.map(assignmentArb)));

test("assignments: create/update/remove plan converges to the desired list; no-op when equal", () => {
  fc.assert(
    fc.property(assignmentsArb, assignmentsArb, (current, desired) => {
      const plan = planAssignments(current, desired);
      const lc = (a: Assignment) => a.attributeId.toLowerCase();
      const kept = current.filter((c) => !plan.remove.some((r) => lc(r) === lc(c)));
      assert.equal(kept.length + plan.create.length, desired.length);
      for (const u of plan.update) assert.ok(kept.some((k) => lc(k) === lc(u)));
      assert.deepEqual(planAssignments(desired, desired), { create: [], update: [], remove: [] });
    }),
  );
  const textBox = planAssignments(
    [
      {
        attributeId: "City",
        displayName: "City",
        userInputType: "textBox",
        isOptional: false,
        requiresVerification: false,
        userAttributeValues: [],
      },
    ],
    [
      {
        attributeId: "city",
        displayName: "City",
        userInputType: canonicalInputType("TextBox"),
        isOptional: false,
        requiresVerification: false,
        userAttributeValues: [],
      },
    ],
  );
  assert.deepEqual(
    textBox,
    { create: [], update: [], remove: [] },
    "PascalCase input types and id case are not drift",
  );
});

test("order: setOrder only when the order differs, always with the full list, desired first", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e"), { minLength: 1 }),
      fc.integer(),
      (current, seed) => {
        const desired = fc.sample(fc.shuffledSubarray(current), { numRuns: 1, seed })[0] ?? [];
        const order = planOrder(current, desired);
        if (order === undefined) {
          assert.deepEqual(current.slice(0, desired.length), desired);
          return;
        }
        assert.deepEqual([...order].sort(), [...current].sort(), "a permutation of what Graph has");
        assert.deepEqual(order.slice(0, desired.length), desired);
        assert.notDeepEqual(order, current);
      },
    ),
  );
  assert.equal(planOrder(["City", "email"], ["city", "EMAIL"]), undefined);
});

test("connectors per step: set, change and clear", () => {
  assert.deepEqual(planConnectors({}, { postAttributeCollection: "c1" }), [
    { step: "postAttributeCollection", connectorId: "c1" },
  ]);
  assert.deepEqual(planConnectors({ postFederationSignup: "C1" }, { postFederationSignup: "c1" }), []);
  assert.deepEqual(planConnectors({ postFederationSignup: "c1" }, {}), [
    { step: "postFederationSignup", connectorId: undefined },
  ]);
});

test("ids: extensions app id parsed from attribute ids; flow ids get the B2X_1_ prefix once", () => {
  assert.equal(
    extensionsAppIdFromAttributeId("extension_d09380e2b4c642b9a203fb816a04a7ad_ShoeSize"),
    "d09380e2-b4c6-42b9-a203-fb816a04a7ad",
  );
  assert.equal(extensionsAppIdFromAttributeId("city"), "");
  assert.equal(flowIdOf("Partners"), "B2X_1_Partners");
  assert.equal(flowIdOf("b2x_1_Partners"), "B2X_1_Partners");
});

test("credentials: thumbprint from the PFX, salted hash, uploads and stale certificates", () => {
  const pfx = makePfx("unit", "pw");
  assert.equal(readPfx(pfx.pkcs12Base64, "pw").thumbprint, pfx.thumbprint);
  assert.throws(() => readPfx(pfx.pkcs12Base64, "wrong"), /password is wrong/);
  assert.notEqual(credentialHash("s1", "u", "p"), credentialHash("s2", "u", "p"), "salted");
  assert.equal(credentialHash("s", "u", "p"), credentialHash("s", "u", "p"));
  assert.deepEqual(certificatesToUpload([{ thumbprint: "AA" }, { thumbprint: "bb" }], ["aa"]), [
    { thumbprint: "bb" },
  ]);
  assert.deepEqual(staleThumbprints(["BB"], ["AA", "bb"]), ["AA"]);
  assert.equal(validateTargetUrl("https://x.example.net/api?code=1"), undefined);
  const emulator = { cloud: "global", baseUrl: "http://127.0.0.1:4100" };
  assert.equal(validateTargetUrl("http://localhost:7071/api", emulator), undefined);
  assert.match(
    validateTargetUrl("http://127.0.0.1:7071/api", { cloud: "global" }) ?? "",
    /plain http on a loopback host, but this stack talks to a real Graph/,
  );
  assert.match(validateTargetUrl("ftp://x") ?? "", /not https/);
});

test("preview unknowns and protobuf-safe results", () => {
  assert.ok(isUnknown({ a: [1, unknownValue] }));
  assert.ok(!isUnknown({ a: [1, "x"] }));
  assert.deepEqual(compact({ a: undefined, b: [{ c: undefined, d: 1 }] }), { b: [{ d: 1 }] });
});
