/**
 * `npm run approvals`: the approval queue's command line. The commands live with the connector
 * (functions/cli/approvals.ts); this entry adds what only a developer machine has: finding the running
 * `npm run local` system's storage when no storage is given.
 */
import { runApprovalsCli, type LocalEnvFinder } from "../functions/cli/approvals";
import { SettingsError } from "../functions/settings";
import { ApprovalNotFoundError } from "../functions/storage/errors";
import { localConnectorEnv } from "./connector-env";
import { DEFAULT_STATE_DIR } from "./state-folder";

const findLocal: LocalEnvFinder = async (stateDir) => localConnectorEnv(stateDir ?? DEFAULT_STATE_DIR);

if (require.main === module) {
  runApprovalsCli(process.argv.slice(2), process.env, (line) => console.log(line), { findLocal })
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      if (error instanceof ApprovalNotFoundError) console.error(`approvals: ${error.message}`);
      else if (error instanceof SettingsError)
        console.error(
          `approvals: the storage settings have problems:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`,
        );
      else console.error(`approvals: ${(error as Error).message}`);
      process.exit(1);
    });
}
