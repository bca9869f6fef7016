/**
 * The checks of `SelfServiceSignUp`'s arguments that depend on the tenant kind: what has no meaning in
 * the chosen kind is refused with its argument path and the fix, and the arguments that exist for one
 * kind only (`extension`) or for both (`tokenClaims`) are parsed. Pure; `validateSignUpArgs` runs it.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-overview (which event exists
 * in which tenant), https://learn.microsoft.com/entra/external-id/customers/concept-supported-features-customers
 */
import { z } from "zod";
import { configIssueProblems } from "../../contract/configProblems";
import { eventsFlowPage } from "../../contract/eventsFlowPage";
import { extensionSettingsSchema, type ExtensionSettings } from "../../contract/extensionSettings";
import type { Policy } from "../../contract/policy/schema";
import { TENANT_KINDS, type TenantKind } from "../../contract/tenantKind";
import { checkTokenClaims, tokenClaimsSchema, type TokenClaims } from "../../contract/tokenClaims";
import { EXTERNAL_IDENTITY_PROVIDER_IDS, IDENTITY_PROVIDER_IDS } from "../../contract/userFlow";
import type { CustomAttribute, UserFlow } from "../../contract/userFlowSchema";

/** A problem at an argument path (`tokenClaims.claims.0.id`). */
export interface KindProblem {
  readonly path: string;
  readonly message: string;
}

/** The arguments the kind checks read, as a caller passed them. */
export interface KindArgsShape {
  readonly tenantKind?: unknown;
  readonly extension?: unknown;
  readonly tokenClaims?: unknown;
  readonly toggle?: unknown;
  readonly connection?: unknown;
  readonly connector?: {
    readonly auth?: unknown;
    readonly username?: unknown;
    readonly password?: unknown;
    readonly rotationKey?: unknown;
    readonly certificate?: unknown;
  };
  readonly apps?: { readonly appIds?: unknown; readonly priority?: unknown };
}

/** What the parts valid on their own say (the flow and attributes are parsed by `validateSignUpArgs`). */
export interface KindContext {
  readonly userFlow?: Pick<UserFlow, "identityProviders" | "page" | "connectorSteps">;
  readonly attributes: readonly CustomAttribute[];
  readonly policy?: Policy;
}

export interface KindResult {
  readonly problems: KindProblem[];
  readonly tenantKind?: TenantKind;
  /** External tenants only, with defaults applied. */
  readonly extension?: ExtensionSettings;
  readonly tokenClaims?: TokenClaims;
}

const show = (v: unknown) => JSON.stringify(v);

function schemaProblems(prefix: string, schema: z.ZodType, input: unknown, error: z.ZodError): KindProblem[] {
  return configIssueProblems(prefix, schema, input, error.issues).map((text) => {
    const at = text.indexOf(": ");
    return { path: text.slice(0, at), message: text.slice(at + 2) };
  });
}

const tenantKindSchema = z.enum(TENANT_KINDS).default("workforce");

/** Every kind-dependent problem, and the parsed kind, extension settings and token claims. */
export function checkTenantKindArgs(args: KindArgsShape, context: KindContext): KindResult {
  const problems: KindProblem[] = [];
  const kindResult = tenantKindSchema.safeParse(args.tenantKind);
  if (!kindResult.success)
    problems.push(...schemaProblems("tenantKind", tenantKindSchema, args.tenantKind, kindResult.error));
  const tenantKind = kindResult.success ? kindResult.data : undefined;
  const cloud = (args.connection as { cloud?: unknown } | undefined)?.cloud;

  let extension: ExtensionSettings | undefined;
  if (tenantKind === "external") {
    const parsed = extensionSettingsSchema.safeParse(args.extension);
    if (parsed.success) extension = parsed.data;
    else problems.push(...schemaProblems("extension", extensionSettingsSchema, args.extension, parsed.error));
    problems.push(...externalOnly(args, context, cloud));
  } else if (tenantKind === "workforce") {
    problems.push(...workforceOnly(args, context));
  }

  let tokenClaims: TokenClaims | undefined;
  if (args.tokenClaims !== undefined) {
    const parsed = tokenClaimsSchema.safeParse(args.tokenClaims);
    if (!parsed.success)
      problems.push(...schemaProblems("tokenClaims", tokenClaimsSchema, args.tokenClaims, parsed.error));
    else {
      tokenClaims = parsed.data;
      if (context.policy)
        for (const p of checkTokenClaims(parsed.data, context.attributes, context.policy))
          problems.push({ path: `tokenClaims.${p.path}`, message: p.message });
      problems.push(...tokenClaimsForKind(parsed.data, tenantKind, cloud, args.apps?.appIds));
    }
  }
  return { problems, tenantKind, extension, tokenClaims };
}

