/**
 * `npm run export -- --tenant <id> [--cloud …] [--flow B2X_1_<name>]… [--stack <name>] [--out <file>]
 *                    [--graph-url <emulator url>]`
 *
 * Writes the stack config of a hand-made tenant (see stacks/export/cli.ts); prints the secret commands.
 */
import * as fs from "node:fs";
import { parseExportArgs, runExport, usage } from "./export/cli";
import { secretCommands } from "./export/render";

async function main(): Promise<void> {
  const options = parseExportArgs(process.argv.slice(2));
  if (options === "help") {
    console.log(usage);
    return;
  }
  const files = await runExport(options, process.cwd());
  for (const f of files) {
    fs.writeFileSync(f.file, f.text);
    console.log(`wrote ${f.file} (${f.export.flowId})`);
    for (const n of f.export.notes) console.log(`  note: ${n}`);
    if (f.export.secrets.length > 0) {
      console.log(
        "  set the secrets Graph cannot return to their current values (each prompts for its value; up takes them as the tenant's and sends none), then preview:",
      );
      for (const c of secretCommands(f.export, f.stack)) console.log(`    ${c}`);
    }
    console.log(`    pulumi preview --stack ${f.stack}`);
  }
}

main().catch((err: unknown) => {
  console.error(`export failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
