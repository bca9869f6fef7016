/**
 * The Basic credential check: the exact header Entra sends is matched in one comparison, and every
 * other valid spelling of the same credentials is still accepted; a wrong part is always refused.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { basicVerifier } from "../../functions/auth/basic";

const expected = { username: "entra-connector", password: "pässwörd:with:colons" };
const verify = basicVerifier(expected);
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

test("the header Entra sends is accepted", () => {
  assert.equal(verify(`Basic ${b64(`${expected.username}:${expected.password}`)}`), true);
});

test("other spellings of the same credentials are accepted: scheme case, trailing spaces", () => {
  const token = b64(`${expected.username}:${expected.password}`);
  for (const header of [`basic ${token}`, `BASIC ${token}`, `Basic  ${token}`, `Basic ${token}  `])
    assert.equal(verify(header), true, header);
});

test("a wrong username, a wrong password, a missing part or another scheme is refused", () => {
  for (const header of [
    `Basic ${b64(`someone:${expected.password}`)}`,
    `Basic ${b64(`${expected.username}:${expected.password}x`)}`,
    `Basic ${b64(expected.username)}`,
    `Basic ${b64(`:${expected.password}`)}`,
    `Bearer ${b64(`${expected.username}:${expected.password}`)}`,
    "",
    null,
  ])
    assert.equal(verify(header), false, String(header));
});
