/**
 * Server-rendered sign-up pages, shaped like Entra's: choose how to sign in, the attribute page, and the
 * outcome (block page, created account, failure). No script is needed; forms post back to the server.
 */
import { markup, testId, type Html } from "./html";
import { timeline } from "./timeline";
import type { FlowField, FlowModel, Session } from "./types";

/** The document around a page body. */
export function layout(title: string, body: Html): string {
  return markup`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Sign-up simulator</title>
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>
        <header class="banner">
          <span class="brand">Entra External ID</span> <span class="tag">local sign-up simulator</span>
        </header>
        <main id="main">${body}</main>
      </body>
    </html> `.text;
}

/**
 * What the simulator does not do. Entra would send an email one-time passcode or open the identity
 * provider's sign-in page here; locally nobody can receive the code or own the Google/Facebook account.
 */
const signInSkipped = markup`<p class="note" data-testid="sign-in-skipped">
  Sign-in is skipped locally: no one-time passcode is sent and no identity provider page opens. You are
  signed in as the email you type, with the identities claim the chosen provider would send.
</p>`;

/** Step 1: choose the flow (when there are several), an identity provider and the email to sign in as. */
export function startPage(flowIds: readonly string[], flow: FlowModel | undefined, error?: string): string {
  if (!flow)
    return layout(
      "No user flow",
      markup`<h1>No user flow yet</h1>
        <p class="message" role="alert" data-testid="no-flow">${error ?? "The tenant has no B2X user flow. Run npm run local to deploy one."}</p>`,
    );
  const flows =
    flowIds.length > 1
      ? markup`<form method="get" action="/" class="flows">
          <label for="flow">User flow</label>
          <select id="flow" name="flow" data-testid="flow">
            ${flowIds.map(
              (id) => markup`<option value="${id}" ${id === flow.id ? markup`selected` : ""}>${id}</option>`,
            )}
          </select>
          <button type="submit">Switch</button>
        </form>`
      : "";
  return layout(
    "Sign up",
    markup`<h1>Create your account</h1>
      <p class="sub">User flow <code data-testid="flow-id">${flow.id}</code></p>
      ${flows}
      <form method="post" action="/start" class="card">
        <input type="hidden" name="flow" value="${flow.id}" />
        <fieldset>
          <legend>Sign in with</legend>
          ${flow.identityProviders.map(
            (p, i) =>
              markup`<label class="choice"
                ><input
                  type="radio"
                  name="idp"
                  value="${p.id}"
                  data-testid="idp-${testId(p.id)}"
                  ${i === 0 ? markup`checked` : ""}
                  required
                />
                ${p.displayName}</label
              >`,
          )}
        </fieldset>
        <label for="email">Email address</label>
        <input id="email" name="email" type="email" autocomplete="email" required data-testid="email" />
        ${signInSkipped}
        <button type="submit" data-testid="start">Next</button>
      </form>
      ${error ? markup`<p class="message" role="alert" data-testid="start-error">${error}</p>` : ""}`,
  );
}

/** Step 2: the flow's attributes in page order, with the connector's message if it refused the values. */
export function attributePage(flow: FlowModel, session: Session): string {
  const message = session.message
    ? markup`<div class="message error" role="alert" id="form-message" data-testid="validation-message">${session.message}</div>`
    : session.missing.length > 0
      ? markup`<div class="message error" role="alert" id="form-message" data-testid="missing-message">Please fill in the required fields.</div>`
      : "";
  return layout(
    "Your details",
    markup`<h1>Tell us about yourself</h1>
      <p class="sub">
        Signing up as <strong data-testid="signed-in-email">${session.email}</strong> with
        ${session.idp.displayName}
      </p>
      ${signInSkipped}
      ${message}
      <form
        method="post"
        action="/signup/${session.id}"
        class="card"
        data-testid="attribute-form"
        ${message ? markup`aria-describedby="form-message"` : ""}
      >
        ${flow.fields.map((f) => field(f, session))}
        <p class="hint"><span aria-hidden="true">*</span> required</p>
        <button type="submit" data-testid="submit">Continue</button>
      </form>
      ${timeline(session)}`,
  );
}

function field(f: FlowField, session: Session): Html {
  const value = session.values[f.id] ?? "";
  const missing = session.missing.includes(f.id);
  const id = `f-${testId(f.id)}`;
  const label = markup`${f.label}${f.optional ? "" : markup` <span class="req" aria-hidden="true">*</span>`}`;
  const common = markup`name="${f.id}" data-testid="field-${testId(f.id)}"
  ${f.optional ? "" : markup`required aria-required="true"`} ${missing ? markup`aria-invalid="true"` : ""}`;
  const hintId = `${id}-hint`;
  const hint = f.description
    ? markup`<p class="field-hint" id="${hintId}" data-testid="hint-${testId(f.id)}">${f.description}</p>`
    : "";
  const describedBy = f.description ? markup`aria-describedby="${hintId}"` : "";
  const attrs = markup`data-attribute="${f.name}" data-input-type="${f.inputType}"`;
  if (f.inputType === "radioSingleSelect" || f.inputType === "checkboxMultiSelect") {
    const type = f.inputType === "radioSingleSelect" ? "radio" : "checkbox";
    const chosen = new Set(value.split(",").filter(Boolean));
    return markup`<fieldset class="field" ${attrs} data-testid="field-${testId(f.id)}" ${describedBy}>
      <legend>${label}</legend>
      ${hint}
      ${f.options.map(
        (o) =>
          markup`<label class="choice"
            ><input
              type="${type}"
              name="${f.id}"
              value="${o.value}"
              data-testid="field-${testId(f.id)}-${testId(o.value)}"
              ${chosen.has(o.value) ? markup`checked` : ""}
              ${type === "radio" && !f.optional ? markup`required` : ""}
            />
            ${o.label}</label
          >`,
      )}
    </fieldset>`;
  }
  if (f.inputType === "dropdownSingleSelect") {
    return markup`<div class="field" ${attrs}>
      <label for="${id}">${label}</label>
      ${hint}
      <select id="${id}" ${common} ${describedBy}>
        <option value="">Select…</option>
        ${f.options.map(
          (o) =>
            markup`<option value="${o.value}" ${o.value === value ? markup`selected` : ""}>${o.label}</option>`,
        )}
      </select>
    </div>`;
  }
  const type = f.inputType === "emailBox" ? "email" : f.inputType === "dateTimeDropdown" ? "date" : "text";
  // The email was verified by the identity provider: shown, not editable (as on Entra's page).
  const verified = f.id.toLowerCase() === "email";
  return markup`<div class="field" ${attrs}>
    <label for="${id}">${label}</label>
    ${hint}
    <input id="${id}" type="${type}" value="${value}" ${common} ${verified ? markup`readonly` : ""} ${describedBy} />
  </div>`;
}
