/**
 * Validation of `SelfServiceSignUp`'s arguments, as one pure function: every problem at once, each naming
 * the argument path, the bad value and the fix. The component throws them as one `ResourceError`; the
 * stack-config loader (stacks/settings.ts) runs the same function before the engine starts and maps the
 * paths to config keys, so a consumer who never uses our stack config gets exactly the same checks.
 */
import { z } from "zod";
import { configIssueProblems } from "../../contract/configProblems";
import { parsePolicy, PolicyError, type Policy } from "../../contract/policy/load";
import { attributeCollectionSectionsIn } from "../../contract/policy/sections";
import { attributesMissingFromPage } from "../../contract/policyFlow";
import { endpointUrlProblem } from "../../contract/url";
import {
  BUILT_IN_ATTRIBUTES,
  CHOICE_INPUT_TYPES,
  INPUT_TYPES_FOR,
  VALUE_FITS,
  isBuiltInAttribute,
} from "../../contract/userFlow";
import {
  connectorStepsSchema,
  customAttributeSchema,
  pageFieldSchema,
  userFlowSchema,
  type CustomAttribute,
  type PageField,
  type UserFlow,
} from "../../contract/userFlowSchema";
import type { ExtensionSettings } from "../../contract/extensionSettings";
import type { TenantKind } from "../../contract/tenantKind";
import type { TokenClaims } from "../../contract/tokenClaims";
import { isLoopbackGraph, validateConnection } from "../graph/connection";
import { checkTenantKindArgs } from "./tenantKindChecks";

/** A problem: where (argument path, `a.b.0.c`) and what to do. */
export interface ArgProblem {
  readonly path: string;
  readonly message: string;
}

/** What validation yields when there is no problem: the arguments with defaults applied. */
export interface ValidatedSignUp {
  readonly attributes: readonly CustomAttribute[];
  readonly userFlow: UserFlow;
  readonly policy: Policy;
  readonly tenantKind: TenantKind;
  /** External tenants only: how Entra calls the extensions (defaults applied). */
  readonly extension?: ExtensionSettings;
  readonly tokenClaims?: TokenClaims;
}

/** The part of `SelfServiceSignUpArgs` that validation reads; values may be anything a caller passed. */
export interface SignUpArgsShape {
  readonly connection?: unknown;
  readonly tenantKind?: unknown;
  readonly extension?: unknown;
  readonly tokenClaims?: unknown;
  readonly toggle?: unknown;
  readonly apps?: { readonly appIds?: unknown; readonly priority?: unknown };
  readonly attributes?: unknown;
  readonly userFlow?: unknown;
  readonly connector?: {
    readonly auth?: unknown;
    readonly username?: unknown;
    readonly password?: unknown;
    readonly rotationKey?: unknown;
    readonly certificate?: {
      readonly pkcs12Base64?: unknown;
      readonly password?: unknown;
      readonly thumbprints?: unknown;
    };
    readonly policy?: unknown;
    readonly hosting?: { readonly kind?: unknown; readonly baseUrl?: unknown };
  };
  readonly socialProviders?: {
    readonly google?: { readonly clientId?: unknown; readonly clientSecret?: unknown };
    readonly facebook?: { readonly clientId?: unknown; readonly clientSecret?: unknown };
  };
  readonly adoptSecrets?: unknown;
}

/** zod issues → problems, worded like the stack config's (contract/configProblems.ts: did-you-mean at depth). */
function issues(prefix: string, schema: z.ZodType, input: unknown, error: z.ZodError): ArgProblem[] {
  return configIssueProblems(prefix, schema, input, error.issues).map((text) => {
    const at = text.indexOf(": ");
    return { path: text.slice(0, at), message: text.slice(at + 2) };
  });
}

