/**
 * Drift: a preview with refresh (read-only: the refreshed state is not saved) that reads the tenant, then
 * compares it with the program's config. Every resource the engine would change is described in
 * identity terms (identity-diff.ts). https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/ (--refresh)
 */
import type { EngineEvent, Stack, StepEventMetadata } from "@pulumi/pulumi/automation";
import { describeDrift, type ResourceDrift } from "./identity-diff";

/** Engine operations that mean "the tenant is not what the config says". */
const DRIFT_OPS = new Set(["update", "replace", "create", "delete"]);

export interface DriftReport {
  readonly resources: readonly ResourceDrift[];
  /** One line per difference, in identity terms. */
  readonly lines: readonly string[];
}

const kindOf = (type: string) => type.slice(type.lastIndexOf(":") + 1);
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const props = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});

/** Turns the preview's step events into drift descriptions. Pure, for tests. */
export function driftFromSteps(steps: readonly StepEventMetadata[]): DriftReport {
  const connectorNames = new Map<string, string>();
  for (const s of steps) {
    if (kindOf(s.type) !== "ApiConnector") continue;
    const outputs = props(s.old?.outputs ?? s.new?.outputs);
    const id = outputs.connectorId ?? s.old?.id;
    const name = props(s.new?.inputs).displayName ?? outputs.displayName;
    if (id && name) connectorNames.set(String(id).toLowerCase(), String(name));
  }
  const resources = steps
    .filter((s) => DRIFT_OPS.has(s.op) && !s.type.startsWith("pulumi:"))
    .map((s) => ({
      kind: kindOf(s.type),
      name: nameOf(s.urn),
      op: s.op,
      tenant: props(s.old?.outputs),
      config: props(s.new?.inputs ?? s.old?.inputs),
      diffs: s.diffs,
    }));
  return { resources, lines: resources.flatMap((r) => describeDrift(r, connectorNames)) };
}

/** Runs the refresh-preview on a stack and describes what differs. */
export async function detectDrift(stack: Stack, onOutput?: (chunk: string) => void): Promise<DriftReport> {
  const steps: StepEventMetadata[] = [];
  await stack.preview({
    refresh: true,
    onOutput,
    onEvent: (e: EngineEvent) => {
      const m = e.resourcePreEvent?.metadata;
      if (m && m.op !== "refresh") steps.push(m);
    },
  });
  return driftFromSteps(steps);
}

/** The report a reviewer reads, and the exit code for a scheduled job: 0 clean, 1 drift. */
export function formatDrift(stackName: string, report: DriftReport): { code: number; text: string } {
  if (report.lines.length === 0) {
    return { code: 0, text: `drift: stack '${stackName}': the tenant matches the config` };
  }
  return {
    code: 1,
    text: [
      `drift: stack '${stackName}': the tenant differs from the config in ${report.lines.length} place(s):`,
      ...report.lines.map((l) => `  - ${l}`),
      `Put the config back with 'npm run pulumi -- up --stack ${stackName}', or change the config to keep what the tenant has.`,
    ].join("\n"),
  };
}
