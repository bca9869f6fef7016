/**
 * Driving the simulator's external-tenant sign-up in Chromium: sign in on an events flow, fill the
 * attribute page by the labels a person reads, submit, and read the message and each field's own error.
 */
import { AssertionError } from "node:assert/strict";
import type { Page } from "playwright-core";
import { byTestId, clickAndLoad } from "./browser-helpers";

/** What an external sign-up page can end on, by the data-testid of its main element. */
export const ENDINGS = [
  "attribute-form",
  "block-message",
  "error-message",
  "start-error",
  "no-sign-up",
  "account-created",
] as const;
export type Ending = (typeof ENDINGS)[number];

/**
 * Waits until the page shows one of the {@link ENDINGS} and asserts it is `wanted`. Otherwise it fails at
 * once with what the page shows instead: its message, the error code, and each extension call on the
 * timeline (step, attempt, HTTP status or failure, latency) — so a failure says why, not just "timeout".
 */
export async function expectEnding(page: Page, wanted: Ending): Promise<void> {
  await page.waitForSelector(ENDINGS.map(byTestId).join(", "));
  if ((await page.$(byTestId(wanted))) !== null) return;
  const shown: string[] = [];
  for (const ending of ENDINGS) {
    const element = await page.$(byTestId(ending));
    if (!element) continue;
    const code = await element.getAttribute("data-code");
    const words = ((await element.textContent()) ?? "").replace(/\s+/g, " ").trim().slice(0, 500);
    shown.push(`${ending}${code ? ` [${code}]` : ""}: ${words}`);
  }
  const calls = await page
    .locator(`${byTestId("timeline-entry")} .entry-head`)
    .allTextContents()
    .then((heads) => heads.map((h) => h.replace(/\s+/g, " ").trim()));
  throw new AssertionError({
    message:
      `the page at ${page.url()} shows ${shown.join("; ")} instead of ${wanted}\n` +
      `extension calls: ${calls.length > 0 ? calls.join(" | ") : "none"}`,
    actual: shown,
    expected: wanted,
    operator: "expectEnding",
  });
}

/** A value for a field found by its label: text, one radio option, several check boxes, or a tick. */
export type FieldValue = string | readonly string[] | boolean;

/** Opens the start page of `flowId`, signs in with `idp` as `email`; resolves on the next page. */
export async function signInExternal(
  page: Page,
  url: string,
  flowId: string,
  email: string,
  opts: { idp?: string; clientIp?: string } = {},
): Promise<void> {
  await page.goto(`${url.replace(/\/$/, "")}/?flow=${encodeURIComponent(flowId)}`);
  if (opts.idp) await page.click(byTestId(`idp-${opts.idp}`));
  await page.fill(byTestId("email"), email);
  if (opts.clientIp) await page.fill(byTestId("client-ip"), opts.clientIp);
  await clickAndLoad(page, byTestId("start"));
}

/**
 * Fills the attribute page by label (`"Company name"`, `"Tier"`): a string is typed into a text field or
 * picks the radio option with that label; a list ticks exactly those check-box options; a boolean ticks or
 * clears a single check box. Then submits and waits for the next page.
 */
export async function fillAndSubmitExternal(
  page: Page,
  values: Readonly<Record<string, FieldValue>>,
): Promise<void> {
  const form = page.getByTestId("attribute-form");
  for (const [label, value] of Object.entries(values)) {
    if (typeof value === "boolean") {
      await form.getByRole("checkbox", { name: label, exact: false }).setChecked(value);
      continue;
    }
    const group = form.getByRole("group", { name: label, exact: false });
    if (Array.isArray(value)) {
      for (const box of await group.getByRole("checkbox").all()) {
        const boxLabel = ((await box.evaluate((el) => el.parentElement?.textContent ?? "")) as string).trim();
        await box.setChecked(value.includes(boxLabel));
      }
      continue;
    }
    if ((await group.count()) > 0) {
      await group.getByRole("radio", { name: value as string, exact: true }).check();
      continue;
    }
    await form.getByLabel(label, { exact: false }).fill(value as string);
  }
  await clickAndLoad(page, byTestId("submit"));
}

/** The error shown beside the field labelled `label`, found through its `aria-describedby`; "" when none. */
export async function fieldError(page: Page, label: string): Promise<string> {
  const form = page.getByTestId("attribute-form");
  const group = form.getByRole("group", { name: label, exact: false });
  const control =
    (await group.count()) > 0
      ? group
      : (await form.getByRole("checkbox", { name: label, exact: false }).count()) > 0
        ? form.getByRole("checkbox", { name: label, exact: false })
        : form.getByLabel(label, { exact: false });
  const describedBy = await control.first().getAttribute("aria-describedby");
  if (!describedBy) return "";
  return ((await page.locator(`[id="${describedBy}"]`).textContent()) ?? "").trim();
}

/** The message at the top of the attribute page (showValidationError `message`); "" when none. */
export async function pageMessage(page: Page): Promise<string> {
  const message = page.getByTestId("validation-message");
  return (await message.count()) > 0 ? ((await message.textContent()) ?? "").trim() : "";
}
