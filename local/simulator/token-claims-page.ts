/**
 * After an external-tenant sign-up: one "Sign in to <app>" button per application of the flow, and the
 * page that shows what signing in gave: the ID token's claims (decoded), or Entra's error code, with the
 * OnTokenIssuanceStart extension call below (request with its bearer token redacted, and the answer).
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 */
import { markup, testId, type Html } from "./html";
import { layout } from "./page";
import { timeline } from "./timeline";
import type { SignInApp, TokenSignIn } from "./token-sign-in";

/** Claims first in the table when present; the rest follow in name order. */
const FIRST = ["aud", "iss", "sub", "oid", "tid", "name", "preferred_username"];

/** The buttons under the created account, posting to `/signup/{id}/sign-in`. */
export function signInButtons(sessionId: string, apps: readonly SignInApp[]): Html | string {
  if (apps.length === 0) return "";
  return markup`<section class="card" aria-labelledby="apps-h" data-testid="sign-in-apps">
    <h2 id="apps-h">Sign in to an application</h2>
    <p class="hint">Entra issues an ID token; an OnTokenIssuanceStart listener for the app adds its claims.</p>
    ${apps.map(
      (app) =>
        markup`<form method="post" action="/signup/${sessionId}/sign-in">
          <input type="hidden" name="app" value="${app.appId}" />
          <button type="submit" data-testid="sign-in-${testId(app.appId)}">Sign in to ${app.displayName}</button>
        </form>`,
    )}
  </section>`;
}

/** The outcome of the last sign-in of session `sessionId`. */
export function tokenClaimsPage(sessionId: string, signIn: TokenSignIn, apps: readonly SignInApp[]): string {
  const heading = signIn.claims
    ? markup`<h1>Signed in to <span data-testid="signed-in-app">${signIn.app.displayName}</span></h1>`
    : markup`<h1>Sign-in to ${signIn.app.displayName} failed</h1>`;
  const calls =
    signIn.calls.length > 0
      ? timeline({ timeline: signIn.calls }, `OnTokenIssuanceStart call (${signIn.extension ?? "extension"})`)
      : markup`<p class="hint" data-testid="no-token-listener">No OnTokenIssuanceStart listener includes this application, so Entra called no extension.</p>`;
  return layout(
    signIn.claims ? "Signed in" : "Sign-in failed",
    markup`${heading}
      ${signIn.claims ? claimsTable(signIn.claims) : failure(signIn)}
      ${calls}
      ${signInButtons(sessionId, apps)}
      <p><a href="/signup/${sessionId}" data-testid="back-to-account">Back to the account</a></p>`,
  );
}

function claimsTable(claims: Readonly<Record<string, unknown>>): Html {
  const names = Object.keys(claims);
  const ordered = [
    ...FIRST.filter((n) => names.includes(n)),
    ...names.filter((n) => !FIRST.includes(n)).sort(),
  ];
  return markup`<section class="card" aria-labelledby="claims-h">
    <h2 id="claims-h">ID token claims (decoded)</h2>
    <table data-testid="token-claims">
      <thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead>
      <tbody>
        ${ordered.map(
          (name) =>
            markup`<tr><th scope="row"><code>${name}</code></th><td data-testid="token-claim-${testId(name)}">${show(claims[name])}</td></tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** Entra would send the app a generic error; its sign-in log names the code shown here. */
function failure(signIn: TokenSignIn): Html {
  const code = signIn.error?.code ?? "";
  return markup`<p>Entra would return a generic error to the application and issue no token. Its sign-in log names the code below.</p>
    <div class="message error" role="alert" data-testid="error-message" data-code="${code}">${code} ${signIn.error?.message ?? ""}</div>`;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
