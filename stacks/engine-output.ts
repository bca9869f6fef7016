/** Shared handling of the engine's output for the Automation API callers (stamping, `npm run local`). */
import type { OutputMap } from "@pulumi/pulumi/automation";

/** Turns the engine's output chunks into whole, non-blank lines. */
export function lineSplitter(emit: (line: string) => void): (chunk: string) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trimEnd();
      buffer = buffer.slice(nl + 1);
      if (line.trim()) emit(line);
    }
  };
}

/** Stack outputs as plain values, secrets masked, for printing. */
export function printableOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

/** `3 create, 1 update` — or `no changes`. */
export function formatChanges(changes: Record<string, number>): string {
  const parts = Object.entries(changes)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${n} ${op}`);
  return parts.length ? parts.join(", ") : "no changes";
}
