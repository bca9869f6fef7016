/**
 * The whole local system in a real browser: `up()` from local/system.ts on free ports (Azurite, Graph
 * emulator, connector host, simulator, the real `pulumi up`), then Chromium through the sign-up page
 * with the seeded policy, then `down()` — which must leave no process, no open port and no emulator object.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { isAlive, listServices, portIsOpen } from "../../local/daemons";
import { down, localStack, repoRoot, up, type LocalSystemOptions } from "../../local/system";
import {
  byTestId,
  ext,
  freePorts,
  keepServiceLogs,
  launchChromium,
  newTestPage,
  signIn,
  submitAttributes,
  testConfig,
  text,
  trackFailures,
} from "./browser-helpers";
import { graph, type Json } from "./helpers";

const RESULTS = path.join(repoRoot, "test-results", "local");
const LONG = "We supply parts for the partner portal and need access to order tracking.";
let opts: LocalSystemOptions;
let browser: Browser | undefined;
let page: Page;
let simulatorUrl: string;
let call: ReturnType<typeof graph>;
let isDown = false;
const progress: string[] = [];

/** Brings the system up and waits until the sign-up page shows the deployed flow; returns milliseconds. */
async function upUntilReady(): Promise<number> {
  const started = Date.now();
  const info = await up(opts);
  simulatorUrl = info.simulatorUrl;
  const res = await fetch(simulatorUrl);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /B2X_1_PartnerSignUp/);
  return Date.now() - started;
}

before(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  const stateDir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "browser-"));
  const ports = await freePorts();
  opts = {
    stateDir,
    ports,
    configFile: testConfig(repoRoot, stateDir, 2),
    onProgress: (line) => progress.push(line),
  };
  call = graph(`http://127.0.0.1:${ports.graph}`);
  const cold = await upUntilReady();
  const warm = await upUntilReady();
  const timing = `up() until the sign-up page is ready: cold ${(cold / 1000).toFixed(1)} s, warm ${(warm / 1000).toFixed(1)} s`;
  fs.writeFileSync(path.join(RESULTS, "timing.txt"), `${timing}\n`);
  console.log(`# ${timing}`);
  browser = await launchChromium();
  page = await newTestPage(browser);
});

const failures = trackFailures();

after(async () => {
  await browser?.close();
  // Why a test failed is in the services' logs, which go with the state folder: keep them and print their ends.
  if (failures.any && opts) console.error(keepServiceLogs(repoRoot, opts.stateDir, "browser"));
  // A failed test must not leave services behind; the last test asserts the clean shut-down itself.
  if (!isDown && opts) await down(opts).catch((err: unknown) => console.error(err));
  if (opts) fs.rmSync(opts.stateDir, { recursive: true, force: true });
});

async function usersWithMail(mail: string): Promise<Json[]> {
  return (await call("GET", `/users?$filter=mail eq '${mail}'`)).body.value;
}

/**
 * The README's picture of the attribute page. Written when missing or with UPDATE_SCREENSHOTS=1 only: the
 * timeline shows this run's ports, so rewriting it on every run would leave the working tree dirty.
 */
async function docsScreenshot(): Promise<void> {
  const file = path.join(repoRoot, "docs", "images", "signup-page.png");
  if (fs.existsSync(file) && process.env.UPDATE_SCREENSHOTS !== "1") return;
  await page.evaluate(() =>
    (
      globalThis as unknown as { document: { activeElement: { blur(): void } | null } }
    ).document.activeElement?.blur(),
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: true });
}

test("an approved domain is prefilled, created as a guest with PartnerRole Partner and the enriched job title", async () => {
  await signIn(page, simulatorUrl, "ada@partner-company.com");
  assert.equal(
    await page.inputValue(byTestId(`field-${ext("CompanyName")}`)),
    "Partner Company",
    "prefilled",
  );
  await page.fill(byTestId(`field-${ext("Justification")}`), LONG);
  await page.fill(byTestId("field-displayName"), "Ada Lovelace");
  await page.fill(byTestId("field-givenName"), "Ada");
  await page.fill(byTestId("field-surname"), "Lovelace");
  await shot("attribute-page");
  await docsScreenshot();
  await submitAttributes(page, {});
  await page.waitForSelector(byTestId("account-created"));
  await shot("account-created");
  assert.equal(await text(page, "account-PartnerRole"), "Partner");
  assert.equal(await text(page, "account-jobTitle"), "Partner User");
  const steps = await page.$$eval(`${byTestId("timeline")} li`, (items) =>
    items.map((li) => `${li.getAttribute("data-step")}:${li.getAttribute("data-status")}`),
  );
  assert.deepEqual(steps, ["postFederationSignup:200", "postAttributeCollection:200"]);
  const [user] = await usersWithMail("ada@partner-company.com");
  assert.equal(user.userType, "Guest");
  assert.equal(user[ext("PartnerRole")], "Partner");
  assert.equal(user[ext("CompanyName")], "Partner Company");
});

