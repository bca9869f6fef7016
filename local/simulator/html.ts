/** A tiny escaping HTML template tag: interpolated values are escaped unless they are already `Html`. */

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(part: Part): string {
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join("");
  if (part === null || part === undefined || part === false) return "";
  return escapeHtml(String(part as string | number | boolean));
}

/** `markup\`<p>${userText}</p>\`` — every interpolation is escaped. */
export function markup(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? "";
  parts.forEach((part, i) => {
    out += render(part) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** A `data-testid`-safe token. */
export function testId(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, "_");
}
