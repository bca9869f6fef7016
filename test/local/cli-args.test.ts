/** `npm run local` options: the tenant kind picks the config file, the emulator's tenant type and the state folder. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { parseLocalArgs } from "../../local/cli";
import {
  DEFAULT_PORTS,
  StateFolderKindError,
  claimStateFolderKind,
  localConfigFile,
  serviceSpecs,
} from "../../local/system";
import { DEFAULT_STATE_DIR } from "../../local/state-folder";

test("--tenant-kind external: its own default state folder, config file and a CIAM emulator", () => {
  const workforce = parseLocalArgs([]);
  assert.equal(workforce.tenantKind, "workforce");
  assert.equal(workforce.stateDir, DEFAULT_STATE_DIR);
  const external = parseLocalArgs(["--tenant-kind", "external"]);
  assert.equal(external.stateDir, `${DEFAULT_STATE_DIR}-external`);
  assert.match(localConfigFile("external"), /Pulumi\.local-external\.yaml$/);
  assert.match(localConfigFile(), /Pulumi\.local\.yaml$/);
  const graph = serviceSpecs({
    stateDir: external.stateDir,
    ports: DEFAULT_PORTS,
    tenantKind: "external",
  }).graph;
  assert.deepEqual(
    graph.args.slice(graph.args.indexOf("--tenant-type"), graph.args.indexOf("--tenant-type") + 2),
    ["--tenant-type", "CIAM"],
  );
  assert.throws(
    () => parseLocalArgs(["--tenant-kind", "b2c"]),
    /--tenant-kind 'b2c' is not a tenant kind: use workforce or external/,
  );
});

test("a state folder that holds a stack of one kind refuses the other kind, naming --down", () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "local-kind-"));
  try {
    claimStateFolderKind({ stateDir, ports: DEFAULT_PORTS, tenantKind: "workforce" });
    // No stack yet: switching is harmless.
    claimStateFolderKind({ stateDir, ports: DEFAULT_PORTS, tenantKind: "external" });
    const stacks = path.join(stateDir, "pulumi-state", ".pulumi", "stacks", "entra-signup");
    fs.mkdirSync(stacks, { recursive: true });
    fs.writeFileSync(path.join(stacks, "local.json"), "{}");
    assert.throws(
      () => claimStateFolderKind({ stateDir, ports: DEFAULT_PORTS, tenantKind: "workforce" }),
      (err: unknown) =>
        err instanceof StateFolderKindError &&
        /emulates an external tenant, not a workforce one: stop it first with 'npm run local -- --down --tenant-kind external'/.test(
          err.message,
        ),
    );
  } finally {
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
});