test("a blocked domain (gmail.com) gets the block page and no account", async () => {
  await signIn(page, simulatorUrl, "someone@gmail.com");
  await page.waitForSelector(byTestId("block-message"));
  await shot("blocked");
  assert.ok((await text(page, "block-message")).length > 0);
  assert.equal(await page.$(byTestId("attribute-form")), null);
  assert.deepEqual(await usersWithMail("someone@gmail.com"), []);
});

test("a short justification keeps the person on the page with the message; fixed, the account is created", async () => {
  await signIn(page, simulatorUrl, "bob@partner-company.com");
  await submitAttributes(page, {
    Justification: "too short",
    displayName: "Bob",
    givenName: "Bob",
    surname: "Smith",
  });
  await page.waitForSelector(byTestId("validation-message"));
  await shot("validation-error");
  assert.match(await text(page, "validation-message"), /justification/i);
  assert.equal(await page.inputValue(byTestId("field-surname")), "Smith", "values kept");
  assert.deepEqual(await usersWithMail("bob@partner-company.com"), []);
  await submitAttributes(page, { Justification: LONG });
  await page.waitForSelector(byTestId("account-created"));
  assert.equal((await usersWithMail("bob@partner-company.com")).length, 1);
});

test("over the per-domain rate limit (2 in this test's config) the next sign-up is blocked", async () => {
  const emails = ["one@trusted-vendor.org", "two@trusted-vendor.org", "three@trusted-vendor.org"];
  for (const email of emails) {
    await signIn(page, simulatorUrl, email);
    await submitAttributes(page, {
      Justification: LONG,
      displayName: "Vendor",
      givenName: "V",
      surname: "Endor",
    });
    await page.waitForSelector(`${byTestId("account-created")}, ${byTestId("block-message")}`);
  }
  await shot("rate-limited");
  assert.ok((await text(page, "block-message")).length > 0, "the third sign-up is blocked");
  assert.equal((await usersWithMail("two@trusted-vendor.org")).length, 1);
  assert.deepEqual(await usersWithMail("three@trusted-vendor.org"), []);
});

test("the local stack's state holds the connector password and admin key only encrypted", () => {
  const settingsFile = path.join(opts.stateDir, "connector-settings.json");
  const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8")) as Record<string, string>;
  const secrets = [settings.CONNECTOR_BASIC_PASSWORD, settings.SIGNUP_ADMIN_KEY];
  let state = "";
  const backend = path.join(opts.stateDir, "pulumi-state");
  for (const entry of fs.readdirSync(backend, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) state += fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
  }
  assert.ok(state.includes("signup-postAttributeCollection"), "the state files were found");
  for (const secret of secrets) {
    assert.ok(secret && secret.length >= 32, "the host got a generated secret");
    assert.ok(!state.includes(secret), "a generated secret appears in the state in plain text");
  }
  assert.equal(fs.statSync(settingsFile).mode & 0o077, 0, "the settings file is private to its owner");
});

test("the real local program previews clean with the policy pack and policy/config/local.json", async () => {
  const stack = await localStack(opts);
  const previousPath = process.env.PATH;
  // policy/bin holds the analyzer shim the locally built CLI needs (policy/README.md).
  process.env.PATH = `${path.join(repoRoot, "policy", "bin")}:${previousPath ?? ""}`;
  try {
    const preview = await stack.preview({
      color: "never",
      policyPacks: [path.join(repoRoot, "policy")],
      policyPackConfigs: [path.join(repoRoot, "policy", "config", "local.json")],
    });
    assert.doesNotMatch(preview.stdout, /mandatory|advisory/, "no policy violation");
    assert.match(preview.stdout, /entra-signup-guardrails/, "the pack ran");
  } finally {
    process.env.PATH = previousPath;
  }
});

test("down() leaves no process, no open port and no emulator object", async () => {
  // Guests are created by sign-up, not by the stack: remove them like an admin would before tearing down.
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
