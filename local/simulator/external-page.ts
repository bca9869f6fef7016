/**
 * Server-rendered pages of an external tenant's sign-up, shaped like Entra's: sign in, the attribute page
 * (inputs in the flow's order, each with its own error beside it), and the outcome (block page with its
 * title, created account, failure with the 1003xxx code Entra would log).
 *
 * Learn: https://learn.microsoft.com/entra/external-id/customers/how-to-user-flow-add-custom-attributes
 */
import { shortAttributeName } from "./graph";
import { markup, testId, type Html } from "./html";
import type { ExternalFlowModel, ExternalInput, FlowListing } from "./events-flow";
import type { ExternalSession } from "./external-runner";
import { layout } from "./page";
import { timeline } from "./timeline";

const CALLS = "Custom authentication extension calls";

/** The attribute page's DOM ids and test ids of one input (the browser helpers use the same rule). */
export function inputIds(attribute: string) {
  const token = testId(attribute);
  return {
    control: `x-${token}`,
    error: `x-${token}-error`,
    testId: `field-${token}`,
    errorTestId: `field-error-${token}`,
  };
}

/** Why nobody can sign up through this flow right now, or `undefined` when they can. */
export function cannotSignUp(flow: ExternalFlowModel): string | undefined {
  if (!flow.isSignUpAllowed)
    return "Sign-up is switched off in this flow (onInteractiveAuthFlowStart.isSignUpAllowed is false).";
  if (flow.includeApplications.length === 0)
    return "This flow includes no application (conditions.applications.includeApplications is empty): Entra runs a sign-up flow only for the applications it includes. Add the application to the flow.";
  if (flow.identityProviders.length === 0) return "This flow has no identity provider.";
  return undefined;
}

/** Step 1: choose the flow, the application, how to sign in, and the email to sign in as. */
export function externalStartPage(
  flows: readonly FlowListing[],
  flow: ExternalFlowModel,
  clientIp: string,
  error?: string,
): string {
  const blocked = cannotSignUp(flow);
  const switcher =
    flows.length > 1
      ? markup`<form method="get" action="/" class="flows">
          <label for="flow">User flow</label>
          <select id="flow" name="flow" data-testid="flow">
            ${flows.map(
              (f) =>
                markup`<option value="${f.id}" ${f.id === flow.id ? markup`selected` : ""}>${f.label}</option>`,
            )}
          </select>
          <button type="submit">Switch</button>
        </form>`
      : "";
  const apps =
    flow.includeApplications.length > 1
      ? markup`<label for="app">Application</label>
          <select id="app" name="app" data-testid="app">
            ${flow.includeApplications.map((a) => markup`<option value="${a}">${a}</option>`)}
          </select>`
      : markup`<input type="hidden" name="app" value="${flow.includeApplications[0] ?? ""}" />`;
  const form = markup`<form method="post" action="/start" class="card">
    <input type="hidden" name="flow" value="${flow.id}" />
    ${apps}
    <fieldset>
      <legend>Sign in with</legend>
      ${flow.identityProviders.map(
        (p, i) =>
          markup`<label class="choice"
            ><input type="radio" name="idp" value="${p.id}" data-testid="idp-${testId(p.id)}" ${i === 0 ? markup`checked` : ""} required />
            ${p.displayName}</label
          >`,
      )}
    </fieldset>
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" autocomplete="email" required data-testid="email" />
    <label for="client-ip">Client IP address (as Entra sees the browser)</label>
    <input id="client-ip" name="clientIp" type="text" value="${clientIp}" data-testid="client-ip" />
    <p class="note" data-testid="sign-in-skipped">
      Sign-in is skipped locally: no password is checked, no one-time passcode is sent and no identity
      provider page opens. You are signed in as the email you type.
    </p>
    <button type="submit" data-testid="start">Next</button>
  </form>`;
  return layout(
    "Sign up",
    markup`<h1>Create your account</h1>
      <p class="sub">
        External tenant user flow <strong data-testid="flow-name">${flow.displayName}</strong>
        <code data-testid="flow-id">${flow.id}</code>
      </p>
      ${switcher}
      ${blocked ? markup`<p class="message" role="alert" data-testid="no-sign-up">${blocked}</p>` : form}
      ${error ? markup`<p class="message" role="alert" data-testid="start-error">${error}</p>` : ""}`,
  );
}

/** Step 2: the page's visible inputs in order; the extension's message on top, each field's error beside it. */
export function externalAttributePage(flow: ExternalFlowModel, session: ExternalSession): string {
  const message = session.message
    ? markup`<div class="message error" role="alert" id="form-message" data-testid="validation-message">${session.message}</div>`
    : "";
  return layout(
    "Your details",
    markup`<h1>Tell us about yourself</h1>
      <p class="sub">
        Signing up as <strong data-testid="signed-in-email">${session.email}</strong> with
        ${session.idp.displayName}
      </p>
      ${message}
      <form
        method="post"
        action="/signup/${session.id}"
        class="card"
        data-testid="attribute-form"
        novalidate
        ${message ? markup`aria-describedby="form-message"` : ""}
      >
        ${flow.inputs.filter((i) => !i.hidden).map((i) => inputField(i, session))}
        <p class="hint"><span aria-hidden="true">*</span> required</p>
        <button type="submit" data-testid="submit">Continue</button>
      </form>
      ${timeline(session, CALLS)}`,
  );
}

