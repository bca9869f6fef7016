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
import {
  EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
  MICROSOFT_GRAPH_APP_ID,
} from "../../local/graph-emulator/directorySeed";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import type { GraphConnection } from "../../components/graph";

/** Host of the extension API in these tests; its identifier URI is `api://<apiHost>/<sampleAppId>`. */
export const apiHost = "fn.example.net";
/** The seeded service principal of the sample app (the API application of these tests). */
export const apiServicePrincipalId = buildSeed(DEFAULT_SEED).servicePrincipals.find(
  (sp) => sp.appId === DEFAULT_SEED.sampleAppId,
)!.id;

/** An emulator state with a service principal (and, unless `consented` is false, its app role assignment). */
export function externalStateFile(
  consented = true,
  extra: Record<string, unknown> = {},
): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "external-emulator-"));
  const seed = buildSeed(DEFAULT_SEED);
  const graph = seed.servicePrincipals.find((sp) => sp.appId === MICROSOFT_GRAPH_APP_ID)!;
  const state = {
    ...seed,
    // The admin consent ExtensionApiApplication grants (appRoleAssignedTo on Microsoft Graph's SP).
    appRoleAssignments: consented
      ? [
          {
            id: "a1",
            principalId: apiServicePrincipalId,
            principalDisplayName: "Partner Portal",
            principalType: "ServicePrincipal",
            resourceId: graph.id,
            resourceDisplayName: graph.displayName,
            appRoleId: EMULATED_RECEIVE_PAYLOAD_ROLE_ID,
            createdDateTime: "2026-01-01T00:00:00Z",
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
