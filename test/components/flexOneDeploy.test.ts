/**
 * FlexOneDeploy's provider against a fake SCM (Kudu) server on a loopback port: a successful deployment,
 * a failed one (error names the log URL), a slow one (polls until done, or times out), a stale zip, and
 * the diff rules. The provider methods are called directly; nothing talks to Azure.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
  checkOneDeployInputs,
  flexOneDeployProvider as provider,
} from "../../components/hosting/flexOneDeploy";
import { makeTempDir } from "../helpers/pulumi";

interface FakeScm {
  url: string;
  received: { method: string; url: string; bytes: number; auth?: string }[];
  /** Status values returned by successive GET /api/deployments/latest calls (last one repeats). */
  script: number[];
  close(): Promise<void>;
}

async function fakeScm(): Promise<FakeScm> {
  const state: Omit<FakeScm, "url" | "close"> = { received: [], script: [4] };
  let polls = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const bytes = Buffer.concat(chunks).length;
      state.received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        bytes,
        auth: req.headers.authorization,
      });
      if (req.method === "POST" && req.url?.startsWith("/api/publish")) {
        polls = 0;
        res.writeHead(202).end();
      } else if (req.method === "GET" && req.url === "/api/deployments/latest") {
        const status = state.script[Math.min(polls++, state.script.length - 1)];
        const body = {
          id: "dep-42",
          status,
          status_text: status === 3 ? "Build failed" : "",
          complete: status! >= 3,
        };
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

let scm: FakeScm;
let zipPath: string;
let zipHash: string;
const tmp = makeTempDir("flex-one-deploy");

before(async () => {
  scm = await fakeScm();
  zipPath = path.join(tmp.dir, "connector.zip");
  fs.writeFileSync(zipPath, Buffer.from("PK\u0003\u0004 fake zip body"));
  zipHash = createHash("sha256").update(fs.readFileSync(zipPath)).digest("hex");
});
after(async () => {
  await scm.close();
  tmp.cleanup();
});

const inputs = (extra: Record<string, unknown> = {}) => ({
  scmBaseUrl: scm.url,
  packagePath: zipPath,
  packageSha256: zipHash,
  credential: "none" as const,
  pollIntervalMs: 10,
  timeoutSeconds: 5,
  ...extra,
});

describe("FlexOneDeploy against a fake SCM server", () => {
  test("uploads the zip with One Deploy and returns when the deployment succeeds", async () => {
    scm.received.length = 0;
    scm.script = [1, 4];
    const result = await provider.create(inputs());
    assert.equal(result.outs?.deploymentId, "dep-42");
    const post = scm.received.find((r) => r.method === "POST");
    assert.equal(post?.url, "/api/publish?RemoteBuild=false&Deployer=entra-signup");
    assert.equal(post?.bytes, fs.statSync(zipPath).size);
    assert.equal(post?.auth, undefined, 'credential "none" sends no token');
    assert.equal(scm.received.filter((r) => r.url === "/api/deployments/latest").length, 2);
  });

  test("a failed deployment (status 3) raises an error with the log URL", async () => {
    scm.script = [1, 3];
    await assert.rejects(provider.create(inputs()), (error: Error) => {
      assert.match(error.message, /deployment dep-42 failed \(Build failed\)/);
      assert.ok(error.message.includes(`${scm.url}/api/deployments/dep-42/log`), error.message);
      return true;
    });
  });

  test("a slow deployment is polled until it finishes", async () => {
    scm.received.length = 0;
    scm.script = [0, 1, 1, 1, 1, 1, 1, 1, 4];
    const result = await provider.update!("id", inputs(), inputs());
    assert.equal(result.outs?.deploymentId, "dep-42");
    assert.equal(scm.received.filter((r) => r.url === "/api/deployments/latest").length, 9);
  });

  test("a deployment that never finishes fails after the time bound", async () => {
    scm.script = [1];
    scm.received.length = 0;
    await assert.rejects(provider.create(inputs({ timeoutSeconds: 0.3 })), /did not finish within 0.3 s/);
    const polls = scm.received.filter((r) => r.url === "/api/deployments/latest").length;
    // Polls are pollIntervalMs (10 ms) apart, so a 0.3 s bound allows at most 31 of them, however busy the machine.
    assert.ok(polls >= 1 && polls <= (0.3 * 1000) / 10 + 1, `it polled ${polls} times, then gave up`);
  });

  test("refuses a zip whose hash differs from packageSha256 before uploading", async () => {
    scm.received.length = 0;
    await assert.rejects(
      provider.create(inputs({ packageSha256: "0".repeat(64) })),
      /rebuild with 'npm run build:connector'/,
    );
    assert.equal(scm.received.length, 0);
  });
});

describe("FlexOneDeploy inputs and diff", () => {
  test("diff redeploys only for a new package hash or target", async () => {
    const olds = inputs();
    assert.equal((await provider.diff!("id", olds, inputs({ timeoutSeconds: 99 }))).changes, false);
    assert.equal((await provider.diff!("id", olds, inputs({ packageSha256: "b".repeat(64) }))).changes, true);
    assert.equal(
      (await provider.diff!("id", olds, inputs({ scmBaseUrl: "https://x.scm.azurewebsites.net" }))).changes,
      true,
    );
    assert.deepEqual(
      (await provider.diff!("id", olds, inputs({ packageSha256: "b".repeat(64) }))).replaces,
      [],
    );
  });

  test("check refuses plain http, credential none off loopback, bad hashes and a missing target", () => {
    const props = (f: { property: string }[]) => f.map((x) => x.property).sort();
    assert.deepEqual(
      props(
        checkOneDeployInputs({ scmBaseUrl: "http://example.com", credential: "none", packageSha256: "x" }),
      ),
      ["credential", "packageSha256", "scmBaseUrl"],
    );
    assert.deepEqual(props(checkOneDeployInputs({ packagePath: "a.zip", packageSha256: "a".repeat(64) })), [
      "scmHostName",
    ]);
    assert.deepEqual(
      checkOneDeployInputs({ scmHostName: "app.scm.azurewebsites.net", packageSha256: "a".repeat(64) }),
      [],
    );
  });

  test("the serialized provider captures no credential or SDK", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    assert.equal(serialized.containsSecrets, false);
    assert.ok(
      !/require\("@azure\/identity"\)/.test(serialized.text),
      "identity is imported lazily, not captured",
    );
    assert.ok(serialized.text.includes('import("@azure/identity")'));
  });
});
