/**
 * The custom-authentication-extension half of `SelfServiceSignUp`: the extension API's identity, the
 * OnAttributeCollectionStart/Submit extensions and the events flow of an external tenant, and the
 * OnTokenIssuanceStart extension, listener and claims mapping policy of token claims (both tenant kinds).
 * Order (docs/external-tenant-contract.md Appendix A): attributes → API identity → extensions → flow
 * (attached Start/Submit, included apps) → token issuance → claims mapping policy → mapped-claims acceptance.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-overview,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration
 */
import * as pulumi from "@pulumi/pulumi";
import type { HostAuthenticationEvents } from "../../contract/appSettings";
import {
  tokenIssuers,
  tokenKeySetUri,
  type TokenCloud,
  type TokenTenantKind,
} from "../../contract/authenticationEvents";
import { eventsFlowPage } from "../../contract/eventsFlowPage";
import { extensionTargetUrl, tokenIssuanceStartTargetUrl } from "../../contract/extensionRoutes";
import type { ExtensionSettings } from "../../contract/extensionSettings";
import {
  claimIdsInApiResponse,
  claimsMappingPolicyClaims,
  type TokenClaims,
} from "../../contract/tokenClaims";
import { isLoopbackUrl } from "../../contract/url";
import type { CustomAttribute, UserFlow } from "../../contract/userFlowSchema";
import {
  AuthenticationEventsFlow,
  ClaimsMappingPolicy,
  CustomAuthenticationExtension,
  ExtensionApiApplication,
  MappedClaimsAcceptance,
  TokenIssuanceStartListener,
  type GraphConnection,
  type UserFlowAttribute,
} from "../graph";

/** The extension API (app registration + service principal + identifier URI + consent) for a host. */
export function extensionApi(
  name: string,
  connection: GraphConnection,
  baseUrl: pulumi.Input<string>,
  adoptExisting: boolean,
  opts: pulumi.CustomResourceOptions,
): ExtensionApiApplication {
  return new ExtensionApiApplication(
    `${name}-extension-api`,
    {
      connection,
      displayName: `${pulumi.getStack()} authentication events API`,
      targetUrl: pulumi.output(baseUrl).apply(tokenIssuanceStartTargetUrl),
      adoptExisting,
    },
    opts,
  );
}

/**
 * What the connector host must check in every bearer token: the tenant, the API's appId, the exact
 * issuers of the tenant kind, and the key set — the tenant's, or the emulator's when Graph is a loopback
 * emulator (only the endpoint differs; the checks are the same).
 */
export function authenticationEventsSettings(
  connection: GraphConnection,
  kind: TokenTenantKind,
  api: ExtensionApiApplication,
): pulumi.Output<HostAuthenticationEvents> {
  const tenantId = connection.tenantId ?? "";
  // A tenant given by its initial domain (contoso.onmicrosoft.com) also names the documented issuer host.
  const subdomain = /^([a-z0-9-]+)\.onmicrosoft\.com$/i.exec(tenantId)?.[1];
  const authority = { kind, cloud: connection.cloud as TokenCloud, tenantId, subdomain };
  const keySetUri =
    connection.baseUrl !== undefined && isLoopbackUrl(connection.baseUrl)
      ? `${connection.baseUrl.replace(/\/+$/, "")}/${tenantId}/discovery/v2.0/keys`
      : tokenKeySetUri(authority);
  return api.appId.apply((audience) => ({
    tenantId,
    audience,
    issuers: tokenIssuers(authority),
    keySetUri,
  }));
}

export interface ExternalSignUpInputs {
  readonly name: string;
  readonly connection: GraphConnection;
  readonly userFlow: UserFlow;
  readonly attributes: readonly CustomAttribute[];
  readonly attributeResources: readonly UserFlowAttribute[];
  readonly extension: ExtensionSettings;
  readonly baseUrl: pulumi.Input<string>;
  readonly api: ExtensionApiApplication;
  readonly appIds: readonly pulumi.Input<string>[];
  readonly adoptExisting: boolean;
  /** The host (its settings must be in place before Entra can call it). */
  readonly dependsOn: pulumi.Resource[];
  /** Tenant-level social identity providers the flow offers. */
  readonly identityProviders: readonly pulumi.Resource[];
}

/**
 * The sign-up of an external tenant: the Start extension (pre-fill, block) always, the Submit extension
 * when `connectorSteps.postAttributeCollection` is on, and the events flow with the page mapped from the
 * one `userFlow` config (contract/eventsFlowPage.ts), the extensions attached and the apps included.
 */
