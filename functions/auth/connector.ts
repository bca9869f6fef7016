import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { AuthSettings } from "../settings";
import { checkBasic } from "./basic";
import { CLIENT_CERT_HEADER, checkClientCertificate } from "./certificate";

export type AuthOutcome = { readonly ok: true } | { readonly ok: false; readonly response: HttpResponseInit };

export const BASIC_REALM = 'Basic realm="entra-signup", charset="UTF-8"';

/** The body never says which part was wrong: that would help someone guessing credentials. */
function deny(status: 401 | 403, headers: Record<string, string> = {}): AuthOutcome {
  return {
    ok: false,
    response: {
      status,
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify({ error: status === 401 ? "unauthorized" : "forbidden" }),
    },
  };
}

/** Builds the authenticator once per settings load, so the allow-list set is not rebuilt per request. */
export function connectorAuthenticator(auth: AuthSettings): (request: HttpRequest, now: Date) => AuthOutcome {
  if (auth.mode === "basic") {
    return (request) =>
      checkBasic(request.headers.get("authorization"), auth)
        ? { ok: true }
        : deny(401, { "WWW-Authenticate": BASIC_REALM });
  }
  const allowed = new Set(auth.thumbprints);
  return (request, now) => {
    const check = checkClientCertificate(request.headers.get(CLIENT_CERT_HEADER), allowed, now);
    if (check.ok) return { ok: true };
    // No certificate at all is "who are you?" (401); a certificate we refuse is "not you" (403).
    return deny(check.reason === "missing" ? 401 : 403);
  };
}
