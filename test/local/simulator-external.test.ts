/**
 * The sign-up simulator walking an external tenant's sign-up as Entra does: the events flow read from
 * Graph, OnAttributeCollectionStart → attribute page → OnAttributeCollectionSubmit, each extension called
 * with a bearer token for its API, its timeout and retries, and its answer read strictly. Graph and the
 * extension are in-test HTTP servers (external-tenant-fakes.ts) standing in for the emulator's events-flow
 * routes and the Function App's Start/Submit routes.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { AUTHENTICATION_EVENTS_APP_ID } from "../../contract/authenticationEvents";
import { startSimulator, type Simulator } from "../../local/simulator/server";
import {
  API_APP_ID,
  APP_ID,
  ATTRIBUTES,
  TENANT_ID,
  eventsFlow,
  ext,
  extensionBody,
  fakeExtension,
  fakeExternalGraph,
  respond,
} from "./external-tenant-fakes";
import { postForm, type Json } from "./helpers";

const FLOW = "0f0e0d0c-0b0a-4909-8807-060504030201";
const START_ID = "11111111-2222-4333-8444-555555555555";
const SUBMIT_ID = "66666666-7777-4888-8999-aaaaaaaaaaaa";
const START = "/api/onAttributeCollectionStart";
const SUBMIT = "/api/onAttributeCollectionSubmit";

let graph: Awaited<ReturnType<typeof fakeExternalGraph>>;
let extension: Awaited<ReturnType<typeof fakeExtension>>;
let sim: Simulator;
const logLines: string[] = [];

/** The flow wired to both extensions, each read back by id (the common read-back shape). */
function wireBoth(client: { timeoutInMilliseconds?: number; maximumRetries?: number } = {}): void {
  graph.state.extensions = {
    [START_ID]: extensionBody(START_ID, "Start", `${extension.url}${START}`, client),
    [SUBMIT_ID]: extensionBody(SUBMIT_ID, "Submit", `${extension.url}${SUBMIT}`, client),
  };
  graph.state.betaExtensions = {};
  graph.state.flows = [eventsFlow(FLOW, { start: { id: START_ID }, submit: { id: SUBMIT_ID } })];
}

before(async () => {
  graph = await fakeExternalGraph();
  extension = await fakeExtension();
  sim = await startSimulator({ graphUrl: graph.url, port: 0, log: (l) => logLines.push(l) });
});
afterEach(() => {
  extension.reset();
  graph.seen.splice(0);
  graph.state.users.splice(0);
  graph.state.tenantType = "CIAM";
  wireBoth();
});
after(async () => {
  await sim.close();
  await extension.close();
  await graph.close();
});

async function begin(email: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await postForm(
    `${sim.url}start`,
    { flow: FLOW, idp: "EmailPassword-OAUTH", email, app: APP_ID, clientIp: "2a0d::e02d:78d3", ...extra },
    "en-GB,en;q=0.8",
  );
  assert.equal(res.status, 303, `POST /start answered ${res.status}`);
  return new URL(res.location ?? "", sim.url).href;
}

async function state(signup: string): Promise<Json> {
  return (await fetch(`${signup}.json`)).json();
}

async function submit(signup: string, values: Record<string, string | string[]>): Promise<Json> {
  const res = await postForm(signup, values);
  assert.equal(res.status, 303);
  return state(signup);
}

const VALID = {
  [ext("CompanyName")]: "Contoso Ltd",
  givenName: "Ada",
  [ext("LoyaltyNumber")]: "2010",
  [ext("Tier")]: "gold",
  [ext("Interests")]: ["hiking", "chess"],
  [ext("Newsletter")]: "true",
  [ext("Terms")]: "true",
  city: "Oslo",
};

test("in an external (CIAM) tenant the start page offers the events flow with its identity providers and never reads B2X user flows", async () => {
  wireBoth();
  const home = await (await fetch(sim.url)).text();
  assert.match(home, /data-testid="flow-name">Contoso customers</);
  assert.match(home, /data-testid="idp-EmailPassword-OAUTH"/);
  assert.match(home, /data-testid="idp-Google-OAUTH"/);
  assert.match(home, /data-testid="client-ip"/);
  assert.ok(!graph.seen.some((s) => s.path.startsWith("/v1.0/identity/b2xUserFlows")));
});

