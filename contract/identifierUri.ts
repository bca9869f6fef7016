/**
 * The identifier URI of a custom authentication extension's API, `api://{host of targetUrl}/{appId}`, as
 * every gate reads it: the Graph providers, the policy pack, and the local parts that play Entra (the
 * simulator and the emulator). Entra requires this form (error 1003014) and the host of its `targetUrl`
 * (error 1003015), compared without letter case; the URI never names a port.
 * docs/external-tenant-contract.md §1, §4.1.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot#error-codes-reference
 */
// Plain constants and functions only (no imports).

const IDENTIFIER_URI = /^api:\/\/([^/]+)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `{ host, appId }` of an identifier URI of that form, or `undefined`. */
export function parseIdentifierUri(uri: string): { host: string; appId: string } | undefined {
  const m = IDENTIFIER_URI.exec(uri);
  return m ? { host: m[1]!, appId: m[2]! } : undefined;
}

/** The identifier URI for an API served at `host` with client id `appId`. */
export const identifierUriFor = (host: string, appId: string): string =>
  `api://${host}/${appId.toLowerCase()}`;

/** Whether an identifier URI's host names the host Entra calls at `targetUrl` (letter case aside). */
export function sameIdentifierHost(identifierHost: string, targetUrl: string): boolean {
  return identifierHost.toLowerCase() === new URL(targetUrl).hostname.toLowerCase();
}
