/**
 * The external-tenant guardrails fire on a bad custom authentication extension, API identity or mapped-
 * claims acceptance, stay quiet on good ones, and honour a reasoned waiver or config.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  extensionApiConsented,
  extensionClientConfiguration,
  extensionTargetHttps,
  externalTypes,
  mappedClaimsSingleTenant,
} from "../../policy/rules/externalTenant";
import { PREVIEW_UNKNOWN } from "../../contract/preview";
import { runResourceRule, runStackRule, type FakeResource } from "./util";

const appId = "0b7f3c1e-9d2a-4c1b-8e5f-3a2b1c0d9e8f";
const host = "func-dev-0a1b2c3d.azurewebsites.net";
const waiver = (resource: string) => ({
  waivers: [{ resource, reason: "throwaway demo stack, deleted nightly" }],
});

const extension = (props: Record<string, unknown> = {}, stack = "dev"): FakeResource => ({
  type: externalTypes.customAuthenticationExtension,
  name: "submit",
  stack,
  props: {
    displayName: "submit",
    eventType: "attributeCollectionSubmit",
    targetUrl: `https://${host}/api/onAttributeCollectionSubmit`,
    resourceId: `api://${host}/${appId}`,
    timeoutInMilliseconds: 1000,
    maximumRetries: 1,
    ...props,
  },
});
const api = (props: Record<string, unknown> = {}): FakeResource => ({
  type: externalTypes.extensionApiApplication,
  name: "api",
  props: {
    displayName: "api",
    targetUrl: `https://${host}/api`,
    identifierUri: `api://${host}/${appId}`,
    appRoleAssignmentId: "a1b2",
    ...props,
  },
});

describe("extension-target-https", () => {
  test("quiet on an https target whose host is the identifier URI's", async () => {
    assert.deepEqual(await runResourceRule(extensionTargetHttps, extension()), []);
    assert.deepEqual(await runResourceRule(extensionTargetHttps, api()), []);
    const upper = extension({ resourceId: `api://${host.toUpperCase()}/${appId}` });
    assert.deepEqual(
      await runResourceRule(extensionTargetHttps, upper),
      [],
      "hosts compare case-insensitively",
    );
  });

  test("fires on http, a non-default port, a malformed resourceId and a different host", async () => {
    const http = await runResourceRule(
      extensionTargetHttps,
      extension({ targetUrl: `http://${host}/api/x` }),
    );
    assert.match(http[0] ?? "", /targetUrl http:\/\/.* is not https .*\(error 1003020\)/);
    const port = await runResourceRule(
      extensionTargetHttps,
      extension({ targetUrl: `https://${host}:8443/api/x` }),
    );
    assert.match(port[0] ?? "", /non-default port/);
    const appIdOnly = await runResourceRule(extensionTargetHttps, extension({ resourceId: appId }));
    assert.match(
      appIdOnly[0] ?? "",
      /is not an identifier URI api:\/\/<host of targetUrl>\/<appId> \(error 1003014\)/,
    );
    const moved = await runResourceRule(
      extensionTargetHttps,
      extension({ resourceId: `api://old.example.com/${appId}` }),
    );
    assert.match(
      moved[0] ?? "",
      /host old\.example\.com differs from targetUrl's host .*1003015 DomainNameDoesNotMatch/,
    );
    const apiMoved = await runResourceRule(
      extensionTargetHttps,
      api({ identifierUri: `api://old.example.com/${appId}` }),
    );
    assert.equal(apiMoved.length, 1);
  });

  test("skips values unknown at preview, allows loopback http only on local stacks with the emulator, waivable", async () => {
    assert.deepEqual(
      await runResourceRule(extensionTargetHttps, extension({ targetUrl: PREVIEW_UNKNOWN })),
      [],
    );
    assert.deepEqual(
      await runResourceRule(extensionTargetHttps, extension({ resourceId: PREVIEW_UNKNOWN })),
      [],
    );
    const local = {
      targetUrl: "http://127.0.0.1:7071/api/onAttributeCollectionSubmit",
      resourceId: `api://127.0.0.1/${appId}`,
      connection: { cloud: "global", baseUrl: "http://127.0.0.1:4100" },
    };
    assert.deepEqual(await runResourceRule(extensionTargetHttps, extension(local, "local")), []);
    assert.equal((await runResourceRule(extensionTargetHttps, extension(local, "dev"))).length, 1);
    const http = extension({ targetUrl: `http://${host}/x` });
    assert.deepEqual(await runResourceRule(extensionTargetHttps, http, waiver("submit")), []);
  });
});

describe("extension-client-configuration", () => {
  test("fires on a timeout outside 200–2000 ms and on retries other than 0 or 1", async () => {
    for (const timeoutInMilliseconds of [199, 2001, 1000.5, "1000"]) {
      const v = await runResourceRule(extensionClientConfiguration, extension({ timeoutInMilliseconds }));
      assert.match(v[0] ?? "", /timeoutInMilliseconds .* is outside 200–2000/, String(timeoutInMilliseconds));
    }
    const retries = await runResourceRule(extensionClientConfiguration, extension({ maximumRetries: 2 }));
    assert.match(retries[0] ?? "", /maximumRetries 2 is not 0 or 1/);
  });

  test("quiet on the bounds, the defaults and values unknown at preview", async () => {
    for (const props of [
      { timeoutInMilliseconds: 200, maximumRetries: 0 },
      { timeoutInMilliseconds: 2000, maximumRetries: 1 },
      { timeoutInMilliseconds: undefined, maximumRetries: undefined },
      { timeoutInMilliseconds: PREVIEW_UNKNOWN },
    ])
      assert.deepEqual(await runResourceRule(extensionClientConfiguration, extension(props)), []);
  });
});

describe("extension-api-consented", () => {
  test("quiet when the extension's resourceId is the identifier URI of a consented API identity in the stack", async () => {
    assert.deepEqual(await runStackRule(extensionApiConsented, [extension(), api()]), []);
    const preview = [
      extension({ resourceId: PREVIEW_UNKNOWN }),
      api({ identifierUri: PREVIEW_UNKNOWN, appRoleAssignmentId: PREVIEW_UNKNOWN }),
    ];
    assert.deepEqual(
      await runStackRule(extensionApiConsented, preview),
      [],
      "matched by host before the first up",
    );
  });

  test("fires when no API identity in the stack makes the resourceId, or when it holds no consent", async () => {
    const alone = await runStackRule(extensionApiConsented, [extension()]);
    assert.match(
      alone[0] ?? "",
      /is not the identifier URI of an ExtensionApiApplication in this stack, .*1003021/,
    );
    const other = await runStackRule(extensionApiConsented, [
      extension({ resourceId: `api://${host}/11111111-2222-4333-8444-555555555555` }),
      api(),
    ]);
    assert.equal(other.length, 1);
    const unconsented = await runStackRule(extensionApiConsented, [
      extension(),
      api({ appRoleAssignmentId: "" }),
    ]);
    assert.match(unconsented[0] ?? "", /no CustomAuthenticationExtension\.Receive\.Payload consent/);
  });

  test("consent managed elsewhere counts only with a reason; a waiver names one extension", async () => {
    const reason = "tenant admins grant Receive.Payload through the change board";
    assert.deepEqual(
      await runStackRule(extensionApiConsented, [extension()], { consentManagedElsewhere: true, reason }),
      [],
    );
    assert.equal(
      (
        await runStackRule(extensionApiConsented, [extension()], {
          consentManagedElsewhere: true,
          reason: "ok",
        })
      ).length,
      1,
    );
    assert.deepEqual(await runStackRule(extensionApiConsented, [extension()], waiver("submit")), []);
  });
});

describe("mapped-claims-single-tenant", () => {
  const acceptance = (props: Record<string, unknown> = {}): FakeResource => ({
    type: externalTypes.mappedClaimsAcceptance,
    name: "accept",
    props: { appId, ...props },
  });
  const app = (signInAudience?: string): FakeResource => ({
    type: externalTypes.azureadApplication,
    name: "portal",
    props: { clientId: appId, ...(signInAudience ? { signInAudience } : {}) },
  });

  test("fires on a multi-tenant app, from its own output or the app registration in the stack", async () => {
    const own = await runStackRule(mappedClaimsSingleTenant, [
      acceptance({ signInAudience: "AzureADMultipleOrgs" }),
    ]);
    assert.match(own[0] ?? "", /is multi-tenant \(signInAudience AzureADMultipleOrgs\).*custom signing key/);
    const fromApp = await runStackRule(mappedClaimsSingleTenant, [
      acceptance(),
      app("AzureADandPersonalMicrosoftAccount"),
    ]);
    assert.equal(fromApp.length, 1);
  });

  test("quiet on single-tenant apps, the azuread default, unknown apps, and a waived acceptance", async () => {
    assert.deepEqual(
      await runStackRule(mappedClaimsSingleTenant, [acceptance({ signInAudience: "AzureADMyOrg" })]),
      [],
    );
    assert.deepEqual(await runStackRule(mappedClaimsSingleTenant, [acceptance(), app()]), []);
    assert.deepEqual(
      await runStackRule(mappedClaimsSingleTenant, [acceptance()]),
      [],
      "the provider refuses at preview",
    );
    assert.deepEqual(
      await runStackRule(
        mappedClaimsSingleTenant,
        [acceptance({ signInAudience: "AzureADMultipleOrgs" })],
        waiver("accept"),
      ),
      [],
    );
  });
});
