/** Hand-made tenants in the Graph emulator, set up call by call as a person would in the portal. */
import assert from "node:assert/strict";
import type { GraphEmulator } from "../../local/graph-emulator/index";
import { client, flowBody, makePfx, ref, type TestPfx } from "../graph-emulator/helpers";

/** The Basic password the walkthrough's connector was created with (what a person would set as the secret). */
export const WALKTHROUGH_PASSWORD = "hand-made-Secret-1";

/** The Google client secret the second tenant's provider was created with. */
export const GOOGLE_SECRET = "google-Secret-value";

export async function ok(
  emulator: GraphEmulator,
  method: string,
  path: string,
  body?: unknown,
  version: "v1.0" | "beta" = "v1.0",
) {
  const res = await client(emulator)(method, path, body, { version });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function attribute(emulator: GraphEmulator, displayName: string, description: string): Promise<string> {
  return (
    await ok(emulator, "POST", "/identity/userFlowAttributes", {
      displayName,
      description,
      dataType: "string",
    })
  ).id;
}

async function flow(
  emulator: GraphEmulator,
  name: string,
  idps: string[],
  page: { id: string; label: string; extra?: object }[],
) {
  await ok(emulator, "POST", "/identity/b2xUserFlows", flowBody(name));
  const base = `/identity/b2xUserFlows/B2X_1_${name}`;
  for (const idp of idps)
    await ok(
      emulator,
      "POST",
      `${base}/userFlowIdentityProviders/$ref`,
      ref(emulator, `/identity/identityProviders/${idp}`),
    );
  for (const f of page)
    await ok(emulator, "POST", `${base}/userAttributeAssignments`, {
      displayName: f.label,
      isOptional: false,
      requiresVerification: false,
      userInputType: "textBox",
      userAttributeValues: [],
      userAttribute: { id: f.id },
      ...f.extra,
    });
  return base;
}

/** The seed walkthrough, by hand: three attributes, a Basic connector before user creation, one flow, one app. */
export async function seedWalkthrough(emulator: GraphEmulator): Promise<void> {
  await ok(emulator, "PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: true },
  });
  const company = await attribute(emulator, "Company Name", "The name of your company");
  const department = await attribute(emulator, "Department", "Your department");
  const justification = await attribute(emulator, "Access Justification", "Why you need access");
  await attribute(emulator, "Unused Thing", "never on a page");
  const connector = await ok(emulator, "POST", "/identity/apiConnectors", {
    displayName: "Validate Partner Domain",
    targetUrl: "https://partner-api.example.com/api/postAttributeCollection",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.basicAuthentication",
      username: "entra-connector",
      password: WALKTHROUGH_PASSWORD,
    },
  });
  const base = await flow(
    emulator,
    "PartnerSignUp",
    ["EmailOtpSignup-OAUTH"],
    [
      { id: "displayName", label: "Display Name" },
      { id: company, label: "Company Name" },
      {
        id: department,
        label: "Department",
        extra: {
          userInputType: "dropdownSingleSelect",
          isOptional: true,
          userAttributeValues: [
            { name: "Sales", value: "sales", isDefault: true },
            { name: "Engineering", value: "eng", isDefault: false },
          ],
        },
      },
      { id: justification, label: "Why do you need access?" },
    ],
  );
  await ok(
    emulator,
    "PUT",
    `${base}/apiConnectorConfiguration/postAttributeCollection/$ref`,
    ref(emulator, `/identity/apiConnectors/${connector.id}`),
  );
  await ok(
    emulator,
    "POST",
    "/identity/events/onSignupStart",
    {
      "@odata.type": "#microsoft.graph.invokeUserFlowListener",
      priority: 100,
      sourceFilter: { includeApplications: [emulator.sampleAppId] },
      userFlow: { id: "B2X_1_PartnerSignUp" },
    },
    "beta",
  );
}

/** A tenant with two flows, a Google provider and a certificate connector at postFederationSignup of Alpha. */
export async function seedTwoFlows(emulator: GraphEmulator): Promise<TestPfx> {
  await ok(emulator, "PATCH", "/policies/authenticationFlowsPolicy", {
    selfServiceSignUp: { isEnabled: true },
  });
  await ok(emulator, "POST", "/identity/identityProviders", {
    "@odata.type": "#microsoft.graph.socialIdentityProvider",
    identityProviderType: "Google",
    clientId: "google-client-id.apps.example",
    clientSecret: GOOGLE_SECRET,
  });
  const pfx = makePfx();
  const connector = await ok(emulator, "POST", "/identity/apiConnectors", {
    displayName: "Check",
    targetUrl: "https://hooks.example.com/signup/postFederationSignup",
    authenticationConfiguration: {
      "@odata.type": "#microsoft.graph.pkcs12Certificate",
      pkcs12Value: pfx.base64,
      password: pfx.password,
    },
  });
  const a = await flow(
    emulator,
    "Alpha",
    ["Google-OAUTH", "EmailOtpSignup-OAUTH"],
    [{ id: "city", label: "Town" }],
  );
  await ok(
    emulator,
    "PUT",
    `${a}/apiConnectorConfiguration/postFederationSignup/$ref`,
    ref(emulator, `/identity/apiConnectors/${connector.id}`),
  );
  await flow(emulator, "Beta", ["MSASignup-OAUTH"], []);
  return pfx;
}
