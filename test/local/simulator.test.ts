/**
 * The sign-up simulator against an in-process Graph emulator and a scripted fake connector: it must play
 * Entra's part of docs/graph-contract.md §6 exactly (prefill, validation, block, timeout + one retry, Basic
 * auth) and create the guest user with the connector's claims applied.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator/index";
import { startSimulator, type Simulator } from "../../local/simulator/server";
import { READY_BOUND_MS } from "../../local/readiness";
import { createFlow, fakeConnector, graphFor, postForm, type Json } from "./helpers";

const USER = "entra-sim";
const PASSWORD = "Sup3r-s3cret-Basic!";
const TIMEOUT_MS = 400;

let emulator: GraphEmulator;
let connector: Awaited<ReturnType<typeof fakeConnector>>;
let sim: Simulator;
let call: ReturnType<typeof graphFor>;
let flowId: string;
let ids: Record<string, string>;
const logLines: string[] = [];
const FED = "/api/postFederationSignup";
const ATTR = "/api/postAttributeCollection";

before(async () => {
  emulator = await startGraphEmulator({ port: 0 });
  connector = await fakeConnector();
  call = graphFor(emulator.url);
  ({ flowId, ids } = await createFlow(call, {
    name: "SimTest",
    connectorUrl: connector.url,
    username: USER,
    password: PASSWORD,
  }));
  sim = await startSimulator({
    graphUrl: emulator.url,
    port: 0,
    connectorTimeoutMs: TIMEOUT_MS,
    log: (l) => logLines.push(l),
  });
});
afterEach(() => connector.reset());
after(async () => {
  await sim.close();
  await connector.close();
  await emulator.close();
});

/** Signs in with `idp` as `email`; returns the sign-up's URL. */
async function begin(email: string, idp = "EmailOtpSignup-OAUTH"): Promise<string> {
  const res = await postForm(`${sim.url}start`, { flow: flowId, idp, email });
  assert.equal(res.status, 303);
  assert.match(res.location ?? "", /^\/signup\/[0-9a-f-]{36}$/);
  return new URL(res.location ?? "", sim.url).href;
}

async function state(signup: string): Promise<Json> {
  return (await fetch(`${signup}.json`)).json();
}

async function submit(signup: string, values: Record<string, string>) {
  const res = await postForm(signup, values);
  assert.equal(res.status, 303);
  return state(signup);
}

async function usersWithMail(mail: string): Promise<Json[]> {
  return (await call("GET", `/users?$filter=mail eq '${mail}'`)).body.value;
}

const continueWith = (claims: Record<string, unknown> = {}) => ({
  body: { version: "1.0.0", action: "Continue", ...claims },
});

