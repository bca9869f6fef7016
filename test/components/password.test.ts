/** One generator and one rotation rule for every generated Basic password. */
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { test } from "node:test";
import { generatePassword } from "../../components/graph/providers/connector-credential";
import { DEFAULT_PASSWORD_BYTES, newPassword, rotationDue } from "../../components/password";

test("the connector's own password and GeneratedPassword's come from the same generator", () => {
  const sizes: number[] = [];
  const spy = (size: number) => {
    sizes.push(size);
    return crypto.randomBytes(size);
  };
  assert.match(newPassword(spy), /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(sizes, [DEFAULT_PASSWORD_BYTES]);
  assert.match(generatePassword(), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(generatePassword(), generatePassword());
});

test("a generated password rotates exactly when its rotation key changes", () => {
  assert.equal(rotationDue({ rotationKey: "1" }, { rotationKey: "1" }), false);
  assert.equal(rotationDue({}, { rotationKey: "" }), false, "absent and empty are the same key");
  assert.equal(rotationDue({ rotationKey: "1" }, { rotationKey: "2" }), true);
  assert.equal(rotationDue({ rotationKey: "2026-09" }, {}), true);
});
