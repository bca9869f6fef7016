/**
 * A tenant that already holds one `onTokenIssuanceStartCustomExtension`. The extension resource and its
 * emulator routes are built separately (CustomAuthenticationExtension); until those routes are in this
 * emulator, the tests start it from a state file that holds the extension as Graph returns it, so the
 * listener's strict "the extension must exist" check runs against a real object.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { startGraphEmulator, DEFAULT_SEED, type GraphEmulator } from "../../local/graph-emulator";
import { buildSeed } from "../../local/graph-emulator/seed";

export interface ExtensionTenant {
  readonly emu: GraphEmulator;
  /** Id of the seeded token issuance start extension. */
  readonly extensionId: string;
  /** Id of a seeded attribute collection submit extension (the wrong type for a token listener). */
  readonly submitExtensionId: string;
  /**
   * A token issuance start listener that belongs to an events flow (`authenticationEventsFlowId` set, as
   * Graph sets it): for the seeded extension and the sample app.
   */
  readonly flowListenerId: string;
  /** True when `diffFromSeed` names one of the fixture objects (not something a test made). */
  readonly isFixture: (difference: string) => boolean;
  readonly cleanup: () => Promise<void>;
}

export async function tenantWithTokenExtension(): Promise<ExtensionTenant> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "token-ext-"));
  const extensionId = randomUUID();
  const submitExtensionId = randomUUID();
  const flowListenerId = randomUUID();
  const ext = (id: string, type: string, displayName: string) => ({
    "@odata.type": `#microsoft.graph.${type}`,
    id,
    displayName,
    endpointConfiguration: {
      "@odata.type": "#microsoft.graph.httpRequestEndpoint",
      targetUrl: "https://fn.example.net/api/tokenIssuanceStart",
    },
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.azureAdTokenAuthentication",
      resourceId: "api://fn.example.net/00000000-0000-0000-0000-000000000000",
    },
    clientConfiguration: { timeoutInMilliseconds: 1000, maximumRetries: 1 },
  });
  const seed = buildSeed(DEFAULT_SEED);
  const state = {
    ...seed,
    authenticationEventListeners: [
      {
        id: flowListenerId,
        type: "microsoft.graph.onTokenIssuanceStartListener",
        priority: 500,
        includeApplications: [DEFAULT_SEED.sampleAppId],
        customExtensionId: extensionId,
        authenticationEventsFlowId: randomUUID(),
      },
    ],
    customAuthenticationExtensions: [
      ext(extensionId, "onTokenIssuanceStartCustomExtension", "token claims"),
      ext(submitExtensionId, "onAttributeCollectionSubmitCustomExtension", "submit"),
    ],
  };
  const stateFile = path.join(dir, "state.json");
  fs.writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
  const emu = await startGraphEmulator({ stateFile });
  return {
    emu,
    extensionId,
    submitExtensionId,
    flowListenerId,
    isFixture: (d) => [extensionId, submitExtensionId, flowListenerId].some((id) => d.includes(id)),
    cleanup: async () => {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
