/**
 * Fixtures for external-tenant Graph tests: an emulator playing an external (CIAM) tenant whose API
 * application (the seeded sample app) has a service principal with the consent granted, so
 * `validateAuthenticationConfiguration` passes. The service principal is written into the emulator's
 * state file before it starts (the emulator reads and tolerates objects it has no routes for).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSeed, DEFAULT_SEED } from "../../local/graph-emulator/seed";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";

/** Host of the extension API in these tests; its identifier URI is `api://<apiHost>/<sampleAppId>`. */
export const apiHost = "fn.example.net";
export const apiServicePrincipalId = "5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e";

/** An emulator state with a service principal (and, unless `consented` is false, its app role assignment). */
export function externalStateFile(
  consented = true,
  extra: Record<string, unknown> = {},
): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "external-emulator-"));
  const state = {
    ...buildSeed(DEFAULT_SEED),
    servicePrincipals: [{ id: apiServicePrincipalId, appId: DEFAULT_SEED.sampleAppId, accountEnabled: true }],
    appRoleAssignments: consented
      ? [
          {
            id: "a1",
            principalId: apiServicePrincipalId,
            resourceId: "graph-sp",
            appRoleId: "receive-payload",
          },
        ]
      : [],
    ...extra,
  };
  const file = path.join(dir, "state.json");
  fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A CIAM emulator with the API identity in place, and its connection. */
export async function externalEmulator(
  consented = true,
  extra: Record<string, unknown> = {},
): Promise<{
  emu: GraphEmulator;
  connection: GraphConnection;
  resourceId: string;
  close: () => Promise<void>;
}> {
  const { file, cleanup } = externalStateFile(consented, extra);
  const emu = await startGraphEmulator({ stateFile: file });
  emu.tenant.set({ tenantType: "CIAM" });
  return {
    emu,
    connection: { cloud: "global", baseUrl: emu.url, credential: "emulator" },
    resourceId: `api://${apiHost}/${emu.sampleAppId}`,
    close: async () => {
      await emu.close();
      cleanup();
    },
  };
}
