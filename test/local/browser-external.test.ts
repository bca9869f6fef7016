/**
 * An external-tenant sign-up through the whole local system in a real browser: `up()` from local/system.ts
 * with `tenantKind: "external"` on free ports (Azurite, the Graph emulator playing a CIAM tenant, the
 * connector host validating the emulator's Entra-shaped bearer tokens, the simulator, the real `pulumi up`
 * of Pulumi.local-external.yaml), then Chromium through the events flow's attribute page, then `down()` —
 * which must leave no process, no open port and the emulator as seeded.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { isAlive, listServices, portIsOpen, sleep } from "../../local/daemons";
import { down, repoRoot, up, type LocalSystemOptions } from "../../local/system";
import { DEFAULT_SEED } from "../../local/graph-emulator/index";
import { TOKEN_REFUSED_EVENT } from "../../functions/http/extension";
import {
  byTestId,
  freePorts,
  keepServiceLogs,
  launchChromium,
  newTestPage,
  text,
  trackFailures,
} from "./browser-helpers";
import {
  expectEnding,
  fieldError,
  fillAndSubmitExternal,
  pageMessage,
  signInExternal,
} from "./browser-external-helpers";
import { graph, type Json } from "./helpers";

const RESULTS = path.join(repoRoot, "test-results", "local");
const LONG = "We supply parts for the partner portal and need access to order tracking.";
const JUSTIFICATION = "Why do you need access?";
const NAMES = { "Display name": "Ada Lovelace", "Given name": "Ada", Surname: "Lovelace" };
let opts: LocalSystemOptions;
let browser: Browser | undefined;
let page: Page;
let simulatorUrl: string;
let connectorUrl: string;
let flowId: string;
let call: ReturnType<typeof graph>;
let isDown = false;
const failures = trackFailures();

before(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
  const stateDir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "browser-external-"));
  const ports = await freePorts();
  opts = {
    stateDir,
    ports,
    tenantKind: "external",
    configFile: path.join(repoRoot, "Pulumi.local-external.yaml"),
    onProgress: () => undefined,
  };
  call = graph(`http://127.0.0.1:${ports.graph}`);
  const info = await up(opts);
  simulatorUrl = info.simulatorUrl;
  connectorUrl = info.connectorUrl;
  const flows = (await call("GET", "/identity/authenticationEventsFlows")).body.value as Json[];
  const flow = flows.find((f) => f.displayName === "PartnerSignUp");
  assert.ok(flow, `the events flow PartnerSignUp was deployed (flows: ${JSON.stringify(flows)})`);
  flowId = flow.id;
  browser = await launchChromium();
  page = await newTestPage(browser);
});

after(async () => {
  await browser?.close();
  // Why a test failed is in the services' logs, which go with the state folder: keep them and print their ends.
  if (failures.any && opts) console.error(keepServiceLogs(repoRoot, opts.stateDir, "browser-external"));
  // A failed test must not leave services behind; the last test asserts the clean shut-down itself.
  if (!isDown && opts) await down(opts).catch((err: unknown) => console.error(err));
  if (opts) fs.rmSync(opts.stateDir, { recursive: true, force: true });
});

/** A custom attribute's property name in an external tenant: owned by the b2c-extensions-app. */
function ext(name: string): string {
  return `extension_${DEFAULT_SEED.b2cExtensionsAppId.replace(/-/g, "")}_${name}`;
}

async function usersWithMail(mail: string): Promise<Json[]> {
  return (await call("GET", `/users?$filter=mail eq '${mail}'`)).body.value;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(RESULTS, `external-${name}.png`), fullPage: true });
}

function connectorLog(): string {
  return fs.readFileSync(path.join(opts.stateDir, "logs", "connector-host.log"), "utf8");
}

