/**
 * The package schema (provider/schema.json) against the TypeScript types it is generated from: the file is
 * exactly what `npm run build:schema` generates, so a changed public input without a regenerated schema
 * fails here; secrets are marked secret; inputs hold no unions or functions; the plugin serves it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { generateSchema } from "../../provider/generateSchema";
import { loadSchema, refTarget, type PackageSchema, type PropertySpec } from "../../provider/schema";
import { makeTempDir, repoRoot } from "../helpers/pulumi";
import { pluginPath } from "./helpers";

const TOKEN = "entra-signup:index:SelfServiceSignUp";
const committed = loadSchema();
const generated = generateSchema();

/** Every input property path with its spec, through object types, arrays and maps. */
function inputPaths(schema: PackageSchema): Map<string, PropertySpec> {
  const out = new Map<string, PropertySpec>();
  const walk = (at: string, spec: PropertySpec, seen: Set<string>) => {
    out.set(at, spec);
    if (spec.items) walk(`${at}[]`, spec.items, seen);
    if (spec.additionalProperties) walk(`${at}{}`, spec.additionalProperties, seen);
    const target = refTarget(schema, spec.$ref);
    if (target && "properties" in target && !seen.has(spec.$ref!)) {
      for (const [k, p] of Object.entries(target.properties))
        walk(`${at}.${k}`, p, new Set([...seen, spec.$ref!]));
    }
  };
  for (const [k, p] of Object.entries(schema.resources[TOKEN]!.inputProperties)) walk(k, p, new Set());
  return out;
}

/** A copy of the library's entry whose args interface has one more optional input. */
function rootWithExtraInput(extra: string): { root: string; cleanup: () => void } {
  const tmp = makeTempDir("schema-drift");
  fs.mkdirSync(path.join(tmp.dir, "src"));
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(tmp.dir, "package.json"));
  fs.writeFileSync(
    path.join(tmp.dir, "tsconfig.json"),
    fs.readFileSync(path.join(repoRoot, "tsconfig.json")),
  );
  const lib = path.join(repoRoot, "src", "index");
  fs.writeFileSync(
    path.join(tmp.dir, "src", "index.ts"),
    `import type { SelfServiceSignUpArgs as Base } from ${JSON.stringify(lib)};\n` +
      `export { SelfServiceSignUp } from ${JSON.stringify(lib)};\n` +
      `export interface SelfServiceSignUpArgs extends Base {\n${extra}\n}\n`,
  );
  return { root: tmp.dir, cleanup: tmp.cleanup };
}

test("provider/schema.json is what the TypeScript types generate (run `npm run build:schema` after changing an input)", () => {
  assert.deepEqual(committed, generated);
});

test("a new public input changes the generated schema, so a stale schema.json fails the check above", () => {
  const { root, cleanup } = rootWithExtraInput(
    "  /** Where new users land after sign-up. @default - the app's home page */\n  readonly landingUrl?: string;",
  );
  try {
    const changed = generateSchema(root);
    assert.notDeepEqual(changed, committed);
    assert.deepEqual(changed.resources[TOKEN]!.inputProperties.landingUrl, {
      type: "string",
      description: "Where new users land after sign-up.\n\nDefault: the app's home page.",
    });
    assert.ok(!changed.resources[TOKEN]!.requiredInputs!.includes("landingUrl"), "optional stays optional");
  } finally {
    cleanup();
  }
});

test("a function-typed input fails the generation, naming the input", () => {
  const { root, cleanup } = rootWithExtraInput("  readonly onSignUp?: (email: string) => boolean;");
  try {
    assert.throws(
      () => generateSchema(root),
      /SelfServiceSignUpArgs\.onSignUp: a function; inputs must be data/,
    );
  } finally {
    cleanup();
  }
});

test("every top-level input of SelfServiceSignUpArgs is in the schema with its TSDoc, required ones required", () => {
  const inputs = committed.resources[TOKEN]!;
  assert.deepEqual(Object.keys(inputs.inputProperties).sort(), [
    "adoptExisting",
    "adoptSecrets",
    "apps",
    "attributes",
    "connection",
    "connector",
    "extension",
    "socialProviders",
    "tenantKind",
    "toggle",
    "tokenClaims",
    "userFlow",
  ]);
  assert.deepEqual(inputs.requiredInputs, ["connection", "userFlow", "connector"]);
  assert.match(
    inputs.inputProperties.adoptExisting!.description ?? "",
    /Take over Graph objects[\s\S]*Default: false\./,
  );
  const page = inputPaths(committed).get("userFlow.page[].userInputType");
  assert.match(
    page?.description ?? "",
    /The input control\.\n\nDefault: "textBox"\./,
    "TSDoc of zod schemas too",
  );
});

test("the secrets of the arguments, and only they, are marked secret", () => {
  const secret = [...inputPaths(committed)].filter(([, s]) => s.secret).map(([p]) => p);
  assert.deepEqual(secret.sort(), [
    "connector.certificate.password",
    "connector.certificate.pkcs12Base64",
    "connector.password",
    "socialProviders.facebook.clientSecret",
    "socialProviders.google.clientSecret",
  ]);
});

test("inputs hold no unions: the hosting union is one object with its kind as an enum; only free-form policy domains are Any", () => {
  const paths = inputPaths(committed);
  for (const [at, spec] of paths) {
    assert.ok(spec.type || spec.$ref, `${at} has a type`);
    if (spec.$ref && spec.$ref !== "pulumi.json#/Any")
      assert.ok(refTarget(committed, spec.$ref), `${at}: ${spec.$ref} exists`);
  }
  const hosting = refTarget(committed, paths.get("connector.hosting")?.$ref);
  assert.ok(hosting && "properties" in hosting);
  assert.deepEqual(hosting.required, ["kind"]);
  assert.deepEqual(
    (refTarget(committed, hosting.properties.kind!.$ref) as { enum: { value: string }[] }).enum.map(
      (e) => e.value,
    ),
    ["functionApp", "external", "local"],
  );
  assert.match(hosting.properties.settingsFile!.description ?? "", /Used when `kind` is "local"\./);
  const any = [...paths].filter(([, s]) => s.$ref === "pulumi.json#/Any").map(([p]) => p);
  assert.deepEqual(any.sort(), [
    "connector.policy.approval.when.domains[]",
    "connector.policy.domains.allow[]",
    "connector.policy.domains.block[]",
    // A claim value is a string or a list of strings (the only kinds Entra accepts); validated by the component.
    "tokenClaims.claims[].source.domainTable.default",
    "tokenClaims.claims[].source.domainTable.entries[].value",
  ]);
});

test("`pulumi package get-schema` on the executable plugin returns the committed schema", () => {
  const r = spawnSync("pulumi", ["package", "get-schema", pluginPath], {
    encoding: "utf8",
    timeout: 180_000,
  });
  assert.equal(r.status, 0, r.stderr);
  // The CLI prints the schema as it binds it (adding e.g. an empty `config`); the package's parts are ours.
  const served = JSON.parse(r.stdout) as PackageSchema;
  assert.equal(served.name, "entra-signup");
  assert.equal(served.version, committed.version);
  assert.deepEqual(served.resources, committed.resources);
  assert.deepEqual(served.types, committed.types);
});
