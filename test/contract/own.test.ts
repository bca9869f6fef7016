import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ownValue, setOwn } from "../../contract/own";

test("setOwn makes an own, enumerable property for every key, including Object.prototype's names and __proto__", () => {
  for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "x"]) {
    const target: Record<string, unknown> = {};
    setOwn(target, key, "v");
    assert.ok(Object.hasOwn(target, key), key);
    assert.equal(Object.getPrototypeOf(target), Object.prototype, `${key} must not replace the prototype`);
    assert.equal(ownValue(target, key), "v");
    assert.deepEqual(JSON.parse(JSON.stringify(target)), { [key]: "v" }, key);
  }
});

test("setOwn on a null-prototype object and on a class instance keeps every key own", () => {
  const bare = Object.create(null) as Record<string, unknown>;
  setOwn(bare, "__proto__", 1);
  setOwn(bare, "toString", 2);
  assert.deepEqual(Object.keys(bare), ["__proto__", "toString"]);
  class WithSetter {
    set name(_: unknown) {
      throw new Error("the setter must not run");
    }
  }
  const instance = new WithSetter() as unknown as Record<string, unknown>;
  setOwn(instance, "name", "n");
  assert.equal(Object.getOwnPropertyDescriptor(instance, "name")?.value, "n");
});

test("ownValue never reads an inherited member", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("constructor", "toString", "__proto__", "valueOf", "isPrototypeOf"),
      (key) => {
        assert.equal(ownValue({}, key), undefined);
      },
    ),
  );
});
