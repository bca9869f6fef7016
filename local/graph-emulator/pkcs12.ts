/** Reads the public facts (thumbprint, validity) out of a base64 PKCS#12 the way Graph does on upload. */
import forge from "node-forge";
import { badRequest } from "./errors";
import type { StoredCertificate } from "./types";

/** PKCS#12 bag type OIDs (node-forge types its OID table as possibly undefined). */
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";

function bags(p12: forge.pkcs12.Pkcs12Pfx, bagType: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType })[bagType] ?? [];
}

function thumbprint(cert: forge.pki.Certificate): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return forge.md.sha1.create().update(der).digest().toHex().toUpperCase();
}

function matchesKey(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey | undefined): boolean {
  const pub = cert.publicKey as forge.pki.rsa.PublicKey;
  return !!key && !!pub.n && pub.n.equals(key.n);
}

/**
 * Parses `pkcs12Value` (base64 .pfx) with its password. The contract (docs/graph-contract.md §3.2) requires
 * the private key to be inside, so a PFX without one is rejected like a corrupt one. The certificate reported
 * is the one belonging to that key (the leaf), not a chain certificate.
 */
export function readPkcs12(pkcs12Value: unknown, password: unknown): StoredCertificate {
  if (typeof pkcs12Value !== "string" || pkcs12Value.trim() === "") {
    throw badRequest("pkcs12Value must be the base64-encoded .pfx file.");
  }
  if (typeof password !== "string")
    throw badRequest('password is required for a pkcs12 certificate (use "" for none).');
  if (!/^[A-Za-z0-9+/=\s]+$/.test(pkcs12Value)) throw badRequest("pkcs12Value is not valid base64.");
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = Buffer.from(pkcs12Value, "base64").toString("binary");
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
  } catch {
    throw badRequest(
      "The certificate could not be read: the pkcs12Value is not a valid PKCS#12 file or the password is wrong.",
    );
  }
  const certs = bags(p12, CERT_BAG)
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => !!c);
  const keyBags = [...bags(p12, SHROUDED_KEY_BAG), ...bags(p12, KEY_BAG)];
  const key = keyBags.find((b) => b.key)?.key;
  if (!key) throw badRequest("The certificate must be a PKCS#12 file that includes the private key.");
  const cert = certs.find((c) => matchesKey(c, key)) ?? certs[0];
  if (!cert) throw badRequest("The PKCS#12 file contains no certificate.");
  return {
    thumbprint: thumbprint(cert),
    notBefore: Math.floor(cert.validity.notBefore.getTime() / 1000),
    notAfter: Math.floor(cert.validity.notAfter.getTime() / 1000),
  };
}