function inputField(input: ExternalInput, session: ExternalSession): Html {
  const ids = inputIds(input.attribute);
  const value = session.values[input.attribute] ?? "";
  const error = session.fieldErrors[input.attribute];
  const errorLine = error
    ? markup`<p class="field-error" id="${ids.error}" data-testid="${ids.errorTestId}">${error}</p>`
    : "";
  const state = markup`${input.required ? markup`aria-required="true"` : ""}
    ${error ? markup`aria-invalid="true" aria-describedby="${ids.error}"` : ""}
    ${input.editable ? "" : markup`disabled`}`;
  const label = markup`${input.label}${input.required ? markup` <span class="req" aria-hidden="true">*</span>` : ""}`;
  const attrs = markup`data-attribute="${shortAttributeName(input.attribute)}" data-input-type="${input.inputType}"`;
  if (input.inputType === "radioSingleSelect" || input.inputType === "checkboxMultiSelect") {
    const type = input.inputType === "radioSingleSelect" ? "radio" : "checkbox";
    const chosen = new Set(value.split(",").filter(Boolean));
    return markup`<fieldset class="field" ${attrs} id="${ids.control}" data-testid="${ids.testId}" ${state}>
      <legend>${label}</legend>
      ${input.options.map(
        (o) =>
          markup`<label class="choice"
            ><input type="${type}" name="${input.attribute}" value="${o.value}"
              data-testid="${ids.testId}-${testId(o.value)}" ${chosen.has(o.value) ? markup`checked` : ""} />
            ${o.label}</label
          >`,
      )}
      ${errorLine}
    </fieldset>`;
  }
  if (input.inputType === "boolean" || input.inputType === "checkboxSingleSelect") {
    return markup`<div class="field" ${attrs}>
      <label class="choice" for="${ids.control}"
        ><input type="checkbox" id="${ids.control}" name="${input.attribute}" value="true"
          data-testid="${ids.testId}" ${value === "true" ? markup`checked` : ""} ${state} />
        ${label}</label
      >
      ${errorLine}
    </div>`;
  }
  return markup`<div class="field" ${attrs}>
    <label for="${ids.control}">${label}</label>
    <input id="${ids.control}" type="text" name="${input.attribute}" value="${value}" data-testid="${ids.testId}"
      ${input.dataType === "int64" ? markup`inputmode="numeric"` : ""} ${state} />
    ${errorLine}
  </div>`;
}

/** showBlockPage: the extension's title and message, and no way forward. */
export function externalBlockedPage(session: ExternalSession): string {
  return layout(
    "Sign-up blocked",
    markup`<h1 data-testid="block-title">${session.title ?? "We can't sign you up"}</h1>
      <div class="message block" role="alert" data-testid="block-message">${session.message}</div>
      <p><a href="/">Start again</a></p>
      ${timeline(session, CALLS)}`,
  );
}

/** A sign-up Entra would fail with a generic error; the 1003xxx code is what its sign-in log shows. */
export function externalFailedPage(session: ExternalSession): string {
  const code = /^(1003\d{3})/.exec(session.message ?? "")?.[1] ?? "";
  return layout(
    "Something went wrong",
    markup`<h1>Something went wrong</h1>
      <p>Entra would show a generic error here and the sign-up would not complete. Its sign-in log names the code below.</p>
      <div class="message error" role="alert" data-testid="error-message" data-code="${code}">${session.message}</div>
      <p><a href="/">Start again</a></p>
      ${timeline(session, CALLS)}`,
  );
}

/** The created customer account with its attributes. */
export function externalCreatedPage(session: ExternalSession, after: Html | string = ""): string {
  const user = session.user ?? {};
  const keys = Object.keys(user)
    .filter((k) => !k.startsWith("@odata"))
    .sort();
  return layout(
    "Account created",
    markup`<h1>Your account is ready</h1>
      <section class="card" aria-labelledby="account-h" data-testid="account-created" data-user-id="${String(user.id ?? "")}">
        <h2 id="account-h">Customer user in the directory</h2>
        <dl>
          ${keys.map(
            (k) =>
              markup`<div>
                <dt>${shortAttributeName(k)}</dt>
                <dd data-testid="account-${testId(shortAttributeName(k))}" title="${k}">${show(user[k])}</dd>
              </div>`,
          )}
        </dl>
      </section>
      ${after}
      <p><a href="/">Sign up someone else</a></p>
      ${timeline(session, CALLS)}`,
  );
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
