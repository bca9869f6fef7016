/** Shared fixtures for the Graph-layer tests: an emulator per test file, its connection, PFX files. */
import forge from "node-forge";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";

// Back-off waits become milliseconds; the 404-after-create budget still spans ~0.4 s of real time.
process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ??= "0.01";
// Each test process gets its own create ledger (docs/crash-safety.md), never the user's.
process.env.ENTRA_SIGNUP_CREATE_LEDGER_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "create-ledger-"));

export async function emulatorWithConnection(): Promise<{ emu: GraphEmulator; connection: GraphConnection }> {
  const emu = await startGraphEmulator();
  // A reset tenant is a fresh start for the "stack" too: forget its interrupted creates.
  const reset = emu.reset.bind(emu);
  emu.reset = () => {
    reset();
    const dir = process.env.ENTRA_SIGNUP_CREATE_LEDGER_DIR!;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  };
  return { emu, connection: { cloud: "global", baseUrl: emu.url, credential: "emulator" } };
}

/** A self-signed RSA certificate with its key as base64 PKCS#12, and its SHA-1 thumbprint. */
export function makePfx(
  commonName: string,
  password = "",
): { pkcs12Base64: string; password: string; thumbprint: string } {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = String(Math.floor(Math.random() * 1e9));
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  cert.setSubject([{ name: "commonName", value: commonName }]);
  cert.setIssuer([{ name: "commonName", value: commonName }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], password, { algorithm: "3des" });
  const der = forge.asn1.toDer(p12).getBytes();
  const certDer = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  const thumbprint = forge.md.sha1.create().update(certDer).digest().toHex().toUpperCase();
  return { pkcs12Base64: Buffer.from(der, "binary").toString("base64"), password, thumbprint };
}

/** Runs a provider method with plain-object typing (the providers' methods are typed loosely by Pulumi). */
export type AnyProvider = {
  check: (
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ) => Promise<{ inputs?: Record<string, unknown>; failures?: { property: string; reason: string }[] }>;
  diff: (
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ) => Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create: (inputs: Record<string, unknown>) => Promise<{ id: string; outs?: Record<string, unknown> }>;
  read: (
    id: string,
    props: Record<string, unknown>,
  ) => Promise<{ id?: string; props?: Record<string, unknown>; inputs?: Record<string, unknown> }>;
  update: (
    id: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ) => Promise<{ outs?: Record<string, unknown> }>;
  delete: (id: string, props: Record<string, unknown>) => Promise<void>;
};

/** check → inputs, failing the test on check failures. */
export async function checked(
  p: AnyProvider,
  news: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const r = await p.check({}, news);
  if (r.failures?.length) throw new Error(`check failed: ${r.failures.map((f) => f.reason).join("; ")}`);
  return r.inputs ?? news;
}

/** A change made directly in the tenant (as an admin in the portal would), bypassing the providers. */
export async function outOfBand(
  emu: GraphEmulator,
  method: string,
  path: string,
  body?: unknown,
  version = "v1.0",
): Promise<unknown> {
  const res = await fetch(`${emu.url}/${version}${path}`, {
    method,
    headers: { Authorization: "Bearer out-of-band", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`out-of-band ${method} ${path} failed: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}
