/**
 * Plain objects used as maps of keys we do not control (claim names from a policy or a custom rule, claim
 * keys read from a request). A plain `obj[key]` finds `Object.prototype`'s members for keys such as
 * `constructor` or `toString`, and `obj["__proto__"] = v` replaces the prototype instead of adding a key.
 * These two helpers only ever see and make OWN properties.
 */

/** The own property `key` of `target`, never an inherited one. */
export function ownValue(target: object, key: string): unknown {
  return Object.hasOwn(target, key) ? (target as Record<string, unknown>)[key] : undefined;
}

/** Sets `key` as an own, enumerable property (also for `__proto__`), so JSON.stringify writes it. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // On a plain object only `__proto__` is an accessor on the prototype chain; any other key assigned
  // becomes an own, enumerable, writable property, and plain assignment is several times cheaper.
  if (key === "__proto__" || !isPlainRecord(target))
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function isPlainRecord(target: object): boolean {
  const proto = Object.getPrototypeOf(target) as unknown;
  return proto === Object.prototype || proto === null;
}
