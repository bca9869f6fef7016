/**
 * Driving the simulator's external-tenant sign-up in Chromium: sign in on an events flow, fill the
 * attribute page by the labels a person reads, submit, and read the message and each field's own error.
 */
import type { Page } from "playwright-core";
import { byTestId } from "./browser-helpers";

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
  await Promise.all([page.waitForURL(/\/signup\//), page.click(byTestId("start"))]);
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
  await Promise.all([page.waitForURL(/\/signup\//), page.click(byTestId("submit"))]);
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