test("the start page lists the flow's identity providers and the attribute page follows getOrder", async () => {
  const home = await (await fetch(sim.url)).text();
  assert.match(home, /data-testid="idp-EmailOtpSignup-OAUTH"/);
  assert.match(home, /data-testid="idp-AADSignup-OAUTH"/);
  const page = await (await fetch(await begin("order@partner.example"))).text();
  const order = [...page.matchAll(/data-testid="field-([A-Za-z0-9_]+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ["email", ids.CompanyName, "givenName", ids.PartnerRole, ids.Newsletter, "city"]);
  assert.match(page, /Company name <span class="req" aria-hidden="true">\*<\/span>/);
  assert.doesNotMatch(page, /City <span class="req"/);
  assert.match(
    page,
    new RegExp(`data-testid="field-${ids.Newsletter}-false"\\s+checked`),
    "default option chosen",
  );
  assert.match(page, /id="f-email" type="email" value="order@partner.example"[^>]*readonly/);
});

test("postFederationSignup gets email, identities and ui_locales with Basic auth; Continue claims prefill the page", async () => {
  connector.script(FED, continueWith({ extension_CompanyName: "Partner Example Ltd", givenName: "Ada" }));
  const signup = await begin("ada@partner.example");
  const [req] = connector.received;
  assert.equal(req?.path, FED);
  assert.equal(req?.authorization, `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`);
  assert.deepEqual(req?.body, {
    email: "ada@partner.example",
    identities: [{ signInType: "federated", issuer: "mail", issuerAssignedId: "ada@partner.example" }],
    ui_locales: "en-GB",
  });
  const s = await state(signup);
  assert.equal(s.stage, "attributes");
  assert.equal(s.values[ids.CompanyName!], "Partner Example Ltd", "extension_<Name> maps onto the full id");
  assert.equal(s.values.givenName, "Ada");
  const page = await (await fetch(signup)).text();
  assert.match(page, /value="Partner Example Ltd"/);
});

test("ValidationError keeps the person on the page with the message and values; Continue then creates the enriched guest, without the claims Entra drops", async () => {
  connector.script(
    ATTR,
    {
      status: 400,
      body: { version: "1.0.0", status: 400, action: "ValidationError", userMessage: "Tell us more." },
    },
    continueWith({ [ids.PartnerRole!]: "Partner", jobTitle: "Partner User", givenName: "Grace" }),
  );
  const signup = await begin("grace@partner.example");
  const form = {
    [ids.CompanyName!]: "Partner Example",
    givenName: "grace",
    [ids.Newsletter!]: "true",
    city: "",
  };
  const first = await submit(signup, form);
  assert.equal(first.stage, "attributes");
  assert.equal(first.message, "Tell us more.");
  assert.equal(first.values[ids.CompanyName!], "Partner Example");
  const page = await (await fetch(signup)).text();
  assert.match(page, /data-testid="validation-message">Tell us more\.</);
  assert.match(page, /value="Partner Example"/);
  assert.equal((await usersWithMail("grace@partner.example")).length, 0);

  const done = await submit(signup, form);
  assert.equal(done.stage, "created");
  const sent = connector.received.filter((r) => r.path === ATTR).map((r) => r.body);
  assert.equal(sent.length, 2);
  assert.deepEqual(
    sent[1],
    {
      email: "grace@partner.example",
      identities: [{ signInType: "federated", issuer: "mail", issuerAssignedId: "grace@partner.example" }],
      [ids.CompanyName!]: "Partner Example",
      givenName: "grace",
      [ids.Newsletter!]: "true",
      ui_locales: "en-GB",
    },
    "empty city and PartnerRole are omitted; the email field is not sent twice",
  );
  const [user] = await usersWithMail("grace@partner.example");
  assert.equal(user.userType, "Guest");
  assert.equal(user.givenName, "Grace", "the connector's claims overwrite what was typed");
  assert.equal(user.jobTitle, undefined, "jobTitle is not a user attribute of this flow: Entra drops it");
  assert.equal(user[ids.PartnerRole!], "Partner");
  assert.equal(user[ids.CompanyName!], "Partner Example");
  assert.equal(user[ids.Newsletter!], true, "boolean attribute stored as a boolean");
  assert.deepEqual(user.identities, [
    { signInType: "federated", issuer: "mail", issuerAssignedId: "grace@partner.example" },
  ]);
  const created = await (await fetch(signup)).text();
  assert.match(created, /data-testid="account-PartnerRole"[^>]*>Partner</);
  assert.doesNotMatch(created, /data-testid="account-jobTitle"/);
  assert.match(created, /data-testid="ignored-claim" data-claim="jobTitle"/, "the timeline shows the drop");
});

test("ShowBlockPage ends the flow with the message and creates no user, at either step", async () => {
  connector.script(ATTR, { body: { version: "1.0.0", action: "ShowBlockPage", userMessage: "Not today." } });
  const signup = await begin("blocked@partner.example");
  const s = await submit(signup, { [ids.CompanyName!]: "X", givenName: "B" });
  assert.equal(s.stage, "blocked");
  assert.match(await (await fetch(signup)).text(), /data-testid="block-message">Not today\.</);
  assert.equal((await usersWithMail("blocked@partner.example")).length, 0);

  connector.script(FED, {
    body: { version: "1.0.0", action: "ShowBlockPage", userMessage: "Personal email." },
  });
  const early = await state(await begin("someone@gmail.example"));
  assert.equal(early.stage, "blocked");
  assert.equal(early.message, "Personal email.");
  assert.equal(
    connector.received.filter((r) => r.path === ATTR).length,
    1,
    "no attribute step after a block",
  );
});

test("no answer within the timeout: exactly one retry, and the retry's answer counts", async () => {
  connector.script(FED, { delayMs: TIMEOUT_MS * 3, body: {} }, continueWith({ givenName: "Retry" }));
  const s = await state(await begin("slow@partner.example"));
  assert.equal(connector.received.length, 2);
  assert.deepEqual(connector.received[0]?.body, connector.received[1]?.body, "the retry repeats the request");
  assert.deepEqual(
    s.timeline.map((e: Json) => [e.step, e.attempt, e.status]),
    [
      ["postFederationSignup", 1, null],
      ["postFederationSignup", 2, 200],
    ],
  );
  assert.match(s.timeline[0].error, new RegExp(`no response within ${TIMEOUT_MS} ms`));
  assert.equal(s.values.givenName, "Retry");
});

test("two timeouts fail the sign-up with no third attempt and no user", async () => {
  const slow = { delayMs: TIMEOUT_MS * 3, body: {} };
  connector.script(ATTR, slow, slow);
  const signup = await begin("twice@partner.example");
  const s = await submit(signup, { [ids.CompanyName!]: "X", givenName: "T" });
  assert.equal(s.stage, "failed");
  assert.equal(connector.received.filter((r) => r.path === ATTR).length, 2);
  assert.match(await (await fetch(signup)).text(), /data-testid="error-message"/);
  assert.equal((await usersWithMail("twice@partner.example")).length, 0);
});

test("legacy answers are not accepted: ValidationError with HTTP 200 fails the sign-up", async () => {
  connector.script(ATTR, {
    body: { version: "1.0.0", status: 400, action: "ValidationError", userMessage: "x" },
  });
  const signup = await begin("legacy@partner.example");
  assert.equal((await submit(signup, { [ids.CompanyName!]: "X", givenName: "L" })).stage, "failed");
});

test("Microsoft Entra ID users carry no identities; required fields are checked before any connector call", async () => {
  const signup = await begin("aad@partner.example", "AADSignup-OAUTH");
  assert.equal(connector.received[0]?.body.identities, undefined);
  const s = await submit(signup, { givenName: "A" });
  assert.deepEqual(s.missing, [ids.CompanyName]);
  assert.equal(connector.received.filter((r) => r.path === ATTR).length, 0);
  assert.match(await (await fetch(signup)).text(), /data-testid="missing-message"/);
});

test("the page reads the flow fresh: a changed label shows on the next load", async () => {
  const signup = await begin("fresh@partner.example");
  await call("PATCH", `/identity/b2xUserFlows/${flowId}/userAttributeAssignments/city`, {
    displayName: "Home town",
  });
  assert.match(await (await fetch(signup)).text(), />Home town</);
  await call("PATCH", `/identity/b2xUserFlows/${flowId}/userAttributeAssignments/city`, {
    displayName: "City",
  });
});

test("the Basic password never appears in a page, the JSON view or the log", async () => {
  const signup = await begin("secret@partner.example");
  await submit(signup, { [ids.CompanyName!]: "S", givenName: "S" });
  for (const text of [
    await (await fetch(sim.url)).text(),
    await (await fetch(signup)).text(),
    JSON.stringify(await state(signup)),
    logLines.join("\n"),
  ]) {
    assert.ok(!text.includes(PASSWORD), "password leaked");
    assert.ok(!text.includes(Buffer.from(`${USER}:${PASSWORD}`).toString("base64")), "Basic header leaked");
  }
  assert.ok(logLines.some((l) => /postAttributeCollection attempt 1 → HTTP 200/.test(l)));
});

test("the CLI explains a port conflict and exits 2", async () => {
  const { spawnSync } = await import("node:child_process");
  const run = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "local/simulator/cli.ts", ...args], {
      encoding: "utf8",
      timeout: READY_BOUND_MS, // a bound on a hung start only; the CLI answers as soon as it can
    });
  const taken = run(["--port", String(sim.port), "--graph-url", emulator.url]);
  assert.equal(taken.status, 2);
  assert.match(taken.stderr, new RegExp(`port ${sim.port} is already in use.*--port <port>`));
  const noGraph = run(["--port", "0"]);
  assert.equal(noGraph.status, 2);
  assert.match(noGraph.stderr, /--graph-url is required/);
});

