/** Shared fixtures for the Graph emulator tests: a tiny fetch client and a real PKCS#12 generator. */
import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
import type { GraphEmulator } from "../../local/graph-emulator/index";

/** A response as the tests look at it. */
export interface Reply {
  status: number;
  headers: Headers;
  // Tests index into Graph JSON freely; the emulator's own types are checked by tsc in its code.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Options of one call. */
export interface CallOptions {
  version?: "v1.0" | "beta";
  /** @default "Bearer test-token" */
  authorization?: string | null;
  headers?: Record<string, string>;
  /** Raw body text instead of JSON.stringify(body). */
  raw?: string;
}

/** Calls the emulator like a Graph client would. */
export function client(emulator: GraphEmulator) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: CallOptions = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    const auth = opts.authorization === undefined ? "Bearer test-token" : opts.authorization;
    if (auth !== null) headers.Authorization = auth;
    let payload: string | undefined = opts.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${emulator.url}/${opts.version ?? "v1.0"}${path}`, {
      method,
      headers,
      body: payload,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/** Calls an admin route. */
export async function admin(
  emulator: GraphEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const res = await fetch(`${emulator.url}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** A generated PFX and the facts Graph should report for it. */
export interface TestPfx {
  base64: string;
  password: string;
  thumbprint: string;
  notBefore: number;
  notAfter: number;
}

/**
 * Builds a self-signed certificate + private key as a base64 PKCS#12. The key pair comes from node:crypto
 * (fast, native); node-forge signs the certificate and packs the PFX.
 */
export function makePfx(
  opts: { password?: string; notBefore?: Date; notAfter?: Date; cn?: string } = {},
): TestPfx {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = "01" + forge.util.bytesToHex(forge.random.getBytesSync(8));
  const notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = opts.notAfter ?? new Date(Date.now() + 365 * 86400_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const attrs = [{ name: "commonName", value: opts.cn ?? "connector.test" }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(key, forge.md.sha256.create());
  const password = opts.password ?? "pfx-password";
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: "3des" });
  const der = forge.asn1.toDer(p12).getBytes();
  const certDer = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return {
    base64: forge.util.encode64(der),
    password,
    thumbprint: forge.md.sha1.create().update(certDer).digest().toHex().toUpperCase(),
    notBefore: Math.floor(notBefore.getTime() / 1000),
    notAfter: Math.floor(notAfter.getTime() / 1000),
  };
}

/** The `@odata.id` of an identity provider / connector, as clients must build it. */
export function ref(
  emulator: GraphEmulator,
  path: string,
  version: "v1.0" | "beta" = "v1.0",
): { "@odata.id": string } {
  return { "@odata.id": `${emulator.url}/${version}${path}` };
}

/** Body of a minimal valid flow create. */
export function flowBody(name: string): Record<string, unknown> {
  return { id: name, userFlowType: "signUpOrSignIn", userFlowTypeVersion: 1 };
}

/** Body of a Basic-auth connector create. */
export function basicConnector(
  targetUrl = "https://connector.example.com/api/signup",
): Record<string, unknown> {
  return {
    displayName: "Approval check",
    targetUrl,
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.basicAuthentication",
      username: "entra",
      password: "s3cret-Password!",
    },
  };
}