test("Start receives the Entra envelope with a bearer token for the extension API; setPrefillValues prefills the page keeping each value's type", async () => {
  wireBoth();
  extension.script(START, {
    body: respond("attributeCollectionStart", "setPrefillValues", {
      inputs: { [ext("LoyaltyNumber")]: 2010, [ext("Tier")]: "gold", unknownKey: "x" },
    }),
  });
  const signup = await begin("ada@contoso.example");
  const [call] = extension.received;
  assert.equal(call?.path, START);
  const token = (call?.authorization ?? "").replace(/^Bearer /, "");
  const { payload } = await jwtVerify(token, createLocalJWKSet(await graph.platform.keySet()), {
    audience: API_APP_ID,
    issuer: `https://${TENANT_ID}.ciamlogin.com/${TENANT_ID}/v2.0`,
  });
  assert.equal(payload.azp, AUTHENTICATION_EVENTS_APP_ID);
  const body = call?.body;
  assert.equal(body.type, "microsoft.graph.authenticationEvent.attributeCollectionStart");
  assert.equal(body.data["@odata.type"], "microsoft.graph.onAttributeCollectionStartCalloutData");
  assert.equal(body.data.tenantId, TENANT_ID);
  assert.equal(body.data.customAuthenticationExtensionId, START_ID);
  const context = body.data.authenticationContext;
  assert.match(context.correlationId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(context.client, { ip: "2a0d::e02d:78d3", locale: "en-gb", market: "en-gb" });
  assert.equal(context.clientServicePrincipal.appId, APP_ID);
  assert.equal(context.clientServicePrincipal.displayName, "Contoso web");
  assert.deepEqual(body.data.userSignUpInfo.attributes.email, {
    "@odata.type": "microsoft.graph.stringDirectoryAttributeValue",
    value: "ada@contoso.example",
    attributeType: "builtIn",
  });
  assert.deepEqual(body.data.userSignUpInfo.identities, [
    { signInType: "email", issuer: "contoso.onmicrosoft.com", issuerAssignedId: "ada@contoso.example" },
  ]);
  const s = await state(signup);
  assert.equal(s.stage, "attributes");
  assert.equal(s.values[ext("LoyaltyNumber")], "2010");
  assert.equal(s.values[ext("Tier")], "gold");
  assert.deepEqual(s.timeline[0].ignoredClaims, [
    { claim: "unknownKey", reason: "not an attribute of this flow: Entra ignores unknown keys" },
  ]);
  const page = await (await fetch(signup)).text();
  const saved = JSON.stringify(s);
  assert.ok(
    !page.includes(token) && !saved.includes(token),
    "the bearer token is on no page and in no session",
  );
  assert.ok(!logLines.some((l) => l.includes(token)), "the bearer token is in no log line");
  assert.match(page, new RegExp(`data-testid="field-${ext("LoyaltyNumber")}"`));
  assert.match(page, /value="2010"/);
});

test("the start page refuses a client IP that is not an IPv4 or IPv6 address, naming the value", async () => {
  wireBoth();
  const res = await fetch(`${sim.url}start`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      flow: FLOW,
      idp: "EmailPassword-OAUTH",
      email: "ip@contoso.example",
      app: APP_ID,
      clientIp: "300.1.1.1",
    }),
  });
  assert.equal(res.status, 400);
  assert.match(
    await res.text(),
    /Client IP address &quot;300\.1\.1\.1&quot; is not an IPv4 or IPv6 address\./,
  );
  assert.equal(extension.received.length, 0);
});

test("the attribute page shows the visible inputs in page order with their input types", async () => {
  wireBoth();
  const page = await (await fetch(await begin("order@contoso.example"))).text();
  const order = [...page.matchAll(/data-attribute="([^"]+)" data-input-type="([^"]+)"/g)].map(
    (m) => `${m[1]}:${m[2]}`,
  );
  assert.deepEqual(order, [
    "CompanyName:text",
    "givenName:text",
    "LoyaltyNumber:text",
    "Tier:radioSingleSelect",
    "Interests:checkboxMultiSelect",
    "Newsletter:boolean",
    "Terms:checkboxSingleSelect",
    "city:text",
  ]);
  assert.doesNotMatch(page, /name="email"/, "the hidden email input is not shown");
  assert.match(
    page,
    new RegExp(`data-testid="field-${ext("Tier")}-silver"\\s+checked`),
    "defaultValue chosen",
  );
});

