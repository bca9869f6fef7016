/**
 * Crash safety through the real engine (issue 11 items 12 and 13; docs/crash-safety.md): the engine is
 * killed (`SIGKILL`, nothing cleaned up) at each create step of a first `up`, right after Graph applied
 * the write and before its answer arrives, then the same `up` runs again. For every resource kind and both
 * `adoptExisting` settings:
 * - after the kill, no further Graph write arrives and no provider process of the killed run lingers;
 * - the rerun succeeds without manual adoption and converges to exactly one object per resource;
 * - destroy then leaves the tenant as seeded (nothing untracked).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import {
  startGraphEmulator,
  type FaultRule,
  type GraphEmulator,
  type RequestLogEntry,
} from "../../local/graph-emulator";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  testPassphrase,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";
import { endOrphanedPlugins } from "../../local/cleanup";
import { program } from "./engine-program";

let emu: GraphEmulator;
before(async () => (emu = await startGraphEmulator()));
after(() => emu?.close());

interface KillPoint {
  readonly method: string;
  readonly path: RegExp;
  /** A fault injected first, e.g. a create whose answer is lost. */
  readonly fault?: FaultRule;
  /** Only requests after this one count (e.g. the look-up that follows a lost create answer). */
  readonly after?: (log: readonly RequestLogEntry[]) => boolean;
}

/** One create step per resource kind (and the toggle's write and a flow part). */
const killPoints: Record<string, KillPoint> = {
  "the toggle's PATCH": { method: "PATCH", path: /^\/policies\/authenticationFlowsPolicy$/ },
  "the attribute create": { method: "POST", path: /^\/identity\/userFlowAttributes$/ },
  "the connector create": { method: "POST", path: /^\/identity\/apiConnectors$/ },
  "the identity provider create": { method: "POST", path: /^\/identity\/identityProviders$/ },
  "the user flow create": { method: "POST", path: /^\/identity\/b2xUserFlows$/ },
  "a flow part (attribute assignment)": { method: "POST", path: /\/userAttributeAssignments$/ },
  "the app association create": { method: "POST", path: /^\/identity\/events\/onSignupStart$/ },
  "the look-up after a lost connector create answer": {
    method: "GET",
    path: /^\/identity\/apiConnectors$/,
    fault: { method: "POST", path: "^/identity/apiConnectors$", kind: "createThenFail" },
    after: (log) => log.some((e) => e.fault === "createThenFail" && e.path === "/identity/apiConnectors"),
  },
};

async function stackFor(
  prefix: string,
  adoptExisting: boolean,
): Promise<{
  ctx: LocalProgramStack;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}> {
  const tmp = makeTempDir(prefix);
  const source = program(path.join(repoRoot, "components", "graph")).replace(
    /const connection = /,
    `const adoptExisting = ${adoptExisting};\nconst connection = `,
  );
  // Every Graph resource takes the same adoptExisting setting.
  writeProgram(tmp.dir, prefix, source.replace(/\{ connection,/g, "{ connection, adoptExisting,"));
  const env = {
    PULUMI_BACKEND_URL: `file://${path.join(tmp.dir, ".state")}`,
    PULUMI_CONFIG_PASSPHRASE: testPassphrase,
    PULUMI_HOME: path.join(tmp.dir, ".pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01",
  };
  const ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setAllConfig({
    graphUrl: { value: emu.url },
    appId: { value: emu.sampleAppId },
    googleSecret: { value: "google-secret-for-crash-test", secret: true },
  });
  return {
    ctx,
    env,
    cleanup: async () => {
      // A killed engine leaves its language host running (Pulumi's own behaviour; `npm run local` ends such
      // orphans the same way, local/cleanup.ts): end it, so the suite leaves no process behind.
      await endOrphanedPlugins(ctx.workDir);
      await ctx.cleanup();
      tmp.cleanup();
    },
  };
}

const cmdline = (pid: number): string => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "(gone)";
  }
};

