import type { HttpResponseInit } from "@azure/functions";
import { jsonResponse } from "../http/responses";
import type { RequestHeaders } from "../runtime";
import type { AuthSettings } from "../settings";
import { basicVerifier } from "./basic";
import { CLIENT_CERT_HEADER, checkClientCertificate } from "./certificate";

export type AuthOutcome = { readonly ok: true } | { readonly ok: false; readonly response: HttpResponseInit };

export const BASIC_REALM = 'Basic realm="entra-signup", charset="UTF-8"';

/** The body never says which part was wrong: that would help someone guessing credentials. */
function deny(status: 401 | 403, headers: Record<string, string> = {}): AuthOutcome {
  return {
    ok: false,
    response: jsonResponse(status, { error: status === 401 ? "unauthorized" : "forbidden" }, headers),
  };
}

/** Builds the authenticator once per settings load, so the allow-list set is not rebuilt per request. */
export function connectorAuthenticator(
  auth: AuthSettings,
): (request: RequestHeaders, now: Date) => AuthOutcome {
  if (auth.mode === "basic") {
    const verify = basicVerifier(auth);
    return (request) =>
      verify(request.headers.get("authorization"))
        ? { ok: true }
        : deny(401, { "WWW-Authenticate": BASIC_REALM });
  }
  if (auth.mode === "none") {
    // No API connector calls this host (an external tenant): nobody is allowed on the connector steps.
    return () => deny(401);
  }
  const allowed = new Set(auth.thumbprints);
  return (request, now) => {
    const check = checkClientCertificate(request.headers.get(CLIENT_CERT_HEADER), allowed, now);
    if (check.ok) return { ok: true };
    // No certificate at all is "who are you?" (401); a certificate we refuse is "not you" (403).
    return deny(check.reason === "missing" ? 401 : 403);
  };
}