test("required fields, whole numbers and validationRegEx are checked before Submit is called, each error beside its own field", async () => {
  wireBoth();
  const signup = await begin("checks@contoso.example");
  const s = await submit(signup, {
    [ext("CompanyName")]: "!",
    givenName: "",
    [ext("LoyaltyNumber")]: "12a",
  });
  assert.deepEqual(s.fieldErrors, {
    [ext("CompanyName")]: "Please enter a valid value.",
    givenName: "This information is required.",
    [ext("LoyaltyNumber")]: "Enter a whole number.",
    [ext("Terms")]: "This information is required.",
  });
  assert.ok(!extension.received.some((r) => r.path === SUBMIT), "Submit is not called");
  const page = await (await fetch(signup)).text();
  const errorOf = (attr: string) =>
    new RegExp(
      `aria-describedby="x-${attr}-error"[\\s\\S]*?<p class="field-error" id="x-${attr}-error" data-testid="field-error-${attr}">([^<]+)</p>`,
    );
  assert.equal(errorOf("givenName").exec(page)?.[1], "This information is required.");
  assert.equal(errorOf(ext("Terms")).exec(page)?.[1], "This information is required.");
});

test("showValidationError keeps the person on the page: the message on top, each attributeErrors entry beside its own field, the values kept", async () => {
  wireBoth();
  extension.script(SUBMIT, {
    body: respond("attributeCollectionSubmit", "showValidationError", {
      message: "Please fix the highlighted fields.",
      attributeErrors: {
        [ext("CompanyName")]: "Use your company's registered name.",
        city: "We do not serve this city yet.",
        jobTitle: "not on the page",
      },
    }),
  });
  const signup = await begin("fix@contoso.example");
  const s = await submit(signup, VALID);
  assert.equal(s.stage, "attributes");
  assert.equal(s.message, "Please fix the highlighted fields.");
  assert.deepEqual(s.fieldErrors, {
    [ext("CompanyName")]: "Use your company's registered name.",
    city: "We do not serve this city yet.",
  });
  assert.deepEqual(s.timeline.at(-1).ignoredClaims, [
    { claim: "jobTitle", reason: "no field on the page to show this error beside" },
  ]);
  const page = await (await fetch(signup)).text();
  assert.match(page, /data-testid="validation-message">Please fix the highlighted fields\.</);
  assert.match(page, /data-testid="field-error-city">We do not serve this city yet\.</);
  assert.match(page, /id="x-city" type="text" name="city" value="Oslo"[^>]*aria-describedby="x-city-error"/);
  assert.match(page, /value="Contoso Ltd"/);
});

test("Submit sends typed values (int64 a number, boolean a boolean, multi-select one comma string); continue creates the customer with extension_<appId>_<Name> values typed", async () => {
  wireBoth();
  const signup = await begin("typed@contoso.example");
  const s = await submit(signup, VALID);
  assert.equal(s.stage, "created", s.message);
  const sent = extension.received.find((r) => r.path === SUBMIT)?.body;
  assert.equal(sent.type, "microsoft.graph.authenticationEvent.attributeCollectionSubmit");
  const attrs = sent.data.userSignUpInfo.attributes;
  assert.deepEqual(attrs[ext("LoyaltyNumber")], {
    "@odata.type": "microsoft.graph.int64DirectoryAttributeValue",
    value: 2010,
    attributeType: "directorySchemaExtension",
  });
  assert.equal(attrs[ext("Newsletter")].value, true);
  assert.equal(attrs[ext("Newsletter")]["@odata.type"], "microsoft.graph.booleanDirectoryAttributeValue");
  assert.equal(attrs[ext("Interests")].value, "hiking,chess");
  assert.equal(attrs.givenName.attributeType, "builtIn");
  const starts = extension.received.filter((r) => r.path === START);
  assert.equal(
    starts[0]?.body.data.authenticationContext.correlationId,
    sent.data.authenticationContext.correlationId,
    "one correlation id per sign-up",
  );
  const [user] = graph.state.users;
  assert.equal(user.userType, "Member");
  assert.equal(user.mail, "typed@contoso.example");
  assert.equal(user.displayName, "Ada");
  assert.equal(user.city, "Oslo");
  assert.equal(user[ext("LoyaltyNumber")], 2010);
  assert.equal(user[ext("Newsletter")], true);
  assert.equal(user[ext("Interests")], "hiking,chess");
  assert.deepEqual(user.identities, [
    {
      signInType: "emailAddress",
      issuer: "contoso.onmicrosoft.com",
      issuerAssignedId: "typed@contoso.example",
    },
  ]);
  const page = await (await fetch(signup)).text();
  assert.match(page, /data-testid="account-LoyaltyNumber" title="[^"]+">2010</);
});

