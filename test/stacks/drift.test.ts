/**
 * Drift through the real engine against the Graph emulator: right after `up` the tenant matches the
 * config; a portal edit (a page field relabelled, another made optional, the connector moved to another
 * step) is reported in identity terms with exit code 1; after the next `up` it is clean again.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startGraphEmulator, type GraphEmulator } from "../../local/graph-emulator";
import { describeDrift } from "../../stacks/drift/identity-diff";
import { engineErrors } from "../../stacks/drift/cli";
import { detectDrift, formatDrift } from "../../stacks/drift/run";
import { graphProgramStack } from "../graph/engine-program";
import { outOfBand } from "../graph/helpers";
import type { LocalProgramStack } from "../helpers/pulumi";

let emu: GraphEmulator;
let ctx: LocalProgramStack;
let cleanupDir: () => void;

before(async () => {
  emu = await startGraphEmulator();
  ({ ctx, cleanupDir } = await graphProgramStack("drift", emu));
});

after(async () => {
  await ctx?.cleanup();
  cleanupDir?.();
  await emu?.close();
});

test("a portal edit is reported in identity terms and exits 1; after up the drift check exits 0", async () => {
  const up = await ctx.stack.up();
  assert.equal(up.summary.result, "succeeded");

  const flow = "/identity/b2xUserFlows/B2X_1_Partners";
  const company = String(up.outputs.attributeId?.value);
  const connectorId = String(up.outputs.connectorId?.value);
  await outOfBand(emu, "PATCH", `${flow}/userAttributeAssignments/city`, { displayName: "Town" });
  await outOfBand(emu, "PATCH", `${flow}/userAttributeAssignments/${company}`, { isOptional: true });
  await outOfBand(emu, "PUT", `${flow}/apiConnectorConfiguration/postFederationSignup/$ref`, {
    "@odata.id": `${emu.url}/v1.0/identity/apiConnectors/${connectorId}`,
  });
  await outOfBand(emu, "DELETE", `${flow}/apiConnectorConfiguration/postAttributeCollection/$ref`);
  emu.clearLog();

  const drift = formatDrift("dev", await detectDrift(ctx.stack));
  assert.equal(drift.code, 1);
  const name = company.replace(/^extension_[0-9a-f]{32}_/, "");
  assert.match(
    drift.text,
    /user flow B2X_1_Partners: page field city relabelled to 'Town' in the tenant \(config: 'City'\)/,
  );
  assert.match(
    drift.text,
    new RegExp(`page field ${name} made optional in the tenant \\(the config requires it\\)`),
  );
  assert.match(
    drift.text,
    /connector 'Approvals' rewired in the tenant from step postAttributeCollection to postFederationSignup/,
  );
  assert.equal(emu.counts().writes, 0, "the drift check writes nothing to Graph");

  await ctx.stack.up({ refresh: true });
  const fixed = formatDrift("dev", await detectDrift(ctx.stack));
  assert.equal(fixed.code, 0, fixed.text);
});

test("a resource deleted in the portal and a toggled tenant switch read as identity changes", () => {
  assert.deepEqual(
    describeDrift({
      kind: "ApiConnector",
      name: "c",
      op: "create",
      tenant: {},
      config: { displayName: "Approvals" },
    }),
    ["connector 'Approvals' is missing from the tenant (deleted outside the stack); up recreates it"],
  );
  assert.deepEqual(
    describeDrift({
      kind: "SelfServiceSignUpPolicy",
      name: "t",
      op: "update",
      tenant: { enabled: false },
      config: { enabled: true },
    }),
    [
      "the tenant toggle 'Enable guest self-service sign up via user flows' turned off in the tenant (config: on)",
    ],
  );
  assert.deepEqual(
    describeDrift({
      kind: "B2xUserFlow",
      name: "f",
      op: "update",
      tenant: { attributes: [{ attributeId: "city" }, { attributeId: "email" }], identityProviders: [] },
      config: {
        name: "P",
        attributes: [{ attributeId: "email" }, { attributeId: "city" }],
        identityProviders: [],
      },
    }),
    ["user flow B2X_1_P: page fields reordered in the tenant: city, email (config: email, city)"],
  );
});

test("a failed drift run shows the engine's error lines once, not the Automation API's wrapper", () => {
  const wrapped =
    "code: -2\n stdout: \n stderr: Command failed with exit code 6: pulumi stack select --stack dev\nerror: no stack named 'dev' found\n err?: Error: Command failed\nerror: no stack named 'dev' found\n";
  assert.deepEqual(engineErrors(wrapped), ["error: no stack named 'dev' found"]);
});
