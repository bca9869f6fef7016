/**
 * The export command's logic (argument parsing, flow choice, files to write), separate from the process
 * entry (stacks/export.ts) so tests run it in-process against the Graph emulator.
 *
 * One flow per stack: the stack config holds one `userFlow`. With one flow chosen (or only one in the
 * tenant) the file is `--out` or `Pulumi.<stack>.yaml`; with several, one file per flow,
 * `Pulumi.<stack>-<flow name>.yaml` (lower-cased), and `--out` is refused.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { graphClouds, type GraphCloud } from "../../components/graph/connection";
import { isLoopbackUrl } from "../../contract/url";
import { flowIdOf } from "../../contract/userFlow";
import { exportFlow, type FlowExport } from "./mapping";
import { readTenant } from "./read";
import { renderStackFile } from "./render";
import type { TenantSnapshot } from "./snapshot";

export const usage = `usage: npm run export -- --tenant <tenant id> [--cloud global|usgov|usgovdod|china]
                         [--flow B2X_1_<name>]... [--stack <name>] [--out <file>] [--graph-url <emulator url>]
Reads the tenant (GET only) and writes Pulumi.<stack>.yaml (one file per flow when several flows are exported).`;

export interface ExportOptions {
  tenantId: string;
  cloud: GraphCloud;
  flows: string[];
  stack: string;
  out?: string;
  graphUrl?: string;
}

export function parseExportArgs(argv: string[]): ExportOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: "string" },
      cloud: { type: "string", default: "global" },
      flow: { type: "string", multiple: true },
      stack: { type: "string", default: "adopted" },
      out: { type: "string" },
      "graph-url": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return "help";
  if (!values.tenant) throw new Error(`--tenant is required\n${usage}`);
  if (!(graphClouds as readonly string[]).includes(values.cloud))
    throw new Error(`--cloud ${values.cloud}: use one of ${graphClouds.join(", ")}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(values.stack))
    throw new Error(`--stack ${values.stack}: a stack name holds letters, digits, '_', '.' or '-'`);
  return {
    tenantId: values.tenant,
    cloud: values.cloud as GraphCloud,
    flows: (values.flow ?? []).map(flowIdOf),
    stack: values.stack,
    out: values.out,
    graphUrl: values["graph-url"],
  };
}

/** Which flows to export: the named ones (refusing unknown names with the list), else every flow. */
export function chooseFlows(snapshot: TenantSnapshot, named: string[]): string[] {
  const existing = snapshot.flows.map((f) => f.id).sort();
  if (existing.length === 0) throw new Error("the tenant has no B2X user flow to export");
  if (named.length === 0) return existing;
  const missing = named.filter((n) => !existing.some((e) => e.toLowerCase() === n.toLowerCase()));
  if (missing.length > 0)
    throw new Error(
      `no user flow ${missing.join(", ")} in the tenant; the flows that exist are: ${existing.join(", ")}`,
    );
  return [...new Set(named.map((n) => existing.find((e) => e.toLowerCase() === n.toLowerCase())!))].sort();
}

export interface ExportFile {
  file: string;
  /** The stack the file is for (its commands name it). */
  stack: string;
  text: string;
  export: FlowExport;
}

/** Reads the tenant and returns the files to write (nothing is written here). */
export async function runExport(o: ExportOptions, cwd: string): Promise<ExportFile[]> {
  if (o.graphUrl && !isLoopbackUrl(o.graphUrl))
    throw new Error(`--graph-url ${o.graphUrl}: only a loopback Graph emulator URL is accepted`);
  const target = {
    tenantId: o.tenantId,
    cloud: o.cloud,
    graphBaseUrl: o.graphUrl,
    graphCredential: o.graphUrl ? ("emulator" as const) : ("default" as const),
  };
  const snapshot = await readTenant({
    cloud: o.cloud,
    tenantId: o.tenantId,
    baseUrl: o.graphUrl,
    credential: target.graphCredential,
  });
  const flows = chooseFlows(snapshot, o.flows);
  if (flows.length > 1 && o.out)
    throw new Error(
      `--out names one file but ${flows.length} flows are exported (${flows.join(", ")}); a stack holds one flow: pick one with --flow or drop --out to get Pulumi.${o.stack}-<flow>.yaml per flow`,
    );
  return flows.map((flowId) => {
    const e = exportFlow(snapshot, flowId, target);
    const stack = flows.length > 1 ? `${o.stack}-${flowId.replace(/^B2X_1_/i, "").toLowerCase()}` : o.stack;
    const file = path.resolve(cwd, o.out ?? `Pulumi.${stack}.yaml`);
    return { file, stack, text: renderStackFile(e, stack), export: e };
  });
}