test("modifyAttributeValues overwrites values before the user is created", async () => {
  wireBoth();
  extension.script(SUBMIT, {
    body: respond("attributeCollectionSubmit", "ModifyAttributeValues", {
      attributes: { [ext("CompanyName")]: "Contoso Limited", [ext("LoyaltyNumber")]: 7 },
    }),
  });
  const s = await submit(await begin("modify@contoso.example"), VALID);
  assert.equal(s.stage, "created", s.message);
  assert.equal(graph.state.users[0][ext("CompanyName")], "Contoso Limited");
  assert.equal(graph.state.users[0][ext("LoyaltyNumber")], 7);
});

test("a modified value that loses its type (an int64 sent back as text) fails the sign-up with 1003003 and creates no user", async () => {
  wireBoth();
  extension.script(SUBMIT, {
    body: respond("attributeCollectionSubmit", "modifyAttributeValues", {
      attributes: { [ext("LoyaltyNumber")]: "2010" },
    }),
  });
  const s = await submit(await begin("mistyped@contoso.example"), VALID);
  assert.equal(s.stage, "failed");
  assert.match(s.message, /^1003003 InvalidResponseBody: .*LoyaltyNumber: expected an integer, got "2010"/);
  assert.equal(graph.state.users.length, 0);
});

test("showBlockPage at Start shows the block page with the extension's title and message", async () => {
  wireBoth();
  extension.script(START, {
    body: respond("attributeCollectionStart", "showBlockPage", {
      title: "Sign-up closed",
      message: "We are not accepting new customers from this domain.",
    }),
  });
  const signup = await begin("blocked@blocked.example");
  const page = await (await fetch(signup)).text();
  assert.match(page, /data-testid="block-title">Sign-up closed</);
  assert.match(page, /data-testid="block-message">We are not accepting new customers from this domain\.</);
});

for (const maximumRetries of [0, 1]) {
  test(`an extension that does not answer within timeoutInMilliseconds is tried ${1 + maximumRetries} time(s) (maximumRetries ${maximumRetries}) with the same event, then the sign-up fails with 1003005`, async () => {
    wireBoth({ timeoutInMilliseconds: 200, maximumRetries });
    extension.script(
      START,
      ...[0, 1].map(() => ({
        body: respond("attributeCollectionStart", "continueWithDefaultBehavior"),
        delayMs: 3000,
      })),
    );
    const s = await state(await begin("slow@contoso.example"));
    assert.equal(s.stage, "failed");
    assert.match(s.message, /^1003005 TimedOut: no answer after/);
    const starts = extension.received.filter((r) => r.path === START);
    assert.equal(starts.length, 1 + maximumRetries);
    assert.equal(
      new Set(starts.map((r) => JSON.stringify(r.body))).size,
      1,
      "the retry sends the same event",
    );
    assert.ok(logLines.some((l) => l.includes("attributeCollectionStart attempt 1")));
  });
}

