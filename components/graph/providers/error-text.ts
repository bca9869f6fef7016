/**
 * The readable text of anything thrown. `instanceof Error` is not a safe test inside a serialized dynamic
 * provider: the serializer rebuilds each class with its own prototype chain, so a GraphRequestError from
 * one copy is not an `Error` to another and `String(e)` prints `[object Object]` (issue seen in
 * "already exists … ([object Object])"). Read the `message` field instead, whatever the prototype.
 */
export function errorText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e && typeof e === "object") {
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && message !== "") return message;
    try {
      const json = JSON.stringify(e);
      if (json && json !== "{}") return json;
    } catch {
      // fall through: circular or otherwise unprintable
    }
    const name = (e as { name?: unknown }).name;
    if (typeof name === "string" && name !== "") return name;
  }
  return String(e);
}
