/** Header access on the Graph SDK's middleware context, whose headers may be a `Headers` or a plain object. */
import type { Context } from "@microsoft/microsoft-graph-client";

type HeaderBag = Headers | Record<string, string> | string[][] | undefined;

function bagOf(ctx: Context): HeaderBag {
  if (typeof ctx.request !== "string" && !ctx.options?.headers) return ctx.request.headers;
  return ctx.options?.headers as HeaderBag;
}

export function getHeader(ctx: Context, name: string): string | undefined {
  const bag = bagOf(ctx);
  if (!bag) return undefined;
  if (typeof (bag as Headers).get === "function") return (bag as Headers).get(name) ?? undefined;
  if (Array.isArray(bag)) return bag.find(([k]) => k?.toLowerCase() === name.toLowerCase())?.[1];
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (bag as Record<string, string>)[key];
}

export function setHeader(ctx: Context, name: string, value: string | undefined): void {
  ctx.options = ctx.options ?? {};
  const bag = bagOf(ctx);
  if (bag && typeof (bag as Headers).set === "function") {
    if (value === undefined) (bag as Headers).delete(name);
    else (bag as Headers).set(name, value);
    return;
  }
  const plain: Record<string, string> = {};
  if (Array.isArray(bag)) {
    for (const [k, v] of bag) if (k !== undefined && v !== undefined) plain[k] = v;
  } else if (bag) {
    Object.assign(plain, bag);
  }
  for (const k of Object.keys(plain)) if (k.toLowerCase() === name.toLowerCase()) delete plain[k];
  if (value !== undefined) plain[name] = value;
  ctx.options.headers = plain;
}