test("a start without a chosen provider or with a bad email stays on the start page", async () => {
  assert.equal((await postForm(`${sim.url}start`, { flow: flowId, email: "x@partner.example" })).status, 400);
  const bad = await postForm(`${sim.url}start`, { flow: flowId, idp: "EmailOtpSignup-OAUTH", email: "nope" });
  assert.equal(bad.status, 400);
  assert.equal(connector.received.length, 0);
});

test("an unreachable Graph emulator is reported on the start page, not thrown", async () => {
  const lonely = await startSimulator({ graphUrl: "http://127.0.0.1:9", port: 0, log: () => undefined });
  try {
    const res = await fetch(lonely.url);
    assert.equal(res.status, 502);
    assert.match(
      await res.text(),
      /data-testid="no-flow">the Graph emulator at http:\/\/127\.0\.0\.1:9 is not reachable/,
    );
  } finally {
    await lonely.close();
  }
});

test("an attribute's description is shown under its field and announced with it", async () => {
  const description = "The company you work for, as on your contract";
  await call("PATCH", `/identity/userFlowAttributes/${ids.CompanyName}`, { description });
  try {
    const page = await (await fetch(await begin("described@partner.example"))).text();
    const field = `f-${ids.CompanyName}`;
    assert.match(
      page,
      new RegExp(
        `<p class="field-hint" id="${field}-hint" data-testid="hint-${ids.CompanyName}">${description}</p>`,
      ),
    );
    assert.match(page, new RegExp(`id="${field}"[^>]*aria-describedby="${field}-hint"`));
    assert.match(
      page,
      /data-testid="hint-givenName">The user&#39;s given name \(also known as first name\)\.</,
      "a built-in attribute shows the tenant's description too",
    );
  } finally {
    await call("PATCH", `/identity/userFlowAttributes/${ids.CompanyName}`, { description: "" });
  }
});