/** B2X-only arguments and values in an external tenant. */
function externalOnly(args: KindArgsShape, context: KindContext, cloud: unknown): KindProblem[] {
  const problems: KindProblem[] = [];
  const remove = (path: string, value: unknown, why: string) =>
    problems.push({
      path,
      message: `${show(value)} has no meaning in an external tenant: ${why} — remove it`,
    });
  if (cloud !== undefined && cloud !== "global")
    problems.push({
      path: "connection.cloud",
      message:
        `${show(cloud)}: external tenants are deployed to the global cloud only (authentication events flows ` +
        `cannot be updated in national clouds) — use "global", or tenantKind "workforce" for a national cloud`,
    });
  if (args.toggle !== undefined)
    remove(
      "toggle",
      args.toggle,
      "the B2X tenant toggle does not exist; each flow allows sign-up on its own",
    );
  const connector = args.connector ?? {};
  const bearer =
    "Entra calls custom authentication extensions with its own bearer token, never Basic or a certificate";
  if (connector.auth !== undefined) remove("connector.auth", connector.auth, bearer);
  if (connector.username !== undefined) remove("connector.username", connector.username, bearer);
  if (connector.password !== undefined) remove("connector.password", "<secret>", bearer);
  if (connector.rotationKey !== undefined)
    remove("connector.rotationKey", connector.rotationKey, "there is no connector password to rotate");
  if (connector.certificate !== undefined) remove("connector.certificate", "<certificate>", bearer);
  if (args.apps?.priority !== undefined)
    remove(
      "apps.priority",
      args.apps.priority,
      "an app joins exactly one flow through includeApplications, with no listener priority",
    );
  if (context.userFlow?.connectorSteps.postFederationSignup)
    problems.push({
      path: "userFlow.connectorSteps.postFederationSignup",
      message:
        "true has no meaning in an external tenant: there is no step after federation — set it to false; the " +
        "connector's pre-fill and block rules run at OnAttributeCollectionStart, before the attribute page",
    });
  if (context.userFlow) {
    for (const p of eventsFlowPage(context.userFlow, context.attributes).problems)
      problems.push({ path: p.path, message: `${show(p.value)}: ${p.message}` });
  }
  return problems;
}

/** External-only arguments and values in a workforce tenant. */
function workforceOnly(args: KindArgsShape, context: KindContext): KindProblem[] {
  const problems: KindProblem[] = [];
  if (args.extension !== undefined)
    problems.push({
      path: "extension",
      message:
        "sign-up custom authentication extensions exist only in external tenants (a workforce tenant calls " +
        'API connectors) — remove it, or set tenantKind "external"',
    });
  const workforceIds: readonly string[] = IDENTITY_PROVIDER_IDS;
  context.userFlow?.identityProviders.forEach((id, i) => {
    if (!workforceIds.includes(id))
      problems.push({
        path: `userFlow.identityProviders.${i}`,
        message:
          `${show(id)} exists only in external tenants — use one of ${IDENTITY_PROVIDER_IDS.join(", ")}, or ` +
          `tenantKind "external" (which offers ${EXTERNAL_IDENTITY_PROVIDER_IDS.join(", ")})`,
      });
  });
  return problems;
}

/** Token claims against the kind and cloud: no v1.0 extensions in China; external apps must be in the flow. */
function tokenClaimsForKind(
  claims: TokenClaims,
  kind: TenantKind | undefined,
  cloud: unknown,
  flowAppIds: unknown,
): KindProblem[] {
  if (kind === "workforce" && cloud === "china")
    return [
      {
        path: "tokenClaims",
        message:
          "the China cloud has no v1.0 custom authentication extensions or event listeners, so no " +
          "OnTokenIssuanceStart — remove tokenClaims for this stack",
      },
    ];
  if (kind !== "external") return [];
  const inFlow = new Set(
    (Array.isArray(flowAppIds) ? flowAppIds : []).map((a) => (typeof a === "string" ? a.toLowerCase() : a)),
  );
  return claims.appIds.flatMap((appId, i) =>
    inFlow.has(appId.toLowerCase())
      ? []
      : [
          {
            path: `tokenClaims.appIds.${i}`,
            message:
              `${show(appId)} is not in apps.appIds: in an external tenant an app gets tokens only through the ` +
              `sign-up flow it is included in — add it to apps.appIds`,
          },
        ],
  );
}