/** Validates the arguments; `value` is set only when there is no problem. */
export function validateSignUpArgs(args: SignUpArgsShape): {
  problems: ArgProblem[];
  value?: ValidatedSignUp;
} {
  const problems: ArgProblem[] = [];
  for (const text of validateConnection(args.connection, "connection")) {
    const at = text.indexOf(": ");
    problems.push({ path: text.slice(0, at), message: text.slice(at + 2) });
  }
  const graphIsLoopback = isLoopbackGraph(args.connection);

  const attributesSchema = z.array(customAttributeSchema).default([]);
  const attributes = attributesSchema.safeParse(args.attributes);
  if (!attributes.success)
    problems.push(...issues("attributes", attributesSchema, args.attributes, attributes.error));
  const flow = userFlowSchema.safeParse(args.userFlow);
  if (!flow.success) problems.push(...issues("userFlow", userFlowSchema, args.userFlow, flow.error));
  // Cross-field checks run on every part that is valid on its own, so a bad flow name does not hide a
  // page field that names an undeclared attribute: every problem is reported in one pass.
  const parts = flowParts(args.userFlow);
  const declared = declaredAttributes(args.attributes);
  problems.push(...checkAttributes(declared.valid));
  problems.push(...checkPage(declared, parts.page));
  if (parts.identityProviders)
    problems.push(...checkIdentityProviders(parts.identityProviders, args.socialProviders));
  // In an external tenant the B2X auth fields are refused by the kind checks; only the host is checked here.
  const connector =
    args.tenantKind === "external" && args.connector
      ? { ...args.connector, auth: undefined, username: undefined, certificate: undefined }
      : args.connector;
  problems.push(...checkConnector(connector, graphIsLoopback));
  if (args.adoptSecrets !== undefined && args.adoptSecrets !== "trust" && args.adoptSecrets !== "write")
    problems.push({
      path: "adoptSecrets",
      message: `${JSON.stringify(args.adoptSecrets)} is not one of "trust", "write" — "trust" takes the given secrets as the ones adopted objects hold, "write" sends them once`,
    });

  let policy: Policy | undefined;
  try {
    policy = parsePolicy(args.connector?.policy ?? {});
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    for (const p of error.problems) {
      const at = p.indexOf(": ");
      const where = p.slice(0, at);
      problems.push({
        path: where === "$" ? "connector.policy" : `connector.policy.${where}`,
        message: p.slice(at + 2),
      });
    }
  }
  // A claim the connector returns is kept only for an attribute on the page: refuse policies that would
  // write or pre-fill anything else (Entra would drop it silently).
  if (policy && flow.success)
    for (const p of attributesMissingFromPage(
      args.connector?.policy,
      flow.data.page.map((f) => f.attribute),
    ))
      problems.push({ path: `connector.policy.${p.keyPath}`, message: p.message });
  if (parts.connectorSteps && args.connector?.policy !== undefined)
    problems.push(
      ...checkConnectorSteps(parts.connectorSteps, args.connector.policy as Record<string, unknown>),
    );

  const kind = checkTenantKindArgs(args, {
    userFlow: flow.success ? flow.data : undefined,
    attributes: declared.valid,
    policy,
  });
  problems.push(...kind.problems);

  if (problems.length > 0 || !attributes.success || !flow.success || !policy || !kind.tenantKind)
    return { problems };
  return {
    problems,
    value: {
      attributes: attributes.data,
      userFlow: flow.data,
      policy,
      tenantKind: kind.tenantKind,
      extension: kind.extension,
      tokenClaims: kind.tokenClaims,
    },
  };
}

