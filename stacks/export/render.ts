/** A {@link FlowExport} → the text of `Pulumi.<stack>.yaml`: notes and secret commands as comments. */
import { stringify } from "yaml";
import { NAMESPACE } from "../settings";
import type { FlowExport } from "./mapping";

/**
 * The commands that set the secrets; without a value `pulumi config set` prompts for it, so the secret
 * stays out of the shell history.
 */
export function secretCommands(e: FlowExport, stack: string): string[] {
  return e.secrets.map((s) => `pulumi config set --secret ${s.key} --stack ${stack}   # ${s.what}`);
}

export function renderStackFile(e: FlowExport, stack: string): string {
  const lines = [
    `# Exported from the tenant by 'npm run export' (flow ${e.flowId}); stacks/README.md documents every key.`,
    `# Graph never returns passwords, client secrets or certificates: this file holds none. Run before 'pulumi up':`,
    ...(e.secrets.length > 0
      ? [
          ...secretCommands(e, stack).map((c) => `#   ${c}`),
          `# With the current values set, the first 'pulumi up' sends none: a password or client secret is taken`,
          `# as the one the tenant holds (${NAMESPACE}:adoptSecrets: write sends it once), a certificate is compared`,
          `# by thumbprint.`,
        ]
      : ["#   (nothing: no secret is needed)"]),
    ...(e.notes.length > 0 ? ["# Notes:", ...e.notes.map((n) => `#   - ${n}`)] : []),
  ];
  const config = Object.fromEntries(Object.entries(e.config).map(([k, v]) => [`${NAMESPACE}:${k}`, v]));
  return `${lines.join("\n")}\n${stringify({ config }, { lineWidth: 0 })}`;
}
