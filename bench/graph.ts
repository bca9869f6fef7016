/**
 * Graph calls, time and state per deployment: runs the representative program (test/graph/engine-program.ts:
 * tenant toggle, custom attribute, API connector, Google IdP, B2X flow with 2 IdPs / 3 attributes / 1
 * connector step, app association) through the real engine against the emulator, and prints
 * - the reads and writes of a first `up` and of a no-op `up` next to the minimum the contract needs;
 * - the no-op `up` time against the floor: a no-op `up` of an empty TypeScript program with the same
 *   toolchain, measured in the same run, interleaved (median of {@link noOpRuns} each) so load on the
 *   machine hits both alike. Target ≤ 1.3×. Also against a second floor, a program with one trivial
 *   dynamic resource: what any dynamic provider costs (the engine starts Pulumi's Node.js provider host),
 *   so the part that is this package's own shows;
 * - the state bytes per Graph resource (target ≤ 20 KB) and the stored provider's share of it.
 * Ends with one JSON summary line. `npm run bench:graph`
 */
import { parseCommandLine } from "../local/cli-usage";
import { startGraphEmulator } from "../local/graph-emulator";
import { localProgramStack, makeTempDir, writeProgram, type LocalProgramStack } from "../test/helpers/pulumi";
import { graphProgramStack } from "../test/graph/engine-program";

/** No-op `up` runs per program; the median is reported. */
const noOpRuns = 3;

/** The floor: the smallest TypeScript program, same Pulumi.yaml runtime options and tsconfig. */
const emptyProgram = `import * as pulumi from "@pulumi/pulumi";\nexport const stack = pulumi.getStack();\n`;

/** The dynamic-provider floor: one dynamic resource whose provider does nothing. */
const oneDynamicProgram = `import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = { async create() { return { id: "one", outs: {} }; } };
new pulumi.dynamic.Resource(provider, "one", {}, {});
`;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timedUp(ctx: LocalProgramStack): Promise<number> {
  const t0 = performance.now();
  await ctx.stack.up();
  return performance.now() - t0;
}

interface StateFigures {
  resources: number;
  bytesPerResource: number;
  maxBytes: number;
  providerBytesPerResource: number;
}

/** Bytes of each Graph resource in the exported state (inputs, outputs, stored provider), as JSON. */
async function stateFigures(ctx: LocalProgramStack): Promise<StateFigures> {
  const deployment = (await ctx.stack.exportStack()).deployment as {
    resources?: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }>;
  };
  const graph = (deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
  const bytes = graph.map((r) => Buffer.byteLength(JSON.stringify(r)));
  const provider = graph.map(
    (r) =>
      Buffer.byteLength(String(r.inputs?.__provider ?? "")) +
      Buffer.byteLength(String(r.outputs?.__provider ?? "")),
  );
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
  return {
    resources: graph.length,
    bytesPerResource: mean(bytes),
    maxBytes: Math.max(0, ...bytes),
    providerBytesPerResource: mean(provider),
  };
}

/** The fewest calls the contract allows for the first `up` of that program, one comment per call. */
function firstUpMinimum(): { reads: number; writes: number } {
  let reads = 0;
  let writes = 0;
  reads++; // GET  /policies/authenticationFlowsPolicy — the value to restore on delete (docs/graph-contract.md §1.1)
  writes++; // PATCH /policies/authenticationFlowsPolicy — isEnabled: true
  writes++; // POST /identity/userFlowAttributes — id comes back in the 201 body (docs/graph-contract.md §2.2)
  writes++; // POST /identity/apiConnectors — Basic auth in the same call (docs/graph-contract.md §3.3)
  writes++; // POST /identity/identityProviders — Google
  writes++; // POST /identity/b2xUserFlows
  reads++; // GET  …/userFlowIdentityProviders — defaults of a new flow are UNCONFIRMED (docs/graph-contract.md §4.1)
  writes++; // POST …/userFlowIdentityProviders/$ref — Google-OAUTH (AADSignup is a default)
  reads++; // GET  …/userAttributeAssignments — defaults UNCONFIRMED (email is pre-assigned)
  writes++; // PATCH …/userAttributeAssignments/email — our label, input type, verification
  writes++; // POST …/userAttributeAssignments — the custom attribute
  writes++; // POST …/userAttributeAssignments — city
  // setOrder: not needed, the creates append in the desired order after the pre-assigned email.
  writes++; // PUT  …/apiConnectorConfiguration/postAttributeCollection/$ref (a new flow has none: no read)
  writes++; // POST /identity/events/onSignupStart (beta) — the app association
  return { reads, writes };
}

/** A no-op `up` needs nothing from Graph: diffs compare desired inputs with state. */
const noOpMinimum = { reads: 0, writes: 0 };

