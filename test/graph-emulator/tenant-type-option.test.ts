/** An emulator started as an external tenant stays one: `organization.tenantType` survives `reset()`. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { startGraphEmulator } from "../../local/graph-emulator";

test("tenantType CIAM at start and after reset; B2X user flows are refused there", async () => {
  const emu = await startGraphEmulator({ tenantType: "CIAM" });
  try {
    const read = async (path: string) => {
      const response = await fetch(`${emu.url}/v1.0${path}`, { headers: { authorization: "Bearer x" } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const kind = async () =>
      ((await read("/organization?$select=id,tenantType")).body.value as Array<{ tenantType: string }>)[0]!
        .tenantType;
    assert.equal(await kind(), "CIAM");
    emu.reset();
    assert.equal(await kind(), "CIAM");
    assert.equal(emu.tenant.get().tenantType, "CIAM");
    const flows = await read("/identity/b2xUserFlows");
    assert.ok(flows.status >= 400, `B2X flows in an external tenant answered ${flows.status}`);
  } finally {
    await emu.close();
  }
});
