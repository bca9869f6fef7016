/** How a sign-up ends: the block page, the created account, or a failure Entra would show as an error. */
import { shortAttributeName } from "./graph";
import { markup, testId } from "./html";
import { layout } from "./page";
import { timeline } from "./timeline";
import type { Session } from "./types";

/** Properties of the created user worth showing first; the rest follow in name order. */
const FIRST = ["displayName", "mail", "userType", "givenName", "surname", "jobTitle", "companyName"];

export function blockedPage(session: Session): string {
  return layout(
    "Sign-up blocked",
    markup`<h1>We can't sign you up</h1>
      <div class="message block" role="alert" data-testid="block-message">${session.message}</div>
      <p><a href="/">Start again</a></p>
      ${timeline(session)}`,
  );
}

export function failedPage(session: Session): string {
  return layout(
    "Something went wrong",
    markup`<h1>Something went wrong</h1>
      <p>Entra would show a generic error here and the sign-up would not complete.</p>
      <div class="message error" role="alert" data-testid="error-message">${session.message}</div>
      <p><a href="/">Start again</a></p>
      ${timeline(session)}`,
  );
}

export function createdPage(session: Session): string {
  const user = session.user ?? {};
  const keys = Object.keys(user).filter((k) => !k.startsWith("@odata"));
  const ordered = [
    ...FIRST.filter((k) => keys.includes(k)),
    ...keys.filter((k) => !FIRST.includes(k)).sort(),
  ];
  return layout(
    "Account created",
    markup`<h1>Your account is ready</h1>
      <section
        class="card"
        aria-labelledby="account-h"
        data-testid="account-created"
        data-user-id="${String(user.id ?? "")}"
      >
        <h2 id="account-h">Guest user in the directory</h2>
        <dl>
          ${ordered.map(
            (k) =>
              markup`<div>
                <dt>${shortAttributeName(k)}</dt>
                <dd data-testid="account-${testId(shortAttributeName(k))}" title="${k}">${show(user[k])}</dd>
              </div>`,
          )}
        </dl>
      </section>
      <p><a href="/">Sign up someone else</a></p>
      ${timeline(session)}`,
  );
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
