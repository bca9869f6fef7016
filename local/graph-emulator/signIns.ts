/**
 * `POST /_emulator/sign-ins` `{ appId, userId }`: Entra's token issuance for a user signing in to an
 * application, for the local sign-up simulator. The OnTokenIssuanceStart listener whose
 * `includeApplications` holds the app (the highest `priority` when several do) calls its custom
 * authentication extension with an Entra-shaped token; the returned claims pass through the claims mapping
 * policy assigned to the app's service principal; the answer is the ID token the identity platform signs,
 * and its decoded claims. Refused like Entra refuses: a 1003xxx code for an extension problem
 * (docs/external-tenant-contract.md §9.8), AADSTS50146 for a claims mapping policy on an app that does not
 * accept mapped claims. None of this is Microsoft Graph.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration,
 * https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference,
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
import { parseIdentifierUri } from "../../contract/identifierUri";
import { createHash, randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { endpointUrlProblem } from "../../contract/url";
import { customClaimMappings, mapCustomClaims, type IgnoredClaim } from "./claimsMapping";
import type { IdentityPlatform } from "./identityPlatform";
import { apiIdentityOf } from "./routes/customExtensions";
import { sameId } from "./store";
import {
  callTokenIssuanceStart,
  envelopeUser,
  tokenIssuanceEnvelope,
  type TokenIssuanceAttempt,
} from "./tokenIssuanceCall";
import type {
  EmulatorState,
  StoredApplication,
  StoredCustomExtension,
  StoredEventListener,
  StoredServicePrincipal,
  StoredUser,
} from "./types";

const LISTENER_TYPE = "microsoft.graph.onTokenIssuanceStartListener";
const EXTENSION_TYPE = "#microsoft.graph.onTokenIssuanceStartCustomExtension";
/** Claims the ID token issues itself; a mapping cannot replace them. */
const PROTOCOL_CLAIMS = new Set([
  "aud",
  "iss",
  "iat",
  "nbf",
  "exp",
  "aio",
  "azp",
  "azpacr",
  "idp",
  "name",
  "nonce",
  "oid",
  "preferred_username",
  "rh",
  "sub",
  "tid",
  "uti",
  "ver",
]);

/** What the route needs. */
export interface SignInDeps {
  readonly state: EmulatorState;
  readonly identityPlatform: IdentityPlatform;
  /** `CIAM` issues external-tenant tokens (`{tid}.ciamlogin.com`), anything else workforce ones. */
  readonly tenantType: string;
}

/** The route's answer: status and JSON body. */
export interface SignInResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The listener, extension and attempts of the OnTokenIssuanceStart call, when one was made. */
interface CallReport {
  listenerId: string;
  extensionId: string;
  extensionDisplayName: string;
  targetUrl: string;
  attempts: TokenIssuanceAttempt[];
  /** The claims the extension returned (before mapping). */
  returned?: Record<string, string | string[]>;
  ignored?: IgnoredClaim[];
}

class SignInRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly call?: CallReport,
  ) {
    super(message);
  }
}

/** Plays the sign-in; never throws. */
export async function signIn(deps: SignInDeps, body: unknown): Promise<SignInResult> {
  const request = (body ?? {}) as { appId?: unknown; userId?: unknown };
  if (typeof request.appId !== "string" || typeof request.userId !== "string")
    return {
      status: 400,
      body: { error: { code: "BadRequest", message: "Body must be { appId: string, userId: string }." } },
    };
  try {
    return { status: 200, body: await issue(deps, request.appId, request.userId) };
  } catch (err) {
    if (!(err instanceof SignInRefused)) throw err;
    return {
      status: 400,
      body: {
        error: { code: err.code, message: err.message },
        ...(err.call ? { tokenIssuanceStart: err.call } : {}),
      },
    };
  }
}

async function issue(deps: SignInDeps, appId: string, userId: string): Promise<Record<string, unknown>> {
  const { app, sp } = clientApp(deps.state, appId);
  const user = directoryUser(deps.state, userId);
  const policies = deps.state.claimsMappingPolicies.filter((p) =>
    sp.claimsMappingPolicyIds.some((id) => sameId(id, p.id)),
  );
  if (policies.length > 0 && app.api.acceptMappedClaims !== true)
    throw new SignInRefused(
      "AADSTS50146",
      `This application is required to be configured with an application-specific signing key. Application '${app.appId}' has claims mapping policy ${policies.map((p) => p.id).join(", ")} but api.acceptMappedClaims is not true: set it on the app registration (single-tenant apps only) or configure a custom signing key.`,
    );
  const kind = deps.tenantType === "CIAM" ? "external" : "workforce";
  const listener = tokenIssuanceListener(deps.state, appId);
  let call: CallReport | undefined;
  let mapped: Record<string, string | string[]> = {};
  if (listener) {
    call = await callListener(deps, listener, { app, sp, user, kind });
    const result = mapCustomClaims(customClaimMappings(policies), call.returned ?? {}, PROTOCOL_CLAIMS);
    mapped = result.mapped;
    call.ignored = result.ignored;
  }
  const idToken = await deps.identityPlatform.mint({
    audience: app.appId,
    kind,
    claims: {
      ...mapped,
      azp: undefined,
      azpacr: undefined,
      idp: undefined,
      oid: user.id,
      sub: pairwiseSubject(user.id, app.appId),
      name: typeof user.displayName === "string" ? user.displayName : undefined,
      preferred_username: preferredUsername(user),
    },
  });
  return { idToken, claims: decodeJwt(idToken), tokenIssuanceStart: call ?? null };
}