const USAGE = `usage: npm run bench:graph

Runs the representative program through the real engine against the Graph emulator and prints the Graph
reads and writes of a first \`up\` and of a no-op \`up\` next to the minimum the contract needs. No options.`;

async function main(): Promise<void> {
  parseCommandLine("bench:graph", USAGE, {});
  process.env.ENTRA_SIGNUP_GRAPH_RETRY_SCALE ??= "0.01";
  const emu = await startGraphEmulator();
  const { ctx, cleanupDir } = await graphProgramStack("bench-graph", emu);
  const floorDir = makeTempDir("bench-floor");
  writeProgram(floorDir.dir, "bench-floor", emptyProgram);
  const floor = await localProgramStack(floorDir.dir, "dev");
  const dynamicDir = makeTempDir("bench-dynamic-floor");
  writeProgram(dynamicDir.dir, "bench-dynamic-floor", oneDynamicProgram);
  const dynamicFloor = await localProgramStack(dynamicDir.dir, "dev");
  const rows: Array<[string, { reads: number; writes: number }, { reads: number; writes: number }, number]> =
    [];
  const noOp: number[] = [];
  const floorNoOp: number[] = [];
  const dynamicNoOp: number[] = [];
  let noOpCounts = { reads: 0, writes: 0 };
  let state: StateFigures;
  try {
    emu.clearLog();
    const firstMs = await timedUp(ctx);
    rows.push(["first up", emu.counts(), firstUpMinimum(), firstMs]);
    state = await stateFigures(ctx);
    await floor.stack.up(); // creates the floors' resources; later runs are no-ops
    await dynamicFloor.stack.up();
    for (let i = 0; i < noOpRuns; i++) {
      floorNoOp.push(await timedUp(floor));
      dynamicNoOp.push(await timedUp(dynamicFloor));
      emu.clearLog();
      noOp.push(await timedUp(ctx));
      const c = emu.counts();
      noOpCounts = {
        reads: Math.max(noOpCounts.reads, c.reads),
        writes: Math.max(noOpCounts.writes, c.writes),
      };
    }
    rows.push(["no-op up", noOpCounts, noOpMinimum, median(noOp)]);
    await ctx.stack.destroy();
  } finally {
    await ctx.cleanup();
    await floor.cleanup();
    await dynamicFloor.cleanup();
    cleanupDir();
    floorDir.cleanup();
    dynamicDir.cleanup();
    await emu.close();
  }
  const ratio = (actual: number, min: number) =>
    min === 0 ? (actual === 0 ? "1.00" : "∞") : (actual / min).toFixed(2);
  console.log("phase      reads  min  ratio   writes  min  ratio   wall ms");
  for (const [name, actual, min, ms] of rows) {
    console.log(
      `${name.padEnd(10)} ${String(actual.reads).padStart(5)} ${String(min.reads).padStart(4)} ${ratio(actual.reads, min.reads).padStart(6)}` +
        `   ${String(actual.writes).padStart(6)} ${String(min.writes).padStart(4)} ${ratio(actual.writes, min.writes).padStart(6)}   ${String(Math.round(ms)).padStart(7)}`,
    );
  }
  const noOpMs = median(noOp);
  const floorMs = median(floorNoOp);
  const noOpRatio = noOpMs / floorMs;
  const dynamicMs = median(dynamicNoOp);
  const runs = (xs: number[]) => xs.map((x) => Math.round(x)).join(", ");
  console.log("");
  console.log(`no-op up (7 resources):      median ${Math.round(noOpMs)} ms of ${runs(noOp)}`);
  console.log(`floor (empty TS program):    median ${Math.round(floorMs)} ms of ${runs(floorNoOp)}`);
  console.log(`one trivial dynamic resource: median ${Math.round(dynamicMs)} ms of ${runs(dynamicNoOp)}`);
  console.log(
    `noop_up_ratio ${noOpRatio.toFixed(2)} (target ≤ 1.3); against one trivial dynamic resource ` +
      `${(noOpMs / dynamicMs).toFixed(2)}, which is itself ${(dynamicMs / floorMs).toFixed(2)}× the floor`,
  );
  console.log(
    `state_bytes_per_resource ${state.bytesPerResource} (target ≤ 20480; max ${state.maxBytes}, ` +
      `stored provider ${state.providerBytesPerResource} of it, ${state.resources} Graph resources)`,
  );
  console.log(
    JSON.stringify({
      noop_up_ratio: Number(noOpRatio.toFixed(2)),
      state_bytes_per_resource: state.bytesPerResource,
      noop_up_ms: Math.round(noOpMs),
      floor_noop_up_ms: Math.round(floorMs),
      dynamic_floor_noop_up_ms: Math.round(dynamicMs),
      noop_up_graph_calls: noOpCounts.reads + noOpCounts.writes,
      first_up_graph_calls: rows[0]![1].reads + rows[0]![1].writes,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