test("an approved domain is prefilled by Start and created with PartnerRole, CompanyName and ApprovedAt from Submit", async () => {
  await signInExternal(page, simulatorUrl, flowId, "ada@partner-company.com");
  await expectEnding(page, "attribute-form");
  const form = page.getByTestId("attribute-form");
  assert.equal(await form.getByLabel("Company name").inputValue(), "Partner Company", "prefilled by Start");
  await fillAndSubmitExternal(page, { ...NAMES, [JUSTIFICATION]: LONG });
  await expectEnding(page, "account-created");
  await shot("account-created");
  assert.equal(await text(page, "account-PartnerRole"), "Partner");
  assert.equal(await text(page, "account-CompanyName"), "Partner Company");
  assert.ok(!Number.isNaN(Date.parse(await text(page, "account-ApprovedAt"))), "ApprovedAt is a time");
  const [user, ...more] = await usersWithMail("ada@partner-company.com");
  assert.ok(user, "Graph has the user");
  assert.deepEqual(more, []);
  assert.equal(user[ext("PartnerRole")], "Partner");
  assert.equal(user[ext("CompanyName")], "Partner Company");
  assert.equal(typeof user[ext("ApprovedAt")], "string");
  assert.ok(!Number.isNaN(Date.parse(user[ext("ApprovedAt")])), "ApprovedAt is stored as a date-time");
  assert.equal(user.displayName, "Ada Lovelace");
});

test("a blocked domain (gmail.com, in any letter case) gets the block page with the policy's message and no account", async () => {
  for (const email of ["someone@gmail.com", "Someone.Else@GMAIL.Com"]) {
    await signInExternal(page, simulatorUrl, flowId, email);
    await expectEnding(page, "block-message");
    await shot("blocked");
    assert.equal(
      await text(page, "block-message"),
      "Sign-up with this email domain is not permitted. Please use your work email address.",
      email,
    );
    assert.equal(await page.$(byTestId("attribute-form")), null);
  }
  const users = (await call("GET", "/users")).body.value as Json[];
  assert.deepEqual(
    users.filter((u) => /gmail/i.test(String(u.mail))),
    [],
    "no account for a blocked domain",
  );
});

test("a domain outside the allow-list is blocked at Start with the allow-list's message and no account", async () => {
  await signInExternal(page, simulatorUrl, flowId, "someone@unknown-company.example");
  await expectEnding(page, "block-message");
  assert.equal(
    await text(page, "block-message"),
    "Sign-up is limited to approved partner organizations. Please contact your partner manager to request access.",
  );
  assert.equal(await page.$(byTestId("attribute-form")), null);
  assert.deepEqual(await usersWithMail("someone@unknown-company.example"), []);
});

test("a subdomain of an allowed domain with includeSubdomains is prefilled and gets that domain's role", async () => {
  await signInExternal(page, simulatorUrl, flowId, "erin@eu.trusted-vendor.org");
  await expectEnding(page, "attribute-form");
  const form = page.getByTestId("attribute-form");
  assert.equal(await form.getByLabel("Company name").inputValue(), "Trusted Vendor");
  await fillAndSubmitExternal(page, {
    "Display name": "Erin",
    "Given name": "Erin",
    Surname: "Lee",
    [JUSTIFICATION]: LONG,
  });
  await expectEnding(page, "account-created");
  assert.equal(await text(page, "account-PartnerRole"), "Vendor");
});

test("a too-short justification keeps the page with its own error beside the field and the message on top; corrected, the account is created", async () => {
  await signInExternal(page, simulatorUrl, flowId, "bob@partner-company.com");
  await expectEnding(page, "attribute-form");
  await fillAndSubmitExternal(page, {
    "Display name": "Bob Smith",
    "Given name": "Bob",
    Surname: "Smith",
    [JUSTIFICATION]: "too short",
  });
  await expectEnding(page, "attribute-form");
  await shot("field-error");
  assert.equal(
    await fieldError(page, JUSTIFICATION),
    "Please provide a more detailed justification for your access request.",
  );
  assert.equal(await fieldError(page, "Company name"), "", "only the bad field has an error");
  assert.notEqual(await pageMessage(page), "", "the message at the top");
  assert.equal(
    await page.getByTestId("attribute-form").getByLabel("Surname").inputValue(),
    "Smith",
    "values kept",
  );
  assert.deepEqual(await usersWithMail("bob@partner-company.com"), []);
  await fillAndSubmitExternal(page, { [JUSTIFICATION]: LONG });
  await expectEnding(page, "account-created");
  assert.equal((await usersWithMail("bob@partner-company.com")).length, 1);
});