/** Formats problems as one message, one line each. */
export function formatProblems(what: string, problems: readonly ArgProblem[], prefix = ""): string {
  return (
    `${what} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
    problems.map((p) => `  - ${prefix}${p.path}: ${p.message}`).join("\n")
  );
}

function checkAttributes(attributes: readonly CustomAttribute[]): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const seen = new Set<string>();
  attributes.forEach((a, i) => {
    const key = a.name.toLowerCase();
    if (seen.has(key))
      problems.push({ path: `attributes.${i}.name`, message: `'${a.name}' is declared twice — remove one` });
    seen.add(key);
    if (isBuiltInAttribute(a.name))
      problems.push({
        path: `attributes.${i}.name`,
        message: `'${a.name}' is a built-in attribute — remove it here and use it on the page directly`,
      });
  });
  return problems;
}

/** The flow's parts that are valid on their own (page fields keep their index). */
function flowParts(raw: unknown): {
  page: Array<[number, PageField]>;
  identityProviders?: UserFlow["identityProviders"];
  connectorSteps?: UserFlow["connectorSteps"];
} {
  const flow = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  const page: Array<[number, PageField]> = [];
  (Array.isArray(flow.page) ? flow.page : []).forEach((field, i) => {
    const parsed = pageFieldSchema.safeParse(field);
    if (parsed.success) page.push([i, parsed.data]);
  });
  const ids = userFlowSchema.shape.identityProviders.safeParse(flow.identityProviders);
  const steps = connectorStepsSchema.safeParse(flow.connectorSteps);
  return {
    page,
    identityProviders: ids.success ? ids.data : undefined,
    connectorSteps: steps.success ? steps.data : undefined,
  };
}

/** The custom attributes valid on their own, and the names of all declared ones (valid or not). */
function declaredAttributes(raw: unknown): { valid: CustomAttribute[]; names: Set<string> } {
  const valid: CustomAttribute[] = [];
  const names = new Set<string>();
  for (const item of Array.isArray(raw) ? raw : []) {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name === "string") names.add(name.toLowerCase());
    const parsed = customAttributeSchema.safeParse(item);
    if (parsed.success) valid.push(parsed.data);
  }
  return { valid, names };
}

function checkPage(
  declared: { valid: readonly CustomAttribute[]; names: ReadonlySet<string> },
  page: ReadonlyArray<[number, PageField]>,
): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const custom = new Map(declared.valid.map((a) => [a.name.toLowerCase(), a]));
  const seen = new Set<string>();
  page.forEach(([i, field]) => {
    const where = `userFlow.page.${i}`;
    const key = field.attribute.toLowerCase();
    const attribute = custom.get(key);
    if (!declared.names.has(key) && !isBuiltInAttribute(field.attribute))
      problems.push({
        path: `${where}.attribute`,
        message: `'${field.attribute}' is neither a built-in attribute (${BUILT_IN_ATTRIBUTES.join(", ")}) nor declared in attributes — declare it or fix the name`,
      });
    if (seen.has(key))
      problems.push({
        path: `${where}.attribute`,
        message: `'${field.attribute}' appears twice on the page — remove one`,
      });
    seen.add(key);
    if (field.requiresVerification && key !== "email")
      problems.push({
        path: `${where}.requiresVerification`,
        message: "only the email attribute can require verification — set it to false",
      });
    const choices = CHOICE_INPUT_TYPES.has(field.userInputType);
    if (choices && field.userAttributeValues.length === 0)
      problems.push({
        path: `${where}.userAttributeValues`,
        message: `a ${field.userInputType} field needs at least one option — add userAttributeValues: [{ name, value }]`,
      });
    if (!choices && field.userAttributeValues.length > 0)
      problems.push({
        path: `${where}.userAttributeValues`,
        message: `options are only shown for ${[...CHOICE_INPUT_TYPES].join(", ")} — remove them or change userInputType`,
      });
    if (!attribute) return;
    const fits = INPUT_TYPES_FOR[attribute.dataType];
    if (!fits.includes(field.userInputType))
      problems.push({
        path: `${where}.userInputType`,
        message: `'${field.userInputType}' does not fit ${attribute.dataType} attribute '${field.attribute}' — use one of ${fits.join(", ")}`,
      });
    field.userAttributeValues.forEach((option, j) => {
      if (!VALUE_FITS[attribute.dataType](option.value))
        problems.push({
          path: `${where}.userAttributeValues.${j}.value`,
          message: `'${option.value}' is not a ${attribute.dataType} value for attribute '${field.attribute}'${attribute.dataType === "boolean" ? " — use 'true' or 'false'" : " — use a whole number"}`,
        });
    });
  });
  return problems;
}

function checkIdentityProviders(
  ids: UserFlow["identityProviders"],
  social: SignUpArgsShape["socialProviders"],
): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (new Set(ids.map((i) => i.toLowerCase())).size !== ids.length)
    problems.push({
      path: "userFlow.identityProviders",
      message: "lists a provider twice — remove the duplicate",
    });
  for (const [idp, key] of [
    ["Google-OAUTH", "google"],
    ["Facebook-OAUTH", "facebook"],
  ] as const) {
    if (!ids.includes(idp)) continue;
    const cfg = social?.[key];
    if (typeof cfg?.clientId !== "string" || cfg.clientId === "")
      problems.push({
        path: `socialProviders.${key}.clientId`,
        message: `required because userFlow.identityProviders has ${idp} — give the ${key} app's client id`,
      });
    if (cfg?.clientSecret === undefined)
      problems.push({
        path: `socialProviders.${key}.clientSecret`,
        message: `required because userFlow.identityProviders has ${idp} — pass it as a secret`,
      });
  }
  return problems;
}

