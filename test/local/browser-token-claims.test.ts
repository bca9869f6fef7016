/**
 * Token claims through the whole local system of an external tenant, in Chromium: `up()` with
 * `tenantKind: "external"` on free ports (Graph emulator as a CIAM tenant, connector host, simulator, the
 * real `pulumi up` of Pulumi.local-external.yaml with its `tokenClaims`), a partner signs up, then signs in
 * to the Partner Portal: the emulator calls the connector's OnTokenIssuanceStart route with an Entra-shaped
 * token, applies the deployed claims mapping policy, and the simulator shows the ID token's claims.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { DEFAULT_SEED } from "../../local/graph-emulator/index";
import { down, repoRoot, up, type LocalSystemOptions } from "../../local/system";
import { expectEnding, fillAndSubmitExternal, signInExternal } from "./browser-external-helpers";
import {
  byTestId,
  freePorts,
  keepServiceLogs,
  launchChromium,
  newTestPage,
  text,
  trackFailures,
} from "./browser-helpers";
import { graph } from "./helpers";

const RESULTS = path.join(repoRoot, "test-results", "local");
const PARTNER_PORTAL = DEFAULT_SEED.sampleAppId;
let opts: LocalSystemOptions | undefined;
let browser: Browser | undefined;
let page: Page;
let simulatorUrl: string;
let flowId: string;
const progress: string[] = [];

before(async () => {
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
  const stateDir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "token-claims-"));
  const ports = await freePorts();
  opts = { stateDir, ports, tenantKind: "external", onProgress: (line) => progress.push(line) };
  const info = await up(opts);
  simulatorUrl = info.simulatorUrl;
  const flows = await graph(info.graphUrl)("GET", "/identity/authenticationEventsFlows");
  assert.equal(flows.status, 200);
  flowId = flows.body.value[0].id;
  browser = await launchChromium();
  page = await newTestPage(browser);
});

const failures = trackFailures();

after(async () => {
  await browser?.close();
  if (failures.any && opts) console.error(keepServiceLogs(repoRoot, opts.stateDir, "token-claims"));
  if (opts) {
    await down(opts).catch((err: unknown) => console.error(err, progress.join("\n")));
    fs.rmSync(opts.stateDir, { recursive: true, force: true });
  }
});

test("a signed-up partner's sign-in shows PartnerRole in the token claims on the simulator page", async () => {
  await signInExternal(page, simulatorUrl, flowId, "ada@partner-company.com");
  await expectEnding(page, "attribute-form");
  await fillAndSubmitExternal(page, {
    "Display name": "Ada Lovelace",
    "Given name": "Ada",
    Surname: "Lovelace",
    "Why do you need access?": "We supply parts for the partner portal and need order tracking.",
  });
  await expectEnding(page, "account-created");
  assert.equal(await text(page, "account-PartnerRole"), "Partner");

  const button = page.getByTestId(`sign-in-${PARTNER_PORTAL}`);
  assert.equal(((await button.textContent()) ?? "").trim(), "Sign in to Partner Portal");
  await Promise.all([page.waitForURL(/\/sign-in$/), button.click()]);
  await page.screenshot({ path: path.join(RESULTS, "token-claims.png"), fullPage: true });

  assert.equal(await text(page, "token-claim-partner_role"), "Partner", "PartnerRole under its JWT name");
  assert.equal(await text(page, "token-claim-partnerTier"), "gold");
  assert.equal(await text(page, "token-claim-aud"), PARTNER_PORTAL);
  assert.equal(await page.$(byTestId("token-claim-PartnerRole")), null, "only the mapped name is issued");

  const entry = page.locator(`${byTestId("timeline-entry")}[data-step="tokenIssuanceStart"]`);
  assert.equal(await entry.count(), 1);
  assert.equal(await entry.getAttribute("data-status"), "200");
  const request = (await entry.getByTestId("timeline-request").textContent()) ?? "";
  assert.match(request, /Bearer <redacted>/);
  assert.match(request, /ada@partner-company\.com/);
  assert.doesNotMatch(request, /eyJ[\w-]+\.[\w-]+\./, "no token in the page");
  const response = (await entry.getByTestId("timeline-response").textContent()) ?? "";
  assert.match(response, /provideClaimsForToken/);
});
