/**
 * The representative program used by the engine test and the benchmark: every Graph resource, knobs from
 * stack config, written into a folder under <repo>/.tmp so module resolution finds node_modules.
 */
import * as path from "node:path";
import type { GraphEmulator } from "../../local/graph-emulator";
import {
  localProgramStack,
  makeTempDir,
  repoRoot,
  writeProgram,
  type LocalProgramStack,
} from "../helpers/pulumi";

const graphDir = path.join(repoRoot, "components", "graph");

/** A small program using every Graph resource; knobs come from stack config. */
export const program = (graphIndex: string) => `
import * as pulumi from "@pulumi/pulumi";
import {
  ApiConnector, B2xUserFlow, SelfServiceSignUpPolicy, SocialIdentityProvider, UserFlowAppAssociation, UserFlowAttribute,
} from ${JSON.stringify(graphIndex)};

const config = new pulumi.Config();
const connection = { cloud: "global" as const, baseUrl: config.require("graphUrl"), credential: "emulator" as const };

const signUp = new SelfServiceSignUpPolicy("sign-up", { connection });
const company = new UserFlowAttribute("company", {
  connection,
  displayName: "Company name",
  description: config.get("companyDescription") ?? "Your employer",
}, { dependsOn: [signUp] });
const connector = new ApiConnector("approvals", {
  connection,
  displayName: "Approvals",
  targetUrl: "https://fn.example.net/api/postAttributeCollection",
  rotationKey: config.get("rotationKey") ?? "1",
}, { dependsOn: [signUp] });
const google = new SocialIdentityProvider("google", {
  connection, type: "Google", clientId: "google-client-id", clientSecret: config.requireSecret("googleSecret"),
});
const flow = new B2xUserFlow("partners", {
  connection,
  name: config.get("flowName") ?? "Partners",
  identityProviders: ["AADSignup-OAUTH", google.identityProviderId],
  attributes: [
    { attributeId: "email", displayName: "Email address", userInputType: "emailBox", requiresVerification: true },
    { attributeId: company.attributeId, displayName: "Company" },
    { attributeId: "city", displayName: "City", isOptional: true },
  ],
  apiConnectors: { postAttributeCollection: connector.connectorId },
}, { dependsOn: [signUp] });
new UserFlowAppAssociation("portal", { connection, userFlowId: flow.flowId, appIds: [config.require("appId")] });

export const flowId = flow.flowId;
export const attributeId = company.attributeId;
export const extensionsAppId = company.extensionsAppId;
export const connectorId = connector.connectorId;
export const connectorPassword = connector.password;
`;

/** Writes the program folder under <repo>/.tmp and opens a stack for it. */
export async function graphProgramStack(
  prefix: string,
  emu: GraphEmulator,
): Promise<{ ctx: LocalProgramStack; cleanupDir: () => void }> {
  const tmp = makeTempDir(prefix);
  writeProgram(tmp.dir, prefix, program(graphDir));
  const ctx = await localProgramStack(tmp.dir, "dev", { ENTRA_SIGNUP_GRAPH_RETRY_SCALE: "0.01" });
  await ctx.stack.setAllConfig({
    graphUrl: { value: emu.url },
    appId: { value: emu.sampleAppId },
    googleSecret: { value: "google-secret-for-engine-test", secret: true },
  });
  return { ctx, cleanupDir: tmp.cleanup };
}