/** Processes started for this program folder (their working directory is the folder). */
function processesIn(dir: string): number[] {
  return fs.readdirSync("/proc").flatMap((p) => {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) return [];
    try {
      return fs.realpathSync(`/proc/${p}/cwd`) === fs.realpathSync(dir) ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}

/** The killed run's dynamic-provider hosts (the only processes that could write to Graph). */
const providerHosts = (dir: string): number[] =>
  processesIn(dir).filter((pid) => /dynamic-provider|pulumi-resource-pulumi-nodejs/.test(cmdline(pid)));

async function waitFor(
  what: string,
  ok: () => boolean,
  timeoutMs: number,
  detail: () => string = () => "",
): Promise<void> {
  const until = Date.now() + timeoutMs;
  let seen = "";
  while (!ok()) {
    seen = detail() || seen;
    if (Date.now() > until) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}: ${seen}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const writesAfter = (t: string): RequestLogEntry[] => emu.log.filter((e) => e.write && e.at > t);

for (const adoptExisting of [false, true]) {
  for (const [step, point] of Object.entries(killPoints)) {
    test(`adoptExisting ${adoptExisting}: engine killed at ${step} of a first up → no later write, no lingering provider, the rerun converges to one object each`, async () => {
      emu.reset();
      const { ctx, env, cleanup } = await stackFor("graph-crash", adoptExisting);
      try {
        if (point.fault) emu.faults.add(point.fault);
        const hold = emu.holdResponse(
          (e) =>
            e.method === point.method &&
            point.path.test(e.path) &&
            e.status < 400 &&
            (point.after?.(emu.log.slice(0, -1)) ?? true),
        );
        const engine = spawn(
          "pulumi",
          // One operation at a time: when the held create is reached nothing else is on the wire, so any
          // write after the kill could only come from a provider that outlived its engine.
          ["up", "--yes", "--skip-preview", "--non-interactive", "--parallel", "1", "--stack", "dev"],
          {
            cwd: ctx.workDir,
            env: { ...process.env, ...env },
            stdio: "ignore",
          },
        );
        const exited = new Promise<void>((r) => engine.once("exit", () => r()));
        await Promise.race([hold.reached, exited.then(() => assert.fail(`the up ended before ${step}`))]);
        engine.kill("SIGKILL");
        await exited;
        const killedAt = new Date().toISOString();
        hold.release(); // the provider now gets its answer, as if the network delivered it late

        // Bounded wait: whatever the killed run's providers would still do happens well within it.
        await waitFor(
          "the killed run's provider processes to end",
          () => providerHosts(ctx.workDir).length === 0,
          60_000,
        );
        assert.deepEqual(
          writesAfter(killedAt).map((e) => `${e.method} ${e.path}`),
          [],
          "no Graph write after the engine died",
        );

        // What a user does next: run the same command again (the file backend's lock is cleared).
        fs.rmSync(path.join(ctx.backendDir, ".pulumi", "locks"), { recursive: true, force: true });
        const rerun = await ctx.stack.up();
        assert.equal(rerun.summary.result, "succeeded");
        const snap = emu.snapshot();
        assert.equal(snap.userFlowAttributes.filter((a) => a.userFlowAttributeType === "custom").length, 1);
        assert.equal(snap.apiConnectors.length, 1, "one connector: no duplicate");
        assert.equal(snap.identityProviders.filter((i) => i.kind === "social").length, 1);
        assert.equal(snap.b2xUserFlows.length, 1);
        assert.equal(snap.b2xUserFlows[0]?.assignments.length, 3, "each assignment once");
        assert.equal(snap.onSignupStartListeners.length, 1, "one app association: no duplicate");
        assert.equal(snap.authenticationFlowsPolicy.selfServiceSignUp.isEnabled, true);

        const destroy = await ctx.stack.destroy();
        assert.equal(destroy.summary.result, "succeeded");
        const left = emu.diffFromSeed().filter((d) => !/authenticationFlowsPolicy/.test(d));
        assert.deepEqual(left, [], "nothing untracked is left behind");
      } finally {
        await cleanup();
      }
    });
  }
}
