/** Self-signed client certificates for the certificate-auth tests, generated per run (never committed). */
import { X509Certificate } from "node:crypto";
import forge from "node-forge";

export interface TestCertificate {
  /** What App Service puts in X-ARR-ClientCert: base64 DER. */
  readonly header: string;
  /** SHA-1 thumbprint, upper-case hex without separators. */
  readonly thumbprint: string;
}

/** One RSA key for all test certificates: key generation is the slow part. */
let sharedKeys: forge.pki.rsa.KeyPair | undefined;

export function makeCertificate(
  validFrom: Date,
  validTo: Date,
  commonName = "entra-signup-test",
): TestCertificate {
  sharedKeys ??= forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = sharedKeys.publicKey;
  cert.serialNumber = `01${Math.floor(Math.random() * 1e12).toString(16)}`;
  cert.validity.notBefore = validFrom;
  cert.validity.notAfter = validTo;
  const attrs = [{ name: "commonName", value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(sharedKeys.privateKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
  const thumbprint = new X509Certificate(der).fingerprint.replace(/:/g, "");
  return { header: der.toString("base64"), thumbprint };
}

const DAY = 24 * 60 * 60 * 1000;
export function currentCertificate(name?: string): TestCertificate {
  return makeCertificate(new Date(Date.now() - DAY), new Date(Date.now() + 30 * DAY), name);
}
export function expiredCertificate(): TestCertificate {
  return makeCertificate(new Date(Date.now() - 60 * DAY), new Date(Date.now() - DAY), "expired");
}
