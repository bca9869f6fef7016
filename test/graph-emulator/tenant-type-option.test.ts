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

test("the admin route mints an extension token the way Entra sends it (the simulator plays Entra)", async () => {
  const emu = await startGraphEmulator({ tenantType: "CIAM" });
  try {
    const mint = (body: unknown) =>
      fetch(`${emu.url}/_emulator/tokens/authentication-events`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const ok = await mint({ audience: "5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10" });
    assert.equal(ok.status, 200);
    const token = ((await ok.json()) as { access_token: string }).access_token;
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<
      string,
      unknown
    >;
    assert.equal(claims.aud, "5b0c3c8e-2f44-4a39-9a83-3c4f3d1c9e10");
    assert.equal(claims.azp, "99045fe1-7639-4a75-9d4a-577b6ca3810f");
    assert.equal(claims.iss, `https://${emu.tenantId}.ciamlogin.com/${emu.tenantId}/v2.0`);
    assert.equal((await mint({})).status, 400);
    const keys = (await (await fetch(emu.keySetUri)).json()) as { keys: Array<{ kid: string }> };
    const kid = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).kid as string;
    assert.ok(
      keys.keys.some((k) => k.kid === kid),
      "the token's key is published",
    );
  } finally {
    await emu.close();
  }
});
