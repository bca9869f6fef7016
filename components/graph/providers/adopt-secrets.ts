/**
 * Secrets of adopted objects. Graph never returns an API connector's Basic password nor a social identity
 * provider's client secret (docs/graph-contract.md §3.2, §4.2), so when `adoptExisting` takes over an object
 * made by hand, nothing can show whether the secret it holds is the one this stack was given. The rule
 * (docs/crash-safety.md, "Secrets of adopted objects"):
 * - `"trust"` (the default): the supplied secret is recorded (as its salted hash) as if it had been sent,
 *   and nothing is written: the first `up` after `npm run export` makes no Graph write. Each such secret is
 *   named once, in that `up`'s output, with the way to send it after all.
 * - `"write"`: the secret is sent once (one PATCH) on adopt; on an object adopted earlier with `"trust"`,
 *   switching to `"write"` sends it once then.
 * Only adoption trusts: a secret changed later is always sent (its hash differs), and a secret this stack
 * generates, a changed user name or client id, or a change of auth kind is always written.
 */
import { isUnknown, type Problem } from "./common";

export const adoptSecretsModes = ["trust", "write"] as const;
export type AdoptSecrets = (typeof adoptSecretsModes)[number];

export function normalizeAdoptSecrets(raw: unknown): AdoptSecrets {
  return raw === "write" ? "write" : "trust";
}

export function adoptSecretsProblems(raw: unknown): Problem[] {
  if (raw === undefined || raw === null || isUnknown(raw)) return [];
  if (adoptSecretsModes.includes(raw as AdoptSecrets)) return [];
  return [
    [
      "adoptSecrets",
      `adoptSecrets: ${JSON.stringify(raw)} is not one of "trust", "write" ("trust" keeps the secret an adopted ` +
        `object holds, taking the one given as matching it; "write" sends the given one once)`,
    ],
  ];
}

/** Where notices go: the provider host's stderr, which the engine shows in the `up` output. */
let sink: (line: string) => void = (line) => void process.stderr.write(`${line}\n`);

/** Replaces the notice sink (tests); returns the previous one. */
export function setNoticeSink(next: (line: string) => void): (line: string) => void {
  const previous = sink;
  sink = next;
  return previous;
}

/** The one line an `up` prints for a secret adopted as supplied (never the secret itself). */
export function trustedSecretNotice(what: string, secret: string): string {
  return (
    `entra-signup: adopted ${what} with the ${secret} this stack was given, without sending it (Graph never returns ` +
    `it, so it cannot be compared; it is taken to be the one the object already holds). If it differs, set ` +
    `adoptSecrets to "write" (stack config: entra-signup:adoptSecrets: write) and run up: it is sent once.`
  );
}

export function noticeTrustedSecret(what: string, secret: string): void {
  sink(trustedSecretNotice(what, secret));
}
