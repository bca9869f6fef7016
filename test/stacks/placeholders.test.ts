/**
 * Placeholders in the committed stack file and templates are unmistakable and refused on every stack
 * except the local one (and stacks that talk to the Graph emulator), each with its key path and fix.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { DEFAULT_SEED } from "../../local/graph-emulator/seed";
import {
  EMULATOR_SEEDED_IDS,
  isPlaceholderEmail,
  PLACEHOLDER_GUID,
  placeholderGuidReason,
} from "../../stacks/placeholders";
import { loadSettings, SettingsError } from "../../stacks/settings";
import { buildConfig } from "../../stacks/stamping";

const root = path.resolve(__dirname, "..", "..");
const realTenant = "9d2f7c1e-5b1a-4c3d-8e9f-0a1b2c3d4e5f";
const realApp = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";

/** Loads a `entra-signup:<key>` config object as the program would on `stack`; returns the problems. */
function problemsFor(config: Record<string, unknown>, stack: string): readonly string[] {
  try {
    loadSettings({
      get: (key) => config[`entra-signup:${key}`],
      isSecret: () => false,
      readFile: (p) => fs.readFileSync(path.join(root, p), "utf8"),
      stack,
    });
    return [];
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
}

function fileConfig(file: string, env = "prod"): Record<string, unknown> {
  const text = fs.readFileSync(path.join(root, file), "utf8").replaceAll("${env}", env);
  return (parseYaml(text) as { config: Record<string, unknown> }).config;
}

const committed = [
  "Pulumi.dev.yaml",
  ...fs.readdirSync(path.join(root, "stacks", "templates")).map((f) => `stacks/templates/${f}`),
];

describe("committed stack file and templates", () => {
  for (const file of committed) {
    test(`${file}: the placeholder tenant and app ids are refused on 'prod' with key path and fix`, () => {
      const problems = problemsFor(fileConfig(file), "prod");
      assert.equal(problems.length, 2, problems.join("\n"));
      assert.match(
        problems[0]!,
        /^entra-signup:tenant\.tenantId: 00000000-0000-0000-0000-000000000000 is a placeholder GUID, not your tenant; .*pulumi config set --path entra-signup:tenant\.tenantId <tenant id>.*npm run stamp -- --tenant/,
      );
      assert.match(
        problems[1]!,
        /^entra-signup:apps\.appIds\.0: 00000000-0000-0000-0000-000000000000 is a placeholder GUID, not an app in your tenant; .*pulumi config set --path "entra-signup:apps\.appIds\[0\]" <client id>.*--set 'apps\.appIds=\["<client id>"\]'/,
      );
    });

    test(`${file}: nothing looks like a real id — no emulator id, only the documented placeholder`, () => {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const id of Object.keys(EMULATOR_SEEDED_IDS)) assert.ok(!text.includes(id), `${file} has ${id}`);
      const guids = text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
      for (const guid of guids) assert.equal(guid, PLACEHOLDER_GUID);
      assert.ok(!/@example\.(com|net|org)/.test(text), `${file} has a documentation e-mail address`);
    });

    test(`${file}: the same configuration is accepted on the local stack`, () => {
      assert.deepEqual(problemsFor(fileConfig(file), "local"), []);
    });
  }
});

describe("stamped stacks", () => {
  test("stamping staging with a real tenant leaves exactly the app ids to fill in, and --set fixes it", () => {
    const stamped = buildConfig({ tenantId: realTenant, env: "staging" }, root);
    const problems = problemsFor(stamped, "staging");
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0]!, /^entra-signup:apps\.appIds\.0: /);
    const complete = buildConfig(
      { tenantId: realTenant, env: "staging", set: { "apps.appIds": [realApp] } },
      root,
    );
    assert.deepEqual(problemsFor(complete, "staging"), []);
    assert.deepEqual(problemsFor(complete, "prod-9d2f7c1e"), []);
  });

  test("a stack that talks to the Graph emulator may use the emulator's seeded ids", () => {
    const emulated = buildConfig(
      {
        tenantId: DEFAULT_SEED.tenantId,
        env: "staging",
        set: {
          "tenant.graphBaseUrl": "http://127.0.0.1:4100",
          "tenant.graphCredential": "emulator",
          "apps.appIds": [DEFAULT_SEED.sampleAppId],
        },
      },
      root,
    );
    assert.deepEqual(problemsFor(emulated, "staging-1"), []);
    const real = buildConfig(
      { tenantId: realTenant, env: "staging", set: { "apps.appIds": [DEFAULT_SEED.sampleAppId] } },
      root,
    );
    const problems = problemsFor(real, "staging");
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^entra-signup:apps\.appIds\.0: 1fc41a76-3050-4529-8095-9af8897cf63d is the Graph emulator's seeded sample app, which exists only in the emulator/,
    );
  });

  test("documentation e-mail addresses in alertEmails are refused outside the local stack", () => {
    const config = buildConfig(
      {
        tenantId: realTenant,
        env: "prod",
        set: {
          "apps.appIds": [realApp],
          "connector.hosting.alertEmails": ["ops@example.com", "ops@contoso.com"],
        },
      },
      root,
    );
    const problems = problemsFor(config, "prod");
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0]!,
      /^entra-signup:connector\.hosting\.alertEmails\.0: 'ops@example\.com' is a documentation address/,
    );
    assert.deepEqual(problemsFor(config, "local"), []);
  });

  test("connector.hosting.namePrefix is optional and, when set, must fit every Azure name", () => {
    const base = { tenantId: realTenant, env: "staging" };
    const appIds = { "apps.appIds": [realApp] };
    const bad = buildConfig(
      { ...base, set: { ...appIds, "connector.hosting.namePrefix": "signup-staging" } },
      root,
    );
    const problems = problemsFor(bad, "staging");
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(
      problems[0]!,
      /^entra-signup:connector\.hosting\.namePrefix: must be 1–12 lowercase letters/,
    );
    const good = buildConfig(
      { ...base, set: { ...appIds, "connector.hosting.namePrefix": "contoso-su" } },
      root,
    );
    assert.deepEqual(problemsFor(good, "staging"), []);
  });
});

describe("placeholder detection", () => {
  test("the emulator ids listed as placeholders are the emulator's seed", () => {
    assert.deepEqual(
      Object.keys(EMULATOR_SEEDED_IDS).sort(),
      [DEFAULT_SEED.tenantId, DEFAULT_SEED.sampleAppId, DEFAULT_SEED.extensionsAppId].sort(),
    );
  });

  test("pattern GUIDs are placeholders; random-looking ones are not", () => {
    for (const guid of [
      PLACEHOLDER_GUID,
      "11111111-2222-3333-4444-555555555555",
      "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
    ])
      assert.equal(placeholderGuidReason(guid), "is a placeholder GUID", guid);
    for (const guid of [realTenant, realApp, "00000000-0000-4000-8000-0000000000a1"])
      assert.equal(placeholderGuidReason(guid), undefined, guid);
  });

  test("reserved documentation mail domains are placeholders; real-looking domains are not", () => {
    for (const mail of [
      "a@example.com",
      "a@mail.example.org",
      "a@example.net",
      "a@x.test",
      "a@x.invalid",
      "a@host.example",
    ])
      assert.ok(isPlaceholderEmail(mail), mail);
    for (const mail of ["a@contoso.com", "a@examples.com", "a@mytest.com", "a@example.com.au"])
      assert.ok(!isPlaceholderEmail(mail), mail);
  });
});
