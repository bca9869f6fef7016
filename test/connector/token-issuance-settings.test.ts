/**
 * `AUTH_EVENTS_TOKEN_CLAIMS`: what the deploy side encodes is what the connector decodes, and a bad or
 * oversized claims config stops the app at start with the setting's name, the key path and the fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { AppSetting, encodeHostSettings, hostSettingNames } from "../../contract/appSettings";
import { tokenClaimsSchema } from "../../contract/tokenClaims";
import { loadSettings, SettingsError } from "../../functions/settings";
import { seedPolicy } from "./helpers/fixtures";
import { CLIENT_APP_ID, TOKEN_CLAIMS, tokenIssuanceEnv } from "./helpers/tokenIssuance";

const TENANT = "8f0e6d5c-4b3a-4291-8f7e-6d5c4b3a2910";
const env = (overrides: Record<string, string> = {}) => ({
  ...tokenIssuanceEnv(
    TENANT,
    [`https://${TENANT}.ciamlogin.com/${TENANT}/v2.0`],
    `https://${TENANT}.ciamlogin.com/${TENANT}/discovery/v2.0/keys`,
    overrides,
  ),
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
});

function problemsOf(settings: Record<string, string>): readonly string[] {
  try {
    loadSettings(settings);
  } catch (error) {
    assert.ok(error instanceof SettingsError);
    return error.problems;
  }
  assert.fail("the settings were accepted");
}

test("the encoded tokenClaims decode to the same validated config", () => {
  const tokenClaims = tokenClaimsSchema.parse(TOKEN_CLAIMS);
  const encoded = encodeHostSettings({
    policy: seedPolicy(),
    attributeIds: {},
    auth: { mode: "none" },
    tokenClaims,
  });
  assert.equal(encoded[AppSetting.authEventsTokenClaims], JSON.stringify(tokenClaims));
  assert.ok(hostSettingNames("none", false, true, true).includes("AUTH_EVENTS_TOKEN_CLAIMS"));
  assert.ok(!hostSettingNames("none", false, true).includes("AUTH_EVENTS_TOKEN_CLAIMS"));
  const settings = loadSettings(
    env({ AUTH_EVENTS_TOKEN_CLAIMS: encoded[AppSetting.authEventsTokenClaims]! }),
  );
  assert.deepEqual(settings.tokenClaims, tokenClaims);
  assert.equal(loadSettings(env({ AUTH_EVENTS_TOKEN_CLAIMS: "" })).tokenClaims, undefined);
});

test("claims whose worst case exceeds 3 KB stop the app at start with the figure and the fix", () => {
  const groups = Array.from({ length: 400 }, (_, i) => `group-${i}`);
  const oversized = {
    claims: [
      { id: "PartnerRole", source: { attribute: "PartnerRole" } },
      {
        id: "groups",
        source: { domainTable: { entries: [{ domain: "partner-company.com", value: groups }] } },
      },
    ],
    appIds: [CLIENT_APP_ID],
  };
  const problems = problemsOf(env({ AUTH_EVENTS_TOKEN_CLAIMS: JSON.stringify(oversized) }));
  assert.equal(problems.length, 1);
  assert.match(
    problems[0]!,
    /^AUTH_EVENTS_TOKEN_CLAIMS\.claims = \d+: the claims can reach \d+ bytes .* over Entra's limit of 3072 bytes .* shorten the longest values \(groups\)/,
  );
});

test("each bad config names the setting, the key path and the fix", () => {
  const cases: Array<[string, RegExp]> = [
    ["{not json", /^AUTH_EVENTS_TOKEN_CLAIMS is not valid JSON/],
    [
      JSON.stringify({ claims: [{ id: "", source: { attribute: "PartnerRole" } }], appIds: [CLIENT_APP_ID] }),
      /^AUTH_EVENTS_TOKEN_CLAIMS\.claims\.0\.id: must be 1–128 characters/,
    ],
    [
      JSON.stringify({
        claims: [{ id: "roles", source: { attribute: "PartnerRole" } }],
        appIds: [CLIENT_APP_ID],
      }),
      /^AUTH_EVENTS_TOKEN_CLAIMS\.claims\.0\.id: "roles" is a claim Entra issues itself/,
    ],
    [
      JSON.stringify({
        claims: [{ id: "x", source: { domainTable: { entries: [{ domain: "a.com", value: 1 }] } } }],
        appIds: [CLIENT_APP_ID],
      }),
      /^AUTH_EVENTS_TOKEN_CLAIMS\.claims\.0\.source\.domainTable\.entries\.0\.value: /,
    ],
    [
      JSON.stringify({ claims: [{ id: "Notes", source: { attribute: "Nope" } }], appIds: [CLIENT_APP_ID] }),
      /^AUTH_EVENTS_TOKEN_CLAIMS\.claims\.0\.source\.attribute = "Nope": 'Nope' is not declared in attributes/,
    ],
    [
      JSON.stringify({
        claims: [{ id: "Just", source: { attribute: "Justification" } }],
        appIds: [CLIENT_APP_ID],
      }),
      /^AUTH_EVENTS_TOKEN_CLAIMS\.claims\.0\.source\.attribute = "Justification": the connector policy's enrichment does not write 'Justification'/,
    ],
  ];
  for (const [value, message] of cases) {
    const problems = problemsOf(env({ AUTH_EVENTS_TOKEN_CLAIMS: value }));
    assert.ok(
      problems.some((p) => message.test(p)),
      `${value}\n  → ${problems.join("\n  → ")}`,
    );
  }
});

test("token claims without the AUTH_EVENTS_* settings are refused: no token could ever be accepted", () => {
  const withoutEvents = Object.fromEntries(
    Object.entries(env()).filter(([k]) => !k.startsWith("AUTH_EVENTS_") || k === "AUTH_EVENTS_TOKEN_CLAIMS"),
  );
  assert.deepEqual(problemsOf(withoutEvents), [
    "AUTH_EVENTS_TOKEN_CLAIMS is set but no token could ever be accepted: set AUTH_EVENTS_TENANT_ID, AUTH_EVENTS_API_APP_ID, AUTH_EVENTS_ISSUERS, AUTH_EVENTS_KEY_SET_URI too, or remove it",
  ]);
});