function checkConnector(connector: SignUpArgsShape["connector"], graphIsLoopback: boolean): ArgProblem[] {
  if (connector === undefined)
    return [{ path: "connector", message: "is required — give auth, policy and hosting" }];
  const problems: ArgProblem[] = [];
  const auth = connector.auth ?? "basic";
  if (auth !== "basic" && auth !== "certificate")
    problems.push({
      path: "connector.auth",
      message: `${JSON.stringify(auth)} is not "basic" or "certificate"`,
    });
  if (auth === "certificate") {
    const cert = connector.certificate;
    if (cert?.pkcs12Base64 === undefined)
      problems.push({
        path: "connector.certificate.pkcs12Base64",
        message: "required for certificate auth — pass the base64 PFX as a secret",
      });
    if (cert?.password === undefined)
      problems.push({
        path: "connector.certificate.password",
        message: "required for certificate auth — pass the PFX password ('' if none) as a secret",
      });
    const thumbprints = cert?.thumbprints;
    if (
      connector.hosting?.kind === "functionApp" &&
      (!Array.isArray(thumbprints) ||
        thumbprints.length === 0 ||
        thumbprints.some((t) => typeof t !== "string" || !/^[0-9A-Fa-f:\s]{40,59}$/.test(t)))
    )
      problems.push({
        path: "connector.certificate.thumbprints",
        message: `${JSON.stringify(thumbprints)} must list the SHA-1 thumbprints (40 hex) of the certificates the Function App accepts — take them from 'openssl x509 -noout -fingerprint -sha1'`,
      });
  }
  const username = connector.username ?? "entra-signup";
  if (auth === "basic" && (typeof username !== "string" || username === "" || username.includes(":")))
    problems.push({
      path: "connector.username",
      message: `${JSON.stringify(username)} is not a Basic user name — use 1–64 characters without ':'`,
    });
  const hosting = connector.hosting;
  if (hosting?.kind === "external" || hosting?.kind === "local") {
    const problem =
      typeof hosting.baseUrl === "string"
        ? endpointUrlProblem(hosting.baseUrl, graphIsLoopback)
        : `${JSON.stringify(hosting.baseUrl)} is not a URL — give the connector's base URL`;
    if (problem) problems.push({ path: "connector.hosting.baseUrl", message: problem });
  } else if (hosting?.kind !== "functionApp") {
    problems.push({
      path: "connector.hosting.kind",
      message: `${JSON.stringify(hosting?.kind)} is not "functionApp", "external" or "local"`,
    });
  }
  return problems;
}

/** Rules that only run at postAttributeCollection are dead when that step is not wired. */
function checkConnectorSteps(
  steps: UserFlow["connectorSteps"],
  policy: Record<string, unknown>,
): ArgProblem[] {
  if (steps.postAttributeCollection || typeof policy !== "object" || policy === null) return [];
  const sections = attributeCollectionSectionsIn(policy);
  if (sections.length === 0) return [];
  return [
    {
      path: "userFlow.connectorSteps.postAttributeCollection",
      message: `the connector policy has attribute rules (${sections.join(", ")}) that run only at that step — set it to true or remove those rules`,
    },
  ];
}
