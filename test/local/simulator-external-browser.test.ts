/**
 * The simulator's external-tenant pages in Chromium, driven the way a person reads them (fields by label,
 * errors through aria-describedby). Graph and the extension are in-test servers standing in for the
 * emulator's events-flow routes and the Function App's Start/Submit routes; the whole-system test through
 * `npm run local` uses the same helpers (browser-external-helpers.ts).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startSimulator, type Simulator } from "../../local/simulator/server";
import { byTestId, launchChromium, newTestPage, text } from "./browser-helpers";
import { fieldError, fillAndSubmitExternal, pageMessage, signInExternal } from "./browser-external-helpers";
import {
  eventsFlow,
  ext,
  extensionBody,
  fakeExtension,
  fakeExternalGraph,
  respond,
} from "./external-tenant-fakes";

const FLOW = "0f0e0d0c-0b0a-4909-8807-060504030201";
const SUBMIT_ID = "66666666-7777-4888-8999-aaaaaaaaaaaa";
const SUBMIT = "/api/onAttributeCollectionSubmit";

let graph: Awaited<ReturnType<typeof fakeExternalGraph>>;
let extension: Awaited<ReturnType<typeof fakeExtension>>;
let sim: Simulator;
let browser: Browser;
let page: Page;

before(async () => {
  graph = await fakeExternalGraph();
  extension = await fakeExtension();
  graph.state.extensions = {
    [SUBMIT_ID]: extensionBody(SUBMIT_ID, "Submit", `${extension.url}${SUBMIT}`),
  };
  graph.state.flows = [eventsFlow(FLOW, { submit: { id: SUBMIT_ID } })];
  sim = await startSimulator({ graphUrl: graph.url, port: 0, log: () => undefined });
  browser = await launchChromium();
  page = await newTestPage(browser);
});
after(async () => {
  await browser?.close();
  await sim.close();
  await extension.close();
  await graph.close();
});

const DETAILS = {
  "Company name": "Contoso Ltd",
  "Given name": "Ada",
  "Loyalty number": "2010",
  Tier: "Gold",
  Interests: ["Hiking", "Chess"],
  "Send me news": true,
  "I accept the terms": true,
  City: "Oslo",
};

test("a person fixes a field the page refuses, then the one the Submit extension refuses, each error shown beside its field, and gets the account", async () => {
  extension.script(SUBMIT, {
    body: respond("attributeCollectionSubmit", "showValidationError", {
      message: "Please fix the highlighted field.",
      attributeErrors: { city: "We do not serve this city yet." },
    }),
  });
  await signInExternal(page, sim.url, FLOW, "ada@contoso.example");
  await fillAndSubmitExternal(page, { ...DETAILS, "Loyalty number": "12a" });
  assert.equal(await fieldError(page, "Loyalty number"), "Enter a whole number.");
  assert.equal(await fieldError(page, "City"), "");
  assert.equal(extension.received.length, 0, "the page refused before calling Submit");

  await fillAndSubmitExternal(page, DETAILS);
  assert.equal(await pageMessage(page), "Please fix the highlighted field.");
  assert.equal(await fieldError(page, "City"), "We do not serve this city yet.");
  assert.equal(await fieldError(page, "Company name"), "");

  await fillAndSubmitExternal(page, { City: "Bergen" });
  await page.waitForSelector(byTestId("account-created"));
  assert.equal(await text(page, "account-city"), "Bergen");
  assert.equal(await text(page, "account-LoyaltyNumber"), "2010");
  assert.equal(await text(page, "account-Interests"), "hiking,chess");
  assert.equal(graph.state.users[0]?.[ext("Newsletter")], true);
});

test("a Submit extension's block page shows its title and message", async () => {
  extension.script(SUBMIT, {
    body: respond("attributeCollectionSubmit", "showBlockPage", {
      title: "Sign-up closed",
      message: "Customers from this domain sign up through their company.",
    }),
  });
  await signInExternal(page, sim.url, FLOW, "someone@blocked.example");
  await fillAndSubmitExternal(page, DETAILS);
  assert.equal(await text(page, "block-title"), "Sign-up closed");
  assert.equal(
    await text(page, "block-message"),
    "Customers from this domain sign up through their company.",
  );
});
