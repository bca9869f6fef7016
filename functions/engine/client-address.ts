/**
 * The client address a rate limit counts by. An external tenant's extension call carries the browser's
 * address (`authenticationContext.client.ip`), IPv4 or IPv6
 * (https://learn.microsoft.com/entra/identity-platform/custom-extension-onattributecollectionstart-retrieve-return-data).
 * One IPv6 subscriber usually holds a whole /64 and can pick any address in it, so IPv6 counts by its /64
 * prefix; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4 address it maps.
 */
import { isIPv4, isIPv6 } from "node:net";

/** The prefix length an IPv6 address is counted by. */
export const IPV6_COUNTED_PREFIX = 64;

/**
 * `"v4:192.0.2.1"`, `"v6:2a0d:0:0:0/64"` (the first four groups, lower-case, no zero padding), or `undefined`
 * for anything that is not an IP address (a port suffix, a zone id or a host name are not accepted).
 */
export function clientAddressKey(raw: unknown): string | undefined {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 64) return undefined;
  const ip = raw.trim();
  if (isIPv4(ip)) return `v4:${ip.split(".").map(Number).join(".")}`;
  if (!isIPv6(ip) || ip.includes("%")) return undefined;
  const groups = expandIPv6(ip);
  if (groups === undefined) return undefined;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return `v4:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  return `v6:${groups
    .slice(0, IPV6_COUNTED_PREFIX / 16)
    .map((g) => g.toString(16))
    .join(":")}/${IPV6_COUNTED_PREFIX}`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function expandIPv6(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
  const groups = all.map((g) => Number.parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}
