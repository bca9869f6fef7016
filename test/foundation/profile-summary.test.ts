/** `npm run bench:profile`: self and inclusive time of a V8 CPU profile, by area and by function. */
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { areaOf, selfTime } from "../../bench/profile";

const ROOT = path.resolve(__dirname, "../..");
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

test("areas: Node's internals, a package in node_modules (scoped or not), a folder of the repository, V8's own", () => {
  assert.equal(areaOf(frame("writev", "")), "(native)");
  assert.equal(areaOf(frame("(garbage collector)", "")), "(garbage collector)");
  assert.equal(areaOf(frame("end", "node:_http_outgoing")), "node internals");
  assert.equal(
    areaOf(frame("HttpRequest", `file://${ROOT}/node_modules/@azure/functions/dist/azure-functions.js`)),
    "@azure/functions",
  );
  assert.equal(areaOf(frame("x", `${ROOT}/node_modules/jose/dist/webapi/index.js`)), "jose");
  assert.equal(areaOf(frame("decide", `file://${ROOT}/functions/engine/decide.ts`)), "functions/engine");
  assert.equal(areaOf(frame("x", "/somewhere/else.js")), "(elsewhere)");
});

test("self time goes to the sampled function; inclusive time to it and every caller once; idle is apart", () => {
  const engine = `file://${ROOT}/functions/engine/decide.ts`;
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", ""), children: [2, 5] },
      { id: 2, callFrame: frame("dispatch", engine), children: [3] },
      { id: 3, callFrame: frame("decide", engine), children: [4] },
      { id: 4, callFrame: frame("dispatch", engine) }, // recursion: counted once per sample
      { id: 5, callFrame: frame("(idle)", "") },
    ],
    samples: [3, 3, 4, 2, 5],
    timeDeltas: [1000, 1000, 2000, 500, 7000],
  };
  const result = selfTime(profile);
  assert.equal(result.busyMs, 4.5);
  assert.equal(result.idleMs, 7);
  const fn = (name: string) => `${name} functions/engine/decide.ts:1`;
  assert.equal(result.byFunction.get(fn("decide")), 2000);
  assert.equal(result.byFunction.get(fn("dispatch")), 2500);
  assert.equal(result.totalByFunction.get(fn("dispatch")), 4500);
  assert.equal(result.totalByFunction.get(fn("decide")), 4000);
  assert.equal(result.byArea.get("functions/engine"), 4500);
});