test("a company name that does not match the email domain gets its own error beside the Company name field", async () => {
  await signInExternal(page, simulatorUrl, flowId, "carol@partner-company.com");
  await expectEnding(page, "attribute-form");
  await fillAndSubmitExternal(page, {
    "Display name": "Carol Jones",
    "Given name": "Carol",
    Surname: "Jones",
    "Company name": "Some Other Company",
    [JUSTIFICATION]: LONG,
  });
  await expectEnding(page, "attribute-form");
  await shot("company-mismatch");
  assert.equal(
    await fieldError(page, "Company name"),
    "The company name does not match our records for your email domain.",
  );
  assert.equal(await fieldError(page, JUSTIFICATION), "");
  assert.deepEqual(await usersWithMail("carol@partner-company.com"), []);
});

test("values typed into the attributes the connector assigns are replaced by the policy's (no self-assigned role)", async () => {
  await signInExternal(page, simulatorUrl, flowId, "dan@partner-company.com");
  await expectEnding(page, "attribute-form");
  await fillAndSubmitExternal(page, {
    "Display name": "Dan Brown",
    "Given name": "Dan",
    Surname: "Brown",
    [JUSTIFICATION]: LONG,
    "Partner role": "Administrator",
    "Approved at": "1999-01-01T00:00:00Z",
    "Job title": "Global Administrator",
  });
  await expectEnding(page, "account-created");
  const [user] = await usersWithMail("dan@partner-company.com");
  assert.ok(user, "Graph has the user");
  assert.equal(user[ext("PartnerRole")], "Partner");
  assert.equal(user.jobTitle, "Partner User");
  assert.notEqual(user[ext("ApprovedAt")], "1999-01-01T00:00:00Z");
});

test("the connector host validated the simulator's bearer tokens and answers 401 to a call without one or with a forged one", async () => {
  const refused = () =>
    connectorLog()
      .split("\n")
      .filter((line) => line.includes(TOKEN_REFUSED_EVENT));
  assert.deepEqual(refused(), [], "every call the simulator made carried a token the host accepted");
  const submit = `${connectorUrl.replace(/\/$/, "")}/onAttributeCollectionSubmit`;
  for (const authorization of [undefined, "Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0."]) {
    const res = await fetch(submit, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: JSON.stringify({
        type: "microsoft.graph.authenticationEvent.attributeCollectionSubmit",
        data: {},
      }),
    });
    assert.equal(res.status, 401, `${authorization ?? "no token"} is refused`);
    assert.equal(await res.text(), "", "a refused call learns nothing");
  }
  // The host writes its log in batches: wait for the lines, with a generous bound (60 s).
  for (let tries = 0; refused().length < 2 && tries < 600; tries++) await sleep(100);
  assert.deepEqual(
    refused().map((line) => JSON.parse(line.slice(line.indexOf("{"))).event),
    [TOKEN_REFUSED_EVENT, TOKEN_REFUSED_EVENT],
    "one log line per refused call",
  );
});

test("down() leaves no process, no open port and the emulator as seeded", async () => {
  // Users are created by sign-up, not by the stack: remove them like an admin would before tearing down.
  for (const user of (await call("GET", "/users")).body.value as Json[])
    assert.equal((await call("DELETE", `/users/${user.id}`)).status, 204);
  const records = listServices(opts.stateDir);
  assert.deepEqual(records.map((r) => r.name).sort(), [
    "azurite",
    "connector-host",
    "graph-emulator",
    "simulator",
  ]);
  let differences: string[] | undefined;
  await down({
    ...opts,
    beforeStop: async () => {
      differences = (await call("GET", "/_emulator/diff")).body.differences;
    },
  });
  isDown = true;
  assert.deepEqual(differences, []);
  for (const r of records) assert.equal(isAlive(r.pid), false, `${r.name} (pid ${r.pid}) still running`);
  for (const port of Object.values(opts.ports))
    assert.equal(await portIsOpen(port), false, `port ${port} open`);
  assert.deepEqual(listServices(opts.stateDir), []);
});
