/**
 * Name normalisation, as the Entra docs suggest: a name typed ALL CAPS or all lower case is capitalised
 * (`jOHN` stays, because mixed case is a deliberate choice — think `McDonald`, `van der Berg`). Returned as
 * claims only when the value changes, so Continue stays minimal.
 */
import { claimText } from "../normalize";
import type { Rule } from "./rule";

/** `"JOHN  o'neil-SMITH "` → `"John O'Neil-Smith"`; mixed-case input is only trimmed. */
export function capitalizeName(value: string): string {
  const trimmed = value.trim().replace(/\s+/g, " ");
  const lower = trimmed.toLowerCase();
  if (trimmed !== lower && trimmed !== trimmed.toUpperCase()) return trimmed;
  let out = "";
  let start = true;
  for (const ch of lower) {
    out += start ? ch.toUpperCase() : ch;
    start = ch === " " || ch === "-" || ch === "'" || ch === "\u2019";
  }
  return out;
}

export const namesRule: Rule = {
  name: "names",
  applies: (ctx) => ctx.policy.normalizeNames !== undefined,
  evaluate(ctx) {
    for (const field of ctx.policy.normalizeNames?.fields ?? []) {
      // The postFederationSignup sample says lastName (DOC-CONFLICT 6); we always answer with surname.
      const raw =
        claimText(ctx.request[field]) ?? (field === "surname" ? claimText(ctx.request.lastName) : undefined);
      if (raw === undefined || raw.trim().length === 0) continue;
      const normalized = capitalizeName(raw);
      if (normalized !== raw) ctx.claims[field] = normalized;
    }
    return undefined;
  },
};
