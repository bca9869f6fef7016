/**
 * Graph calls per deployment: runs the representative program (test/graph/engine-program.ts: tenant
 * toggle, custom attribute, API connector, Google IdP, B2X flow with 2 IdPs / 3 attributes / 1 connector
 * step, app association) through the real engine against the emulator, and prints the reads and writes of
 * a first `up` and of a no-op `up` next to the minimum the contract needs. `npm run bench:graph`
 */
import { parseCommandLine } from "../local/cli-usage";
import { startGraphEmulator } from "../local/graph-emulator";
import { graphProgramStack } from "../test/graph/engine-program";

/** The fewest calls the contract allows for the first `up` of that program, one comment per call. */
function firstUpMinimum(): { reads: number; writes: number } {
  let reads = 0;
  let writes = 0;
  reads++; // GET  /policies/authenticationFlowsPolicy — the value to restore on delete (§1.1)
  writes++; // PATCH /policies/authenticationFlowsPolicy — isEnabled: true
  writes++; // POST /identity/userFlowAttributes — id comes back in the 201 body (§2.2)
  writes++; // POST /identity/apiConnectors — Basic auth in the same call (§3.3)
  writes++; // POST /identity/identityProviders — Google
  writes++; // POST /identity/b2xUserFlows
  reads++; // GET  …/userFlowIdentityProviders — defaults of a new flow are UNCONFIRMED (§4.1)
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
  const rows: Array<[string, { reads: number; writes: number }, { reads: number; writes: number }, number]> =
    [];
  try {
    emu.clearLog();
    let t0 = Date.now();
    await ctx.stack.up();
    rows.push(["first up", emu.counts(), firstUpMinimum(), Date.now() - t0]);
    emu.clearLog();
    t0 = Date.now();
    await ctx.stack.up();
    rows.push(["no-op up", emu.counts(), noOpMinimum, Date.now() - t0]);
    await ctx.stack.destroy();
  } finally {
    await ctx.cleanup();
    cleanupDir();
    await emu.close();
  }
  const ratio = (actual: number, min: number) =>
    min === 0 ? (actual === 0 ? "1.00" : "∞") : (actual / min).toFixed(2);
  console.log("phase      reads  min  ratio   writes  min  ratio   wall ms");
  for (const [name, actual, min, ms] of rows) {
    console.log(
      `${name.padEnd(10)} ${String(actual.reads).padStart(5)} ${String(min.reads).padStart(4)} ${ratio(actual.reads, min.reads).padStart(6)}` +
        `   ${String(actual.writes).padStart(6)} ${String(min.writes).padStart(4)} ${ratio(actual.writes, min.writes).padStart(6)}   ${String(ms).padStart(7)}`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
