/**
 * Claim templates such as `"{role} User"`, parsed once at policy load into literal/variable parts so
 * rendering at request time is a join, not a regex.
 */
import { ownValue } from "../own";

/** Variables available to templates; `undefined` when the domain lookup has no value for it. */
export interface TemplateVars {
  readonly role?: string;
  readonly companyName?: string;
  readonly domain?: string;
}

export interface Template {
  readonly source: string;
  readonly parts: ReadonlyArray<{ readonly text: string } | { readonly variable: string }>;
  readonly variables: readonly string[];
}

/** Parses `{name}` placeholders; `{{` and `}}` are not special (no escaping needed in claim values). */
export function parseTemplate(source: string): Template {
  const parts: Array<{ text: string } | { variable: string }> = [];
  const variables: string[] = [];
  const re = /\{([A-Za-z][A-Za-z0-9]*)\}/g;
  let last = 0;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    if (m.index > last) parts.push({ text: source.slice(last, m.index) });
    const variable = m[1] ?? "";
    parts.push({ variable });
    variables.push(variable);
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push({ text: source.slice(last) });
  return { source, parts, variables };
}

/**
 * Renders a template, or returns `undefined` when a variable has no value: returning `" User"` as a job
 * title would be worse than returning nothing (claims are omitted when empty, like Entra does).
 */
export function renderTemplate(template: Template, vars: TemplateVars): string | undefined {
  let out = "";
  for (const part of template.parts) {
    if ("text" in part) {
      out += part.text;
      continue;
    }
    const value = ownValue(vars, part.variable) as string | undefined;
    if (value === undefined || value.length === 0) return undefined;
    out += value;
  }
  const trimmed = out.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}
