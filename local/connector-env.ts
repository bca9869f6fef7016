/**
 * The connector's app settings as `npm run local` runs it, found from its state folder alone: the
 * settings file `pulumi up` writes (`connector-settings.json`) plus the storage connection of the local
 * Azurite (its ports are in the service's pid record). Lets tools such as `npm run approvals` work on
 * the local system without any flag.
 */
import * as fs from "node:fs";
import { readSettingsFile } from "../functions/settingsFile";
import { connectionStringFor } from "./azurite";
import { runningService } from "./daemons";
import { paths } from "./state-folder";

export class LocalSystemNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalSystemNotFoundError";
  }
}

/** Throws LocalSystemNotFoundError (saying what to run) when the local system is not up in `stateDir`. */
export function localConnectorEnv(stateDir: string): Record<string, string> {
  const file = paths(stateDir).connectorSettings;
  if (!fs.existsSync(file))
    throw new LocalSystemNotFoundError(
      `no local system in ${stateDir} (${file} does not exist): start it with 'npm run local', or give the storage with --settings <file> or AzureWebJobsStorage`,
    );
  const azurite = runningService(stateDir, "azurite");
  if (!azurite)
    throw new LocalSystemNotFoundError(
      `the local system's Azurite is not running (state folder ${stateDir}): start it with 'npm run local'`,
    );
  const [blob, queue, table] = azurite.ports as [number, number, number];
  return { ...readSettingsFile(file), AzureWebJobsStorage: connectionStringFor({ blob, queue, table }) };
}
