/** One loopback rule and one https rule, the same answer at every gate. */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { endpointUrlProblem, isLoopbackHost, isLoopbackUrl } from "../../contract/url";

test("every 127.0.0.0/8 address, localhost and ::1 are loopback; look-alikes are not", () => {
  fc.assert(
    fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), ([a, b, c]) => {
      assert.ok(isLoopbackHost(`127.${a}.${b}.${c}`));
      assert.ok(isLoopbackUrl(`http://127.${a}.${b}.${c}:7071/api`));
    }),
  );
  for (const yes of [
    "http://localhost:1",
    "http://[::1]:80/",
    "https://LOCALHOST/x",
    "http://[::ffff:127.0.0.1]/",
  ])
    assert.ok(isLoopbackUrl(yes), yes);
  for (const no of [
    "http://127.example.net",
    "http://127.0.0.1.nip.io",
    "http://foo.localhost",
    "http://128.0.0.1",
    "http://127.0.0.256",
    "ftp://127.0.0.1",
    "not a url",
  ])
    assert.ok(!isLoopbackUrl(no), no);
});

test("http://127.0.0.2:7071 gets one answer: fine on an emulated tenant, refused against a real Graph", () => {
  assert.equal(endpointUrlProblem("http://127.0.0.2:7071/api", true), undefined);
  assert.match(endpointUrlProblem("http://127.0.0.2:7071/api", false) ?? "", /talks to a real Graph/);
  assert.equal(endpointUrlProblem("https://fn.azurewebsites.net/api", false), undefined);
  assert.match(endpointUrlProblem("http://fn.azurewebsites.net/api", true) ?? "", /not https/);
  assert.match(endpointUrlProblem("/relative", true) ?? "", /not an absolute URL/);
});