const REFUSED: Array<{ name: string; answer: Parameters<typeof extension.script>[1]; code: string }> = [
  { name: "a 401", answer: { status: 401, raw: "" }, code: "1003002" },
  { name: "an empty 200", answer: { raw: "" }, code: "1003009" },
  { name: "text/plain", answer: { raw: "{}", contentType: "text/plain" }, code: "1003006" },
  { name: "a body that is not JSON", answer: { raw: "<html>" }, code: "1003003" },
  {
    name: "two actions",
    answer: {
      body: {
        data: {
          "@odata.type": "microsoft.graph.onAttributeCollectionStartResponseData",
          actions: [
            { "@odata.type": "microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior" },
            { "@odata.type": "microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior" },
          ],
        },
      },
    },
    code: "1003010",
  },
  {
    name: "a Submit action at Start",
    answer: { body: respond("attributeCollectionStart", "showValidationError", { message: "x" }) },
    code: "1003012",
  },
];
for (const { name, answer, code } of REFUSED) {
  test(`an extension answering ${name} fails the sign-up with ${code}`, async () => {
    wireBoth();
    extension.script(START, answer);
    const signup = await begin("refused@contoso.example");
    const s = await state(signup);
    assert.equal(s.stage, "failed");
    assert.match(s.message, new RegExp(`^${code} `));
    const page = await (await fetch(signup)).text();
    assert.match(page, new RegExp(`data-testid="error-message" data-code="${code}"`));
  });
}

test("an extension whose resourceId host differs from its targetUrl host is never called: the sign-up fails with 1003015", async () => {
  wireBoth();
  graph.state.extensions[START_ID]!.authenticationConfiguration.resourceId =
    `api://other.example/${API_APP_ID}`;
  const s = await state(await begin("host@contoso.example"));
  assert.equal(s.stage, "failed");
  assert.match(s.message, /^1003015 DomainNameDoesNotMatch/);
  assert.equal(extension.received.length, 0);
});

test("a handler whose extension is inlined in the flow, or readable from beta only, is called the same way", async () => {
  wireBoth();
  const start = graph.state.extensions[START_ID];
  graph.state.betaExtensions = { [SUBMIT_ID]: graph.state.extensions[SUBMIT_ID] };
  graph.state.extensions = {};
  graph.state.flows = [eventsFlow(FLOW, { start, submit: { id: SUBMIT_ID } })];
  const s = await submit(await begin("shapes@contoso.example"), VALID);
  assert.equal(s.stage, "created", s.message);
  assert.deepEqual(
    extension.received.map((r) => r.path),
    [START, SUBMIT],
  );
  assert.ok(graph.seen.some((r) => r.path === `/beta/identity/customAuthenticationExtensions/${SUBMIT_ID}`));
});

test("a handler referencing an extension that no longer exists fails the sign-up with 1003011; an unwired (null) handler is skipped", async () => {
  graph.state.extensions = {};
  graph.state.flows = [eventsFlow(FLOW, { start: null, submit: { id: SUBMIT_ID } })];
  const signup = await begin("dangling@contoso.example");
  assert.equal((await state(signup)).stage, "attributes", "no Start extension: the page opens");
  const s = await submit(signup, VALID);
  assert.equal(s.stage, "failed");
  assert.match(s.message, /^1003011 CustomExtensionNotFound/);
  assert.equal(extension.received.length, 0);
});

test("a flow that does not inline its identity providers, attributes and applications is read through their own lists", async () => {
  wireBoth();
  graph.state.flows = [eventsFlow(FLOW, {}, { inline: false })];
  graph.state.identityProviders[FLOW] = [
    { id: "EmailOtpSignup-OAUTH", displayName: "Email one-time passcode" },
  ];
  graph.state.attributes[FLOW] = ATTRIBUTES;
  const home = await (await fetch(`${sim.url}?flow=${FLOW}`)).text();
  assert.match(home, /data-testid="idp-EmailOtpSignup-OAUTH"/);
  const signup = await begin("lists@contoso.example", { idp: "EmailOtpSignup-OAUTH" });
  const s = await submit(signup, VALID);
  assert.equal(s.stage, "created", s.message);
  assert.equal(
    graph.state.users[0][ext("LoyaltyNumber")],
    2010,
    "the attribute's int64 type came from the list",
  );
});

test("in a workforce tenant the start page lists external flows next to B2X flows", async () => {
  wireBoth();
  graph.state.tenantType = "AAD";
  const home = await (await fetch(`${sim.url}?flow=${FLOW}`)).text();
  assert.match(home, /data-testid="flow-name">Contoso customers</);
  assert.match(home, /<option value="B2X_1_partners"\s*>B2X_1_partners<\/option>/);
  assert.match(
    home,
    new RegExp(`<option value="${FLOW}"\\s+selected\\s*>Contoso customers \\(external\\)</option>`),
  );
});