function clientApp(state: EmulatorState, appId: string) {
  const app = state.applications.find((a) => sameId(a.appId, appId));
  const sp = state.servicePrincipals.find((s) => sameId(s.appId, appId));
  if (!app || !sp)
    throw new SignInRefused(
      "AADSTS700016",
      `Application with identifier '${appId}' was not found in the directory '${state.tenantId}'${app ? " (it has no service principal)" : ""}.`,
    );
  if (!sp.accountEnabled) throw new SignInRefused("AADSTS7000112", `Application '${appId}' is disabled.`);
  return { app, sp };
}

function directoryUser(state: EmulatorState, userId: string): StoredUser {
  const user = state.users.find((u) => sameId(u.id, userId));
  if (!user)
    throw new SignInRefused(
      "AADSTS50034",
      `The user account ${userId} does not exist in the ${state.tenantId} directory.`,
    );
  if (user.accountEnabled === false)
    throw new SignInRefused("AADSTS50057", `The user account ${userId} is disabled.`);
  return user;
}

/** The OnTokenIssuanceStart listener for the app; the highest priority wins, then the oldest. */
function tokenIssuanceListener(state: EmulatorState, appId: string): StoredEventListener | undefined {
  const listeners = state.authenticationEventListeners.filter(
    (l) => l.type === LISTENER_TYPE && l.includeApplications.some((a) => sameId(a, appId)),
  );
  return listeners.reduce<StoredEventListener | undefined>(
    (best, l) => (best === undefined || l.priority > best.priority ? l : best),
    undefined,
  );
}

interface SignInContext {
  readonly app: StoredApplication;
  readonly sp: StoredServicePrincipal;
  readonly user: StoredUser;
  readonly kind: "external" | "workforce";
}

async function callListener(
  deps: SignInDeps,
  listener: StoredEventListener,
  ctx: SignInContext,
): Promise<CallReport> {
  const extension = (deps.state.customAuthenticationExtensions ?? []).find((e) =>
    sameId(e.id, listener.customExtensionId),
  );
  if (!extension)
    throw new SignInRefused(
      "1003011",
      `CustomExtensionNotFound: listener ${listener.id} calls extension ${listener.customExtensionId}, which does not exist.`,
    );
  const apiAppId = checkExtension(deps.state, extension);
  const token = await deps.identityPlatform.mint({ audience: apiAppId, kind: ctx.kind });
  const envelope = tokenIssuanceEnvelope({
    tenantId: deps.state.tenantId,
    listenerId: listener.id,
    extensionId: extension.id,
    correlationId: randomUUID(),
    clientServicePrincipal: {
      id: ctx.sp.id,
      appId: ctx.app.appId,
      appDisplayName: ctx.app.displayName,
      displayName: ctx.sp.displayName,
    },
    user: envelopeUser(ctx.user),
  });
  const { outcome, attempts } = await callTokenIssuanceStart(envelope, {
    targetUrl: extension.targetUrl,
    timeoutInMilliseconds: extension.timeoutInMilliseconds ?? 1000,
    maximumRetries: extension.maximumRetries ?? 1,
    token,
  });
  const report: CallReport = {
    listenerId: listener.id,
    extensionId: extension.id,
    extensionDisplayName: extension.displayName,
    targetUrl: extension.targetUrl,
    attempts,
  };
  if (outcome.kind === "failed") {
    const [number = "", name = ""] = outcome.code.split(" ");
    throw new SignInRefused(number, `${name}: ${outcome.reason}`, report);
  }
  report.returned = outcome.claims;
  return report;
}

/** What Entra refuses before calling the extension (1003xxx), else the API's appId (the token audience). */
function checkExtension(state: EmulatorState, extension: StoredCustomExtension): string {
  if (extension.odataType !== EXTENSION_TYPE)
    throw new SignInRefused(
      "1003001",
      `CustomExtensionUnexpectedError: extension ${extension.id} is a ${extension.odataType}, not an onTokenIssuanceStartCustomExtension.`,
    );
  const urlProblem = endpointUrlProblem(extension.targetUrl, true);
  if (urlProblem) throw new SignInRefused("1003020", `IncorrectTargetUrlFormat: targetUrl ${urlProblem}.`);
  const match = parseIdentifierUri(extension.resourceId);
  if (!match)
    throw new SignInRefused(
      "1003014",
      `IncorrectResourceIdFormat: resourceId ${JSON.stringify(extension.resourceId)} is not api://<host of the targetUrl>/<appId>.`,
    );
  const host = new URL(extension.targetUrl).hostname.toLowerCase();
  if (match.host.toLowerCase() !== host)
    throw new SignInRefused(
      "1003015",
      `DomainNameDoesNotMatch: resourceId host ${match.host} differs from the targetUrl host ${host}.`,
    );
  const apiAppId = match.appId.toLowerCase();
  const who = apiIdentityOf(state, apiAppId);
  if (!who.servicePrincipalId)
    throw new SignInRefused(
      "1003016",
      `ResourceServicePrincipalNotFound: no service principal for the extension API ${apiAppId}.`,
    );
  if (!who.enabled)
    throw new SignInRefused(
      "1003017",
      `ResourceServicePrincipalDisabled: the extension API's service principal ${who.servicePrincipalId} is disabled.`,
    );
  if (!who.consented)
    throw new SignInRefused(
      "1003021",
      `PermissionNotGrantedToServicePrincipal: CustomAuthenticationExtension.Receive.Payload is not granted to ${who.servicePrincipalId}.`,
    );
  return apiAppId;
}

/** `sub` is pairwise: stable for one user and app, different across apps. */
function pairwiseSubject(userId: string, appId: string): string {
  return createHash("sha256").update(`${userId.toLowerCase()}|${appId.toLowerCase()}`).digest("base64url");
}

function preferredUsername(user: StoredUser): string | undefined {
  for (const key of ["mail", "userPrincipalName"]) if (typeof user[key] === "string") return user[key];
  return undefined;
}
