/**
 * Connector credentials without keeping secrets where they are not needed: generated passwords, a salted
 * hash of the desired Basic credential (Graph never returns the password, so the hash is what makes a
 * credential change diffable), and certificate thumbprints read from the PFX (comparable with Graph's
 * `certificateList`, docs/graph-contract.md §3.2/§7.2).
 */
import { newPassword } from "../../password";
import { forge, nodeCrypto } from "../lazy";

/** A generated Basic password (components/password.ts, the one generator). */
export function generatePassword(): string {
  return newPassword((size) => nodeCrypto().randomBytes(size));
}

export function newSalt(): string {
  return nodeCrypto().randomBytes(16).toString("hex");
}

export function credentialHash(salt: string, username: string, password: string): string {
  return nodeCrypto().createHash("sha256").update(`${salt}\n${username}\n${password}`).digest("hex");
}

export interface CertificateFacts {
  readonly thumbprint: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

/**
 * Thumbprint (SHA-1 of the DER certificate, upper-case hex, as Graph reports it) and validity of the
 * certificate that belongs to the PFX's private key. Throws a readable error for a bad file or password.
 */
export function readPfx(pkcs12Base64: string, password: string): CertificateFacts {
  const f = forge();
  let p12: import("node-forge").pkcs12.Pkcs12Pfx;
  try {
    const der = Buffer.from(pkcs12Base64, "base64").toString("binary");
    p12 = f.pkcs12.pkcs12FromAsn1(f.asn1.fromDer(der), password);
  } catch {
    throw new Error("not a readable PKCS#12 (.pfx) file, or the password is wrong");
  }
  const certBag = f.pki.oids.certBag as string;
  const shrouded = f.pki.oids.pkcs8ShroudedKeyBag as string;
  const keyBag = f.pki.oids.keyBag as string;
  const certs = (p12.getBags({ bagType: certBag })[certBag] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  const keys = [
    ...(p12.getBags({ bagType: shrouded })[shrouded] ?? []),
    ...(p12.getBags({ bagType: keyBag })[keyBag] ?? []),
  ].flatMap((b) => (b.key ? [b.key as import("node-forge").pki.rsa.PrivateKey] : []));
  const key = keys[0];
  if (!key) throw new Error("the PKCS#12 file has no private key (Entra needs the key in the .pfx)");
  const leaf =
    certs.find((c) => (c.publicKey as import("node-forge").pki.rsa.PublicKey).n?.equals(key.n)) ?? certs[0];
  if (!leaf) throw new Error("the PKCS#12 file contains no certificate");
  const der = Buffer.from(f.asn1.toDer(f.pki.certificateToAsn1(leaf)).getBytes(), "binary");
  return {
    thumbprint: nodeCrypto().createHash("sha1").update(der).digest("hex").toUpperCase(),
    notBefore: Math.floor(leaf.validity.notBefore.getTime() / 1000),
    notAfter: Math.floor(leaf.validity.notAfter.getTime() / 1000),
  };
}

/** Certificates to upload: desired ones (in order) whose thumbprint Graph does not list yet. */
export function certificatesToUpload<T extends { thumbprint: string }>(
  desired: readonly T[],
  present: readonly string[],
): T[] {
  const have = new Set(present.map((t) => t.toUpperCase()));
  return desired.filter((d) => !have.has(d.thumbprint.toUpperCase()));
}

/**
 * Thumbprints Graph still lists that are no longer desired (no Graph call removes one:
 * docs/graph-contract.md §3.2).
 */
export function staleThumbprints(desired: readonly string[], present: readonly string[]): string[] {
  const want = new Set(desired.map((t) => t.toUpperCase()));
  return present.filter((t) => !want.has(t.toUpperCase()));
}
