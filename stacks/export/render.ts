/** A {@link FlowExport} → the text of `Pulumi.<stack>.yaml`: notes and secret commands as comments. */
import { stringify } from "yaml";
import { NAMESPACE } from "../settings";
import type { FlowExport } from "./mapping";

export function renderStackFile(e: FlowExport, stack: string): string {
  const lines = [
    `# Exported from the tenant by 'npm run export' (flow ${e.flowId}); stacks/README.md documents every key.`,
    `# Graph never returns passwords, client secrets or certificates: this file holds none. Run before 'pulumi up':`,
    ...(e.secretCommands.length > 0
      ? e.secretCommands.map((c) => `#   ${c} --stack ${stack}`)
      : ["#   (nothing: no secret is needed)"]),
    ...(e.notes.length > 0 ? ["# Notes:", ...e.notes.map((n) => `#   - ${n}`)] : []),
  ];
  const config = Object.fromEntries(Object.entries(e.config).map(([k, v]) => [`${NAMESPACE}:${k}`, v]));
  return `${lines.join("\n")}\n${stringify({ config }, { lineWidth: 0 })}`;
}
