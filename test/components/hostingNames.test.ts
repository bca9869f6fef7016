/**
 * Azure names derived for the connector's resources: for ANY legal Pulumi project and stack name
 * (1–100 letters, digits, `-`, `_`, `.`), every name satisfies its resource's naming rule, distinct stacks
 * get distinct names, and the same stack always gets the same names.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  azureNameProblem,
  azureNameRules,
  defaultNamePrefix,
  globallyUniqueKinds,
  hostingNamesFor,
  NAME_PREFIX_PATTERN,
  validateHostingNames,
  type HostingNames,
} from "../../components/hosting/names";
import { stackNameFor } from "../../stacks/stamping";

/** Pulumi stack and project names: up to 100 characters of letters, digits, '-', '_' and '.'. */
const pulumiName = fc.stringMatching(/^[A-Za-z0-9_.-]{1,100}$/);
const componentName = fc.constantFrom("connector", "signup-connector", "c");
/** Valid explicit prefixes: segments of [a-z0-9] joined by single hyphens, at most 12 characters. */
const prefixArb = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join("-").slice(0, 12).replace(/-+$/, ""))
  .filter((p) => NAME_PREFIX_PATTERN.test(p));
const kinds = Object.keys(azureNameRules) as (keyof HostingNames)[];
const lower = (names: HostingNames, subset: readonly (keyof HostingNames)[]) =>
  subset.map((k) => names[k].toLowerCase());

