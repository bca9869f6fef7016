import { X509Certificate } from "node:crypto";
import { normaliseThumbprint } from "../../contract/appSettings";

export type CertificateCheck =
  | { readonly ok: true; readonly thumbprint: string }
  | {
      readonly ok: false;
      readonly reason: "missing" | "malformed" | "unknown" | "expired" | "not-yet-valid";
    };

/** App Service terminates TLS and forwards the client certificate, base64 DER, in this header. */
export const CLIENT_CERT_HEADER = "x-arr-clientcert";

function parse(header: string): X509Certificate | undefined {
  try {
    const text = header.trim();
    // Accept PEM too: proxies in front of the local host sometimes forward the certificate that way.
    const der = text.startsWith("-----BEGIN") ? Buffer.from(text) : Buffer.from(text, "base64");
    return der.length === 0 ? undefined : new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/**
 * Validates the forwarded client certificate: SHA-1 thumbprint on the allow-list and inside its validity
 * window at `now`. The header is trusted only because the platform's front end sets it (client
 * certificates `Required` on the site); it is never trusted from the open internet without that.
 */
export function checkClientCertificate(
  header: string | null,
  allowed: ReadonlySet<string>,
  now: Date,
): CertificateCheck {
  if (header === null || header.trim() === "") return { ok: false, reason: "missing" };
  const certificate = parse(header);
  if (certificate === undefined) return { ok: false, reason: "malformed" };
  const thumbprint = normaliseThumbprint(certificate.fingerprint);
  if (!allowed.has(thumbprint)) return { ok: false, reason: "unknown" };
  if (now < certificate.validFromDate) return { ok: false, reason: "not-yet-valid" };
  if (now > certificate.validToDate) return { ok: false, reason: "expired" };
  return { ok: true, thumbprint };
}
