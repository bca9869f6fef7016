/**
 * One rule for "is this URL loopback?" and for which endpoints may use plain http. Entra only calls
 * https endpoints (Learn: https://learn.microsoft.com/entra/external-id/api-connectors-overview), so plain
 * http is accepted only when the whole system is local: a loopback endpoint registered with a loopback
 * Graph emulator. Every gate (stack settings, components, Graph providers, the policy pack, local hosts)
 * asks these functions, so `http://127.0.0.2:7071` gets the same answer everywhere.
 */

/** True for `localhost`, any address in 127.0.0.0/8, `::1` and the IPv4-mapped `::ffff:127.x.y.z`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  const v4 = host.startsWith("::ffff:") ? host.slice(7) : host;
  // WHATWG URL writes an IPv4-mapped address in hex: [::ffff:127.0.0.1] → [::ffff:7f00:1].
  if (host.startsWith("::ffff:") && /^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(v4)) return true;
  const parts = v4.split(".");
  return (
    parts.length === 4 && parts[0] === "127" && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/** True for an http(s) URL whose host is loopback (see `isLoopbackHost`). */
export function isLoopbackUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname);
}

/**
 * Why Entra could not (or must not) be pointed at `raw`, or `undefined` when it may.
 * `graphIsLoopback`: the Graph root the endpoint is registered with is a loopback emulator; only then is
 * plain http on a loopback host accepted (a real tenant would send sign-up data in clear text, or to a
 * machine that is not the connector).
 */
export function endpointUrlProblem(raw: string, graphIsLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${JSON.stringify(raw)} is not an absolute URL — write it as https://host/path`;
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) {
    if (graphIsLoopback) return undefined;
    return (
      `${url.protocol}//${url.host} is plain http on a loopback host, but this stack talks to a real Graph ` +
      `(Entra would call it, not your machine) — use the https URL of the deployed connector`
    );
  }
  return `${url.protocol}//${url.host} is not https — Entra only calls https:// endpoints; use https`;
}
