/** Fixtures for the browser test: free ports, a test copy of the local stack config, and page driving. */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { afterEach } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { tail } from "../../local/daemons";
import { DEFAULT_SEED } from "../../local/graph-emulator/index";
import type { LocalPorts } from "../../local/system";

/** Six distinct free loopback ports (held open together so none is handed out twice). */
export async function freePorts(): Promise<LocalPorts> {
  const servers = await Promise.all(
    Array.from({ length: 6 }, () => {
      const s = net.createServer();
      return new Promise<net.Server>((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
    }),
  );
  const [graph, connector, simulator, azuriteBlob, azuriteQueue, azuriteTable] = servers.map(
    (s) => (s.address() as net.AddressInfo).port,
  ) as [number, number, number, number, number, number];
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return { graph, connector, simulator, azuriteBlob, azuriteQueue, azuriteTable };
}

/** Writes a copy of Pulumi.local.yaml with the per-domain rate limit lowered so a test can reach it. */
export function testConfig(repoRoot: string, dir: string, perDomain: number): string {
  const doc = parseYaml(fs.readFileSync(path.join(repoRoot, "Pulumi.local.yaml"), "utf8")) as {
    config: Record<string, { policy?: { rateLimit?: Record<string, unknown> } }>;
  };
  const policy = doc.config["entra-signup:connector"]?.policy;
  if (!policy?.rateLimit) throw new Error("Pulumi.local.yaml has no connector.policy.rateLimit");
  policy.rateLimit.perDomain = perDomain;
  const file = path.join(dir, "Pulumi.local.test.yaml");
  fs.writeFileSync(file, stringifyYaml(doc));
  return file;
}

/** Debian's Chromium, headless, with everything that would reach the network switched off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A bound on one page action or navigation, in ms: generous, because a loaded CI machine runs three test
 * files at once (each with its own local system and engine) and a bound only has to catch a hang.
 */
export const PAGE_BOUND_MS = 120_000;

/** A new page (en-US, 1100×1300) whose actions and navigations wait up to {@link PAGE_BOUND_MS}. */
export async function newTestPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ locale: "en-US", viewport: { width: 1100, height: 1300 } });
  page.setDefaultTimeout(PAGE_BOUND_MS);
  page.setDefaultNavigationTimeout(PAGE_BOUND_MS);
  return page;
}

/** The claim key (and data-testid suffix) of a custom attribute in the emulator's seeded tenant. */
export function ext(name: string): string {
  return `extension_${DEFAULT_SEED.extensionsAppId.replace(/-/g, "")}_${name}`;
}

export const byTestId = (id: string) => `[data-testid="${id}"]`;

/**
 * Clicks `selector` and resolves once the next document has loaded. Waiting on the URL or the load state
 * instead resolves at once when the page already matches (a post/redirect/get back to the same
 * `/signup/{id}` URL), so the test would then rest only on `click` waiting for the navigation it starts — a
 * default Playwright has deprecated (`noWaitAfter` "will default to true").
 */
export async function clickAndLoad(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent("load"), page.click(selector)]);
}

/** Signs in on the simulator's start page; resolves on the next page (attribute page or block page). */
export async function signIn(
  page: Page,
  url: string,
  email: string,
  idp = "EmailOtpSignup-OAUTH",
): Promise<void> {
  await page.goto(url);
  await page.click(byTestId(`idp-${idp}`));
  await page.fill(byTestId("email"), email);
  await clickAndLoad(page, byTestId("start"));
}

/** Fills the attribute page (built-ins by id, custom attributes by name) and submits it. */
export async function submitAttributes(page: Page, values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    const id = /^[a-z]/.test(key) ? key : ext(key);
    await page.fill(byTestId(`field-${id}`), value);
  }
  await clickAndLoad(page, byTestId("submit"));
}

/**
 * Copies the services' logs of a local system to `test-results/local/<label>-logs/` and returns the last
 * lines of each, for a failed test to print: the run's state folder is removed afterwards, and without the
 * logs a failure on a loaded CI machine could not be explained. The logs hold no secret (see secrets.test.ts).
 */
export function keepServiceLogs(repoRoot: string, stateDir: string, label: string, lines = 40): string {
  const from = path.join(stateDir, "logs");
  if (!fs.existsSync(from)) return `(no logs in ${from})`;
  const to = path.join(repoRoot, "test-results", "local", `${label}-logs`);
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true });
  return fs
    .readdirSync(from)
    .filter((file) => file.endsWith(".log"))
    .sort()
    .map(
      (file) =>
        `--- ${path.join(to, file)} (its end)\n${tail(stateDir, file.slice(0, -".log".length), lines)}`,
    )
    .join("\n");
}

/** Registers an `afterEach` that notes whether any test of the file failed. */
export function trackFailures(): { readonly any: boolean } {
  const seen = { any: false };
  afterEach((t) => {
    // TestContext.passed (Node.js 21+) is not in @types/node 22 yet.
    if ((t as { passed?: boolean }).passed === false) seen.any = true;
  });
  return seen;
}

/** Trimmed text of the element with this test id. */
export async function text(page: Page, id: string): Promise<string> {
  return ((await page.textContent(byTestId(id))) ?? "").trim();
}
