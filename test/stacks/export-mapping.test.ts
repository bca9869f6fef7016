import assert from "node:assert/strict";
import { test } from "node:test";
import { exportFlow, hostingBaseUrl, logicalAttributeName } from "../../stacks/export/mapping";
import { renderStackFile } from "../../stacks/export/render";
import type { TenantSnapshot } from "../../stacks/export/snapshot";

const APP = "d09380e2b4c642b9a203fb816a04a7ad";
const target = { tenantId: "7c2f5d0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", cloud: "global" as const };

function tenant(over: Partial<TenantSnapshot> = {}): TenantSnapshot {
  return {
    selfServiceSignUpEnabled: true,
    attributes: [
      { id: "email", displayName: "Email Address", userFlowAttributeType: "builtIn", dataType: "string" },
      {
        id: `extension_${APP}_ShoeSize`,
        displayName: "Shoe Size",
        userFlowAttributeType: "custom",
        dataType: "int64",
      },
    ],
    flows: [
      {
        id: "B2X_1_Shop",
        identityProviders: ["EmailOtpSignup-OAUTH", "AADSignup-OAUTH"],
        assignments: [
          {
            id: "email",
            displayName: "Email",
            userInputType: "emailBox",
            requiresVerification: true,
            userAttribute: { id: "email" },
          },
          {
            id: `extension_${APP}_ShoeSize`,
            displayName: "Shoe size",
            userInputType: "textBox",
            isOptional: true,
            userAttribute: { id: `extension_${APP}_ShoeSize` },
          },
        ],
        connectorSteps: { postFederationSignup: "c1", postAttributeCollection: "c2" },
      },
    ],
    connectors: [
      {
        id: "c2",
        displayName: "Shop after page",
        targetUrl: "https://api.example.com/hooks/postAttributeCollection",
        authenticationConfiguration: {
          "@odata.type": "#microsoft.graph.basicAuthentication",
          username: "shop",
        },
      },
      {
        id: "c1",
        displayName: "Shop after IdP",
        targetUrl: "https://api.example.com/hooks/postFederationSignup",
        authenticationConfiguration: {
          "@odata.type": "#microsoft.graph.basicAuthentication",
          username: "shop",
        },
      },
    ],
    listeners: [],
    socialProviders: [],
    ...over,
  };
}

test("a custom attribute's name is the part of its id Graph derived from the display name", () => {
  assert.equal(
    logicalAttributeName({ id: `extension_${APP}_CompanyName`, displayName: "Company Name" }),
    "CompanyName",
  );
  assert.equal(
    logicalAttributeName({ id: "odd", displayName: "Access  Justification" }),
    "AccessJustification",
  );
});

test("the hosting base URL is the common prefix before /<step>; other shapes are named, not guessed", () => {
  assert.deepEqual(
    hostingBaseUrl([
      { step: "postFederationSignup", url: "https://a.example.com/api/postFederationSignup" },
      { step: "postAttributeCollection", url: "https://a.example.com/api/postAttributeCollection" },
    ]),
    { baseUrl: "https://a.example.com/api" },
  );
  assert.match(
    hostingBaseUrl([{ step: "postAttributeCollection", url: "https://a.example.com/api/validate" }]).problem!,
    /does not end in \/postAttributeCollection/,
  );
  assert.match(
    hostingBaseUrl([{ step: "postAttributeCollection", url: "https://a.example.com/postFederationSignup" }])
      .problem!,
    /does not end in \/postAttributeCollection/,
  );
  assert.match(
    hostingBaseUrl([
      { step: "postFederationSignup", url: "https://a.example.com/postFederationSignup" },
      { step: "postAttributeCollection", url: "https://b.example.com/postAttributeCollection" },
    ]).problem!,
    /different bases \(https:\/\/a\.example\.com, https:\/\/b\.example\.com\)/,
  );
});

test("the page keeps Graph's order and words; defaults are left out; providers in a stable order", () => {
  const { config } = exportFlow(tenant(), "b2x_1_shop", target);
  const flow = config.userFlow as Record<string, unknown>;
  assert.deepEqual(flow.identityProviders, ["AADSignup-OAUTH", "EmailOtpSignup-OAUTH"]);
  assert.deepEqual(flow.page, [
    { attribute: "email", displayName: "Email", userInputType: "emailBox", requiresVerification: true },
    { attribute: "ShoeSize", displayName: "Shoe size", isOptional: true },
  ]);
  assert.deepEqual(config.attributes, [{ name: "ShoeSize", dataType: "int64" }]);
  assert.deepEqual((config.connector as Record<string, unknown>).stepDisplayNames, {
    postFederationSignup: "Shop after IdP",
    postAttributeCollection: "Shop after page",
  });
});

test("the same tenant listed in another order renders the same file", () => {
  const t = tenant();
  const shuffled = tenant({
    connectors: [...t.connectors].reverse(),
    attributes: [...t.attributes].reverse(),
  });
  assert.equal(
    renderStackFile(exportFlow(t, "B2X_1_Shop", target), "s"),
    renderStackFile(exportFlow(shuffled, "B2X_1_Shop", target), "s"),
  );
});

test("a display name that cannot become a config name is said so, not silently renamed", () => {
  const bad = tenant();
  bad.attributes[1] = {
    id: `extension_${APP}_Shoe_Size`,
    displayName: "Shoe_Size",
    userFlowAttributeType: "custom",
  };
  bad.flows[0]!.assignments[1]!.userAttribute = { id: `extension_${APP}_Shoe_Size` };
  const { notes } = exportFlow(bad, "B2X_1_Shop", target);
  assert.ok(
    notes.some((n) => n.includes('attribute "Shoe_Size"') && n.includes("cannot be expressed")),
    notes.join("\n"),
  );
});

test("connector URLs that do not end in their step leave hosting.baseUrl out with an ACTION NEEDED note", () => {
  const t = tenant();
  t.connectors[0]!.targetUrl = "https://api.example.com/validate";
  const e = exportFlow(t, "B2X_1_Shop", target);
  assert.deepEqual((e.config.connector as Record<string, unknown>).hosting, { kind: "external" });
  assert.ok(
    e.notes.some((n) => n.startsWith("ACTION NEEDED") && n.includes("https://api.example.com/validate")),
  );
});
