/**
 * Domain grammar of the connector policy: how a domain or a domain pattern (`example.com`,
 * `*.example.com`) is normalised. The policy schema validates patterns with it at deploy time and the
 * connector's domain matcher compiles the same patterns at run time, so both sides read a pattern alike.
 */
import { domainToASCII } from "node:url";

/**
 * Lower-case ASCII (punycode) form of a domain, without a trailing dot, or `undefined` when it is not a
 * valid host name. `domainToASCII` applies UTS #46 mapping, so `BÜCHER.example` and
 * `xn--bcher-kva.example` both become `xn--bcher-kva.example`.
 */
export function normalizeDomain(raw: string): string | undefined {
  let value = raw.trim();
  if (value.length === 0 || value.length > 253 * 4) return undefined;
  if (value.endsWith(".")) value = value.slice(0, -1);
  // domainToASCII accepts IPv4 literals and bracketed IPv6; neither is an email domain we can reason about.
  if (value.startsWith("[") || /^[\d.]+$/.test(value)) return undefined;
  const ascii = domainToASCII(value);
  if (ascii.length === 0 || ascii.length > 253) return undefined;
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(ascii)) return undefined;
  for (const label of ascii.split(".")) {
    if (label.length === 0 || label.length > 63 || label.startsWith("-") || label.endsWith("-"))
      return undefined;
  }
  return ascii;
}

/**
 * Splits a policy pattern into its normalised domain and whether it covers subdomains / the apex.
 * `*.example.com` covers subdomains only (the usual wildcard meaning); `includeSubdomains: true` covers
 * `example.com` and every subdomain. Returns `undefined` for an invalid domain.
 */
export function parseDomainPattern(
  pattern: string,
  includeSubdomains = false,
): { domain: string; apex: boolean; subdomains: boolean } | undefined {
  const trimmed = pattern.trim();
  const wildcard = trimmed.startsWith("*.");
  const domain = normalizeDomain(wildcard ? trimmed.slice(2) : trimmed);
  if (domain === undefined) return undefined;
  return { domain, apex: !wildcard, subdomains: wildcard || includeSubdomains };
}