describe("derived Azure names", () => {
  test("every name is valid for any project and stack name, with and without an explicit prefix", () => {
    fc.assert(
      fc.property(
        pulumiName,
        pulumiName,
        componentName,
        fc.option(prefixArb),
        (project, stack, name, prefix) => {
          const names = hostingNamesFor({ project, stack, name, namePrefix: prefix ?? undefined });
          assert.deepEqual(validateHostingNames(names), []);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("distinct stacks get distinct names, globally unique ones included (compared case-insensitively)", () => {
    // Names that differ only in case or in characters the prefix drops collide in the prefix, so the hash
    // must keep them apart: generate such near-twins on purpose.
    const twin = pulumiName.chain((stack) =>
      fc.constantFrom(stack.toUpperCase(), `${stack}_`, `${stack}.`, `${stack}x`, `x${stack}`.slice(0, 100)),
    );
    fc.assert(
      fc.property(pulumiName, pulumiName, fc.oneof(pulumiName, twin), (project, a, b) => {
        fc.pre(a !== b);
        const na = hostingNamesFor({ project, stack: a, name: "connector" });
        const nb = hostingNamesFor({ project, stack: b, name: "connector" });
        const scoped = kinds.filter((k) => !["deploymentContainer", "actionGroupShort"].includes(k));
        const left = lower(na, scoped);
        const right = lower(nb, scoped);
        for (const [i, kind] of scoped.entries()) assert.notEqual(left[i], right[i], kind);
      }),
      { numRuns: 500 },
    );
  });

  test("the same project in two stacks, or two projects with one stack name, never share a global name", () => {
    const n = (project: string, stack: string) =>
      lower(hostingNamesFor({ project, stack, name: "connector" }), globallyUniqueKinds);
    assert.deepEqual(globallyUniqueKinds.sort(), ["functionApp", "keyVault", "storageAccount"]);
    const all = [
      n("entra-signup", "prod"),
      n("entra-signup", "Prod"),
      n("other", "prod"),
      n("entra-signup", "prod."),
    ];
    const flat = all.flat();
    assert.equal(new Set(flat).size, flat.length);
  });

  test("the same inputs always give the same names", () => {
    fc.assert(
      fc.property(pulumiName, pulumiName, fc.option(prefixArb), (project, stack, prefix) => {
        const args = { project, stack, name: "connector", namePrefix: prefix ?? undefined };
        assert.deepEqual(hostingNamesFor(args), hostingNamesFor({ ...args }));
      }),
    );
    // Pinned, so a change to the derivation (which would replace every deployed resource) is deliberate.
    assert.deepEqual(hostingNamesFor({ project: "entra-signup", stack: "staging", name: "connector" }), {
      resourceGroup: "rg-staging-0fbe05d6",
      storageAccount: "ststaging0fbe05d6",
      deploymentContainer: "app-package",
      identity: "id-staging-0fbe05d6",
      logAnalytics: "log-staging-0fbe05d6",
      appInsights: "appi-staging-0fbe05d6",
      plan: "asp-staging-0fbe05d6",
      functionApp: "func-staging-0fbe05d6",
      keyVault: "kv-staging-0fbe05d6",
      actionGroup: "ag-staging-0fbe05d6",
      actionGroupShort: "staging",
      failureAlert: "alert-staging-0fbe05d6-connector-failures",
      latencyAlert: "alert-staging-0fbe05d6-connector-latency-p95",
    });
  });

  test("the default prefix is the readable part of the stack name", () => {
    assert.equal(defaultNamePrefix("staging"), "staging");
    assert.equal(defaultNamePrefix("prod-9d2f7c1e"), "prod-9d2f7c1");
    assert.equal(defaultNamePrefix("Contoso_EU.Prod"), "contoso-eu-p");
    assert.equal(defaultNamePrefix("dev-"), "dev");
    assert.equal(defaultNamePrefix("___"), "signup");
    assert.equal(defaultNamePrefix("abcdefghijk-lmn"), "abcdefghijk");
  });
});

describe("stamped stack names", () => {
  const tenant = "9d2f7c1e-5b1a-4c3d-8e9f-0a1b2c3d4e5f";
  for (const [label, stack] of [
    [
      "npm run stamp -- --tenant <id> --env staging",
      stackNameFor({ tenantId: tenant, env: "staging" }, false),
    ],
    ["npm run stamp -- --all (prod)", stackNameFor({ tenantId: tenant, env: "prod" }, true)],
  ] as const) {
    test(`${label} → stack '${stack}' gets valid Azure names`, () => {
      const names = hostingNamesFor({ project: "entra-signup", stack, name: "connector" });
      assert.deepEqual(validateHostingNames(names), []);
      assert.match(names.functionApp, new RegExp(`^func-${defaultNamePrefix(stack)}-[0-9a-f]{8}$`));
    });
  }
  test("the --all default stack name is prod-9d2f7c1e", () => {
    assert.equal(stackNameFor({ tenantId: tenant, env: "prod" }, true), "prod-9d2f7c1e");
  });
});

describe("azureNameProblem (the validator itself)", () => {
  const bad: [keyof HostingNames, string, RegExp][] = [
    ["storageAccount", "st-signup", /lowercase letters and numbers/],
    ["storageAccount", "stSignup", /lowercase letters and numbers/],
    ["storageAccount", "s".repeat(25), /25 characters \(3–24 allowed\)/],
    ["keyVault", "kv--signup", /consecutive hyphens/],
    ["keyVault", "1kv", /starting with a letter/],
    ["keyVault", "kv-signup-", /ending with a letter or digit/],
    ["functionApp", "-func", /alphanumerics and hyphens/],
    ["functionApp", "f".repeat(33), /33 characters \(2–32 allowed\)/],
    ["logAnalytics", "log", /3 characters \(4–63 allowed\)/],
    ["resourceGroup", "rg.", /ends with a period/],
    ["identity", "_id", /alphanumerics, hyphens and underscores/],
    ["appInsights", "appi/x", /contains '\/'/],
    ["failureAlert", "alert#1", /contains '#'/],
    ["latencyAlert", "alert ", /ends with a space or period/],
    ["actionGroup", "ag:1", /contains ':'/],
    ["actionGroupShort", "abcdefghijklm", /13 characters \(1–12 allowed\)/],
    ["deploymentContainer", "App-package", /lowercase letters, numbers and hyphens/],
  ];
  for (const [kind, name, why] of bad) {
    test(`refuses ${kind} ${JSON.stringify(name)} with the rule and the Microsoft Learn URL`, () => {
      const problem = azureNameProblem(kind, name);
      assert.ok(problem, `${kind} ${name} should be refused`);
      assert.match(problem, why);
      assert.match(problem, new RegExp(`^${kind}: `));
      assert.match(
        problem,
        /learn\.microsoft\.com\/azure\/azure-resource-manager\/management\/resource-name-rules/,
      );
    });
  }
});