export function externalSignUp(
  inputs: ExternalSignUpInputs,
  opts: pulumi.CustomResourceOptions,
): AuthenticationEventsFlow {
  const { name, connection, extension, api, adoptExisting } = inputs;
  const afterHost = { ...opts, dependsOn: [...inputs.dependsOn, api] };
  const ext = (event: "attributeCollectionStart" | "attributeCollectionSubmit", label: string) =>
    new CustomAuthenticationExtension(
      `${name}-${event}`,
      {
        connection,
        displayName: `${pulumi.getStack()} ${label}`,
        eventType: event,
        targetUrl: pulumi.output(inputs.baseUrl).apply((base) => extensionTargetUrl(base, event)),
        resourceId: api.identifierUri,
        timeoutInMilliseconds: extension.timeoutInMilliseconds,
        maximumRetries: extension.maximumRetries,
        adoptExisting,
      },
      afterHost,
    );
  const start = ext("attributeCollectionStart", "attribute collection start");
  const submit = inputs.userFlow.connectorSteps.postAttributeCollection
    ? ext("attributeCollectionSubmit", "attribute collection submit")
    : undefined;

  const ids = new Map(inputs.attributes.map((a, i) => [a.name, inputs.attributeResources[i]!.attributeId]));
  const { page } = eventsFlowPage(inputs.userFlow, inputs.attributes, (a) => ids.get(a.name)!);
  return new AuthenticationEventsFlow(
    `${name}-flow`,
    {
      connection,
      displayName: inputs.userFlow.name,
      identityProviderIds: [...page.identityProviderIds],
      attributes: page.attributes.map((a) => ({ ...a })),
      inputs: page.inputs.map((input) => ({ ...input, options: [...input.options] })),
      isSignUpAllowed: true,
      includeApplications: [...inputs.appIds],
      onAttributeCollectionStartExtensionId: start.extensionId,
      onAttributeCollectionSubmitExtensionId: submit?.extensionId,
      attachVariant: extension.attachVariant,
      adoptExisting,
    },
    {
      ...opts,
      dependsOn: [
        ...inputs.attributeResources,
        ...inputs.identityProviders,
        start,
        ...(submit ? [submit] : []),
      ],
    },
  );
}

export interface TokenClaimsInputs {
  readonly name: string;
  readonly connection: GraphConnection;
  readonly tokenClaims: TokenClaims;
  readonly baseUrl: pulumi.Input<string>;
  readonly api: ExtensionApiApplication;
  readonly adoptExisting: boolean;
  /** The host, and in an external tenant the flow the apps sign in through. */
  readonly dependsOn: pulumi.Resource[];
}

/**
 * Token claims: the OnTokenIssuanceStart extension (its claim ids feed the portal's claim picker), a
 * listener for the apps, one claims mapping policy (`Source: CustomClaimsProvider`) assigned to each app's
 * service principal, and `acceptMappedClaims` on each app (single-tenant apps only: refused at preview).
 */
export function tokenIssuance(inputs: TokenClaimsInputs, opts: pulumi.CustomResourceOptions) {
  const { name, connection, tokenClaims, api, adoptExisting } = inputs;
  const extension = new CustomAuthenticationExtension(
    `${name}-tokenIssuanceStart`,
    {
      connection,
      displayName: `${pulumi.getStack()} token issuance start`,
      eventType: "tokenIssuanceStart",
      targetUrl: pulumi.output(inputs.baseUrl).apply(tokenIssuanceStartTargetUrl),
      resourceId: api.identifierUri,
      claimsForTokenConfiguration: claimIdsInApiResponse(tokenClaims),
      adoptExisting,
    },
    { ...opts, dependsOn: [...inputs.dependsOn, api] },
  );
  const listener = new TokenIssuanceStartListener(
    `${name}-token-listener`,
    {
      connection,
      customExtensionId: extension.extensionId,
      includeApplications: [...tokenClaims.appIds],
      adoptExisting,
    },
    opts,
  );
  const policy = new ClaimsMappingPolicy(
    `${name}-claims-policy`,
    {
      connection,
      displayName: `${pulumi.getStack()} custom claims`,
      claims: claimsMappingPolicyClaims(tokenClaims),
      appIds: [...tokenClaims.appIds],
      adoptExisting,
    },
    opts,
  );
  const acceptance = tokenClaims.appIds.map(
    (appId) =>
      new MappedClaimsAcceptance(`${name}-accept-mapped-claims-${appId}`, { connection, appId }, opts),
  );
  return { extension, listener, policy, acceptance };
}