test("the start and attribute pages say that the one-time passcode and IdP sign-in are skipped locally", async () => {
  const home = await (await fetch(sim.url)).text();
  const attributes = await (await fetch(await begin("skipped@partner.example"))).text();
  for (const page of [home, attributes])
    assert.match(
      page,
      /data-testid="sign-in-skipped">\s*Sign-in is skipped locally: no one-time passcode is sent and no identity provider page opens/,
    );
});

test("a long JSON line in the timeline is shown whole, in a block the stylesheet wraps instead of clipping", async () => {
  const long = `${"x".repeat(600)}-end-of-long-claim`;
  connector.script(FED, continueWith({ givenName: long }));
  const page = await (await fetch(await begin("long@partner.example"))).text();
  const response = /<pre data-testid="timeline-response">([\s\S]*?)<\/pre>/.exec(page)?.[1] ?? "";
  assert.ok(response.includes(`&quot;givenName&quot;: &quot;${long}&quot;`), "the whole line is in the page");
  const css = await (await fetch(new URL("/style.css", sim.url))).text();
  const pre = /(?:^|\n)pre \{([^}]*)\}/.exec(css)?.[1] ?? "";
  assert.match(pre, /white-space: pre-wrap;/);
  assert.match(pre, /overflow-wrap: anywhere;/);
  assert.doesNotMatch(pre, /overflow-x/);
});
