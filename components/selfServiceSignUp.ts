/**
 * `SelfServiceSignUp`: the whole B2X self-service sign-up system for one tenant. It only wires:
 * tenant toggle → custom attributes → connector host (Function App, external URL, or local) →
 * API connectors → user flow (identity providers, attribute page in order, connector steps) →
 * app association → outputs.
 *
 * No cycle between the connector and its host: one password (`GeneratedPassword`) feeds both, the
 * connector takes the host's URL, and the host takes the attribute ids read back from Graph.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ConnectorFunctionApp, type ConnectorUrls } from "./connectorFunctionApp";
import { GeneratedPassword } from "./generatedPassword";
import {
  ApiConnector,
  AuthenticationEventsFlow,
  B2xUserFlow,
  SelfServiceSignUpPolicy,
  SocialIdentityProvider,
  UserFlowAppAssociation,
  UserFlowAttribute,
  type GraphConnection,
} from "./graph";
import type { ConnectorFunctionAppArgs } from "./hosting/args";
import { hostingNamesFor, plannedDefaultHostName } from "./hosting/names";
import { LocalConnectorSettings } from "./localConnectorSettings";
import {
  authenticationEventsSettings,
  extensionApi,
  externalSignUp,
  tokenIssuance,
} from "./signup/extensions";
import { pageAssignments } from "./signup/page";
import type { SelfServiceSignUpExtensionArgs, TokenClaimsArgs } from "./signup/externalArgs";
import { portalLinks, type PortalLinks } from "./signup/portal";
import { formatProblems, validateSignUpArgs, type ValidatedSignUp } from "./signup/validate";
import {
  AppSetting,
  encodeHostSettings,
  type HostAuth,
  type HostAuthenticationEvents,
} from "../contract/appSettings";
import {
  ATTRIBUTE_COLLECTION_EVENTS,
  EXTENSION_ROUTES,
  TOKEN_ISSUANCE_START_ROUTE,
} from "../contract/extensionRoutes";
import type { ExtensionSettings } from "../contract/extensionSettings";
import type { TokenClaims } from "../contract/tokenClaims";
import type { PolicyInput } from "../contract/policy/load";
import type { TenantKind } from "../contract/tenantKind";
import { CONNECTOR_STEPS as STEPS, type ConnectorStep } from "../contract/userFlow";
import type { CustomAttributeInput, UserFlowInput } from "../contract/userFlowSchema";

export type { ConnectorStep };

/** Where the connector code runs. */
export type ConnectorHosting =
  | ({ readonly kind: "functionApp" } & Omit<
      ConnectorFunctionAppArgs,
      "appSettings" | "connectorPassword" | "clientCertificate"
    >)
  | { readonly kind: "external"; readonly baseUrl: string }
  | { readonly kind: "local"; readonly baseUrl: string; readonly settingsFile: string };

/** The tenant toggle "Enable guest self-service sign up via user flows" (`authenticationFlowsPolicy`). */
export interface SelfServiceSignUpToggleArgs {
  /** Whether guests may sign up through user flows; flows are unusable while it is off. @default true */
  readonly enabled?: boolean;
  /** Leave the toggle as set on destroy instead of restoring the value found before. @default false */
  readonly keepOnDelete?: boolean;
}

/** The API connectors (one per wired step) and the service behind them. */
export interface SelfServiceSignUpConnectorArgs {
  /** Prefix of the connectors' display names; each gets ` <step>` appended. @default "entra-signup" */
  readonly displayName?: string;
  /**
   * The display name of the connector at a step, instead of `<displayName> <step>`: names a hand-made
   * connector to adopt (`adoptExisting` finds connectors by display name). @default {} (every step derived)
   */
  readonly stepDisplayNames?: Partial<Record<ConnectorStep, string>>;
  /**
   * How Entra authenticates to the connector: HTTP Basic, or a client certificate (PKCS#12 uploaded to
   * the connector). Learn: https://learn.microsoft.com/entra/external-id/api-connectors-overview
   * @default "basic"
   */
  readonly auth?: "basic" | "certificate";
  /** Basic user name (1–64 characters, no ':'). @default "entra-signup" */
  readonly username?: string;
  /** Basic password (secret). @default - a generated 32-byte password, rotated when rotationKey changes */
  readonly password?: pulumi.Input<string>;
  /** Any text; changing it generates a new password (and admin key). @default "1" */
  readonly rotationKey?: string;
  /**
   * Certificate auth: the PFX (base64, secret) and its password (secret, "" if none) uploaded to the
   * connector, and the SHA-1 thumbprints (40 hex) the connector host accepts. Required when
   * `auth` is "certificate"; thumbprints are required with Function App hosting.
   */
  readonly certificate?: {
    readonly pkcs12Base64: pulumi.Input<string>;
    readonly password: pulumi.Input<string>;
    readonly thumbprints: readonly string[];
  };
  /**
   * The connector policy: the rules as data (domain lists, issuers, prefill, validation, enrichment,
   * rate limit, approvals), validated here and passed to the host as `SIGNUP_POLICY`. Schema:
   * contract/policy/schema.ts; example: contract/policy/examples/seed-partner-policy.json.
   */
  readonly policy: PolicyInput;
  /** Where the connector code runs (the bundled Function App, a URL you host, or the local host). */
  readonly hosting: ConnectorHosting;
}

/** The applications that use the flow (the beta `onSignupStart` listener). */
export interface SelfServiceSignUpAppsArgs {
  /** Client ids (appId GUIDs) of existing app registrations. @default [] */
  readonly appIds?: readonly string[];
  /** Also create an app registration (with @pulumi/azuread) and associate it. @default - none */
  readonly createApp?: { readonly displayName: string; readonly redirectUris: readonly string[] };
  /** Listener priority; lower is evaluated first. @default 100 */
  readonly priority?: number;
}

/** A social identity provider registered in the tenant (Learn: "Add Google as an identity provider"). */
export interface SocialProviderArgs {
  /** The client id of the app registered with Google or Facebook. */
  readonly clientId: string;
  /** Its client secret (secret). */
  readonly clientSecret: pulumi.Input<string>;
}

/**
 * Arguments of `SelfServiceSignUp`. Plain data is validated when the component is constructed; every
 * problem is reported at once in one `ResourceError` naming the argument path and the fix.
 * Learn: https://learn.microsoft.com/entra/external-id/self-service-sign-up-overview
 */
export interface SelfServiceSignUpArgs {
  /** How the Graph resources reach Graph (cloud, tenant, optional emulator root). */
  readonly connection: GraphConnection;
  /**
   * The kind of tenant: `workforce` (tenantType AAD: B2X user flow + API connectors) or `external`
   * (tenantType CIAM, Microsoft Entra External ID: events flow + custom authentication extensions, global
   * cloud only). What has no meaning in the kind (`toggle`, `connector.auth`/`username`/`password`/
   * `rotationKey`/`certificate`, `apps.priority`, `postFederationSignup` in external; `extension` in
   * workforce) is refused. Learn: https://learn.microsoft.com/entra/external-id/tenant-configurations
   * @default "workforce"
   */
  readonly tenantKind?: TenantKind;
  /** External tenants only: how Entra calls the extensions. @default - 1000 ms, 1 retry, "betaRef" */
  readonly extension?: SelfServiceSignUpExtensionArgs;
  /**
   * Claims added to the listed apps' tokens at OnTokenIssuanceStart (both kinds; not in China).
   * @default - no token claims
   */
  readonly tokenClaims?: TokenClaimsArgs;
  /** The tenant toggle. @default - enabled, restored to its previous value on destroy */
  readonly toggle?: SelfServiceSignUpToggleArgs;
  /** Custom user attributes; `name` is the logical name the page and the connector policy use. @default [] */
  readonly attributes?: readonly CustomAttributeInput[];
  /** The B2X user flow: identity providers, the attribute page in order, the connector steps. */
  readonly userFlow: UserFlowInput;
  readonly connector: SelfServiceSignUpConnectorArgs;
  /** @default - no application association */
  readonly apps?: SelfServiceSignUpAppsArgs;
  /** Google / Facebook federation; required for each of `Google-OAUTH` / `Facebook-OAUTH` in the flow. @default {} */
  readonly socialProviders?: {
    readonly google?: SocialProviderArgs;
    readonly facebook?: SocialProviderArgs;
  };
  /**
   * Take over Graph objects that already exist with the same natural keys (a hand-made tenant) instead
   * of failing with a conflict. @default false
   */
  readonly adoptExisting?: boolean;
  /**
   * What adopting does with the secrets given here that Graph never returns (the connector's Basic
   * `password`, social providers' `clientSecret`): `"trust"` takes each as the one the adopted object
   * holds and sends nothing, naming it once in the `up` output; `"write"` sends each once (and, set after
   * an adopt with `"trust"`, sends the ones adopted then). A generated connector password is always sent.
   * See docs/crash-safety.md, "Secrets of adopted objects".
   * @default "trust"
   */
  readonly adoptSecrets?: "trust" | "write";
}

export class SelfServiceSignUp extends pulumi.ComponentResource {
  /** `B2X_1_<name>`. */
  readonly flowId: pulumi.Output<string>;
  /** Logical attribute name → `extension_<appId>_<Name>`, as Graph assigned them. */
  readonly attributeIds: pulumi.Output<Record<string, string>>;
  /** The aad-extensions-app appId without dashes (from the attribute ids); empty without custom attributes. */
  readonly extensionsAppId: pulumi.Output<string>;
  /** Workforce: the API connector of each wired step; `{}` in an external tenant. */
  readonly connectorIds: pulumi.Output<Partial<Record<ConnectorStep, string>>>;
  /** Workforce: the URL each API connector calls; `{}` in an external tenant (see extensionTargetUrls). */
  readonly connectorUrls: pulumi.Output<Partial<ConnectorUrls>>;
  /**
   * The `targetUrl` of each custom authentication extension the stack creates, by route
   * (`onAttributeCollectionStart`, `onAttributeCollectionSubmit`, `onTokenIssuanceStart`); `{}` without any.
   */
  readonly extensionTargetUrls: pulumi.Output<Record<string, string>>;
  readonly appIds: pulumi.Output<string[]>;
  /** Admin-center links for the tenant; absent for the local Graph emulator (it has no portal). */
  readonly portalLinks: PortalLinks | undefined;
  /** The Function App, when hosting.kind is functionApp. */
  readonly functionApp?: ConnectorFunctionApp;

  constructor(name: string, rawArgs: SelfServiceSignUpArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entra-signup:index:SelfServiceSignUp", name, {}, opts);
    const { problems, value: valid } = validateSignUpArgs(rawArgs);
    if (!valid) throw new pulumi.ResourceError(formatProblems(`SelfServiceSignUp "${name}"`, problems), this);
    const args = resolveArgs(rawArgs, valid);
    const connection = args.connection;
    const adoptExisting = args.adoptExisting ?? false;
    const child = { parent: this };

    const external = args.tenantKind === "external";
    // An external tenant has no B2X toggle: each events flow allows sign-up itself (isSignUpAllowed).
    const toggle = external
      ? undefined
      : new SelfServiceSignUpPolicy(
          `${name}-toggle`,
          {
            connection,
            enabled: args.toggle?.enabled ?? true,
            keepOnDelete: args.toggle?.keepOnDelete ?? false,
          },
          child,
        );
    const afterToggle = { parent: this, dependsOn: toggle ? [toggle] : [] };

    const social = this.socialProviders(name, args, afterToggle);
    const attributes = args.attributes.map(
      (a) =>
        new UserFlowAttribute(
          `${name}-attr-${a.name}`,
          {
            connection,
            displayName: a.name,
            dataType: a.dataType,
            description: a.description,
            adoptExisting,
          },
          afterToggle,
        ),
    );
    this.attributeIds = pulumi
      .all(attributes.map((a) => a.attributeId))
      .apply((ids) => Object.fromEntries(args.attributes.map((a, i) => [a.name, ids[i]!])));
    this.extensionsAppId = attributes[0]?.extensionsAppId ?? pulumi.output("");

    const password =
      !external && args.connector.auth === "basic"
        ? (args.connector.password ??
          new GeneratedPassword(
            `${name}-connector-password`,
            { rotationKey: args.connector.rotationKey },
            child,
          ).value)
        : undefined;
    // Entra calls custom authentication extensions with a token for this API (external sign-up, token claims).
    const baseUrl = this.connectorBaseUrl(name, args);
    const api =
      external || args.tokenClaims
        ? extensionApi(name, connection, baseUrl, adoptExisting, afterToggle)
        : undefined;
    const events = api ? authenticationEventsSettings(connection, args.tenantKind, api) : undefined;
    const host = this.connectorHost(name, args, password, events);
    this.functionApp = host.functionApp;
    this.connectorUrls = external ? pulumi.output({}) : host.urls;
    const eventRoutes = [
      ...(external
        ? ATTRIBUTE_COLLECTION_EVENTS.filter(
            (e) => e === "attributeCollectionStart" || args.userFlow.connectorSteps.postAttributeCollection,
          ).map((e) => EXTENSION_ROUTES[e])
        : []),
      ...(args.tokenClaims ? [TOKEN_ISSUANCE_START_ROUTE] : []),
    ];
    this.extensionTargetUrls = pulumi
      .output(baseUrl)
      .apply((base) => Object.fromEntries(eventRoutes.map((r) => [r, `${base.replace(/\/+$/, "")}/${r}`])));

    let flow: B2xUserFlow | AuthenticationEventsFlow;
    if (external) {
      this.connectorIds = pulumi.output({});
      flow = externalSignUp(
        {
          name,
          connection,
          userFlow: args.userFlow,
          attributes: args.attributes,
          attributeResources: attributes,
          extension: args.extension,
          baseUrl,
          api: api!,
          appIds: args.apps.appIds,
          adoptExisting,
          dependsOn: host.dependsOn,
          identityProviders: social,
        },
        { parent: this },
      );
      this.appIds = pulumi.output([...args.apps.appIds]);
    } else {
      const workforce = this.workforceSignUp(name, args, {
        toggle: toggle!,
        attributes,
        social,
        host,
        password,
      });
      flow = workforce.flow;
      this.connectorIds = workforce.connectorIds;
      this.appIds = this.associateApps(name, args, workforce.flow);
    }
    this.flowId = flow.flowId;
    if (args.tokenClaims) {
      tokenIssuance(
        {
          name,
          connection,
          tokenClaims: args.tokenClaims,
          baseUrl,
          api: api!,
          adoptExisting,
          dependsOn: [...host.dependsOn, flow],
        },
        { parent: this },
      );
    }
    this.portalLinks = portalLinks(connection);
    this.registerOutputs({
      flowId: this.flowId,
      attributeIds: this.attributeIds,
      extensionsAppId: this.extensionsAppId,
      connectorIds: this.connectorIds,
      connectorUrls: this.connectorUrls,
      extensionTargetUrls: this.extensionTargetUrls,
      appIds: this.appIds,
      portalLinks: this.portalLinks,
    });
  }

  /** The B2X half: one API connector per wired step, the user flow with its page and steps. */
  private workforceSignUp(
    name: string,
    args: ResolvedArgs,
    parts: {
      toggle: SelfServiceSignUpPolicy;
      attributes: UserFlowAttribute[];
      social: SocialIdentityProvider[];
      host: { urls: pulumi.Output<ConnectorUrls>; dependsOn: pulumi.Resource[] };
      password: pulumi.Input<string> | undefined;
    },
  ): { flow: B2xUserFlow; connectorIds: pulumi.Output<Partial<Record<ConnectorStep, string>>> } {
    const { connection, adoptExisting } = args;
    const { toggle, attributes, social, host, password } = parts;
    const customIds = new Map(
      args.attributes.map((a, i) => [a.name.toLowerCase(), attributes[i]!.attributeId]),
    );

    const connectors = new Map<ConnectorStep, ApiConnector>();
    for (const step of STEPS.filter((s) => args.userFlow.connectorSteps[s])) {
      connectors.set(
        step,
        new ApiConnector(
          `${name}-${step}`,
          {
            connection,
            displayName: args.connector.stepDisplayNames?.[step] ?? `${args.connector.displayName} ${step}`,
            targetUrl: host.urls[step],
            username: args.connector.auth === "basic" ? args.connector.username : undefined,
            password,
            rotationKey: args.connector.rotationKey,
            certificates: args.connector.certificate
              ? [
                  {
                    pkcs12Base64: args.connector.certificate.pkcs12Base64,
                    password: args.connector.certificate.password,
                  },
                ]
              : undefined,
            adoptExisting,
            // A password generated here cannot be the one a hand-made connector holds: always sent.
            adoptSecrets: args.connector.password === undefined ? "write" : args.adoptSecrets,
          },
          { parent: this, dependsOn: [toggle, ...host.dependsOn] },
        ),
      );
    }
    const connectorIds = pulumi
      .all([...connectors].map(([step, c]) => c.connectorId.apply((id) => [step, id] as const)))
      .apply((pairs) => Object.fromEntries(pairs));

    const flow = new B2xUserFlow(
      `${name}-flow`,
      {
        connection,
        name: args.userFlow.name,
        identityProviders: [...args.userFlow.identityProviders],
        attributes: pageAssignments(args.userFlow.page, customIds),
        apiConnectors: {
          postFederationSignup: connectors.get("postFederationSignup")?.connectorId,
          postAttributeCollection: connectors.get("postAttributeCollection")?.connectorId,
        },
        adoptExisting,
      },
      { parent: this, dependsOn: [toggle, ...attributes, ...social] },
    );
    return { flow, connectorIds };
  }

  private socialProviders(name: string, args: ResolvedArgs, opts: pulumi.CustomResourceOptions) {
    const out: SocialIdentityProvider[] = [];
    for (const type of ["google", "facebook"] as const) {
      const cfg = args.socialProviders?.[type];
      if (!cfg) continue;
      out.push(
        new SocialIdentityProvider(
          `${name}-${type}`,
          {
            connection: args.connection,
            type: type === "google" ? "Google" : "Facebook",
            clientId: cfg.clientId,
            clientSecret: cfg.clientSecret,
            adoptExisting: args.adoptExisting ?? false,
            adoptSecrets: args.adoptSecrets,
          },
          opts,
        ),
      );
    }
    return out;
  }

  /**
   * The app settings every host gets, from the one encoder the connector's decoder matches; the
   * attribute ids come back from Graph, never derived.
   */
  private hostSettings(
    args: ResolvedArgs,
    events?: pulumi.Output<HostAuthenticationEvents>,
  ): Record<string, pulumi.Input<string>> {
    const auth: HostAuth =
      args.tenantKind === "external"
        ? { mode: "none" }
        : args.connector.auth === "basic"
          ? { mode: "basic", username: args.connector.username }
          : { mode: "certificate", thumbprints: args.connector.certificate?.thumbprints ?? [] };
    const withIds = args.attributes.length > 0;
    const encode = (
      attributeIds: Record<string, string>,
      extensionsAppId?: string,
      authenticationEvents?: HostAuthenticationEvents,
    ) =>
      encodeHostSettings({
        policy: args.connector.policy,
        attributeIds,
        extensionsAppId,
        auth,
        authenticationEvents,
        tokenClaims: args.tokenClaims,
      });
    const placeholderEvents = events
      ? { tenantId: "x", audience: "x", issuers: [], keySetUri: "x" }
      : undefined;
    const settings: Record<string, pulumi.Input<string>> = encode(
      {},
      withIds ? "placeholder" : undefined,
      placeholderEvents,
    );
    // Values Graph assigns (attribute ids, the extension API's appId) are filled in when known.
    const late = pulumi
      .all([this.attributeIds, this.extensionsAppId, events ?? pulumi.output(undefined)])
      .apply(([ids, appId, ev]) => encode(ids, withIds ? appId : undefined, ev));
    const lateNames: string[] = [AppSetting.attributeIds];
    if (withIds) lateNames.push(AppSetting.extensionsAppId);
    if (events)
      lateNames.push(
        AppSetting.authEventsTenantId,
        AppSetting.authEventsAudience,
        AppSetting.authEventsIssuers,
        AppSetting.authEventsKeySetUri,
      );
    for (const key of lateNames) settings[key] = late.apply((s) => s[key]!);
    return settings;
  }

  /**
   * The base URL of the connector host's routes (`…/api`), known before the host exists: a Function App's
   * default host name follows from its name (checked against the created app), so the extension API's
   * identifier URI can name it and the host's settings can name the API — without a cycle.
   */
  private connectorBaseUrl(name: string, args: ResolvedArgs): string {
    const hosting = args.connector.hosting;
    if (hosting.kind !== "functionApp") return hosting.baseUrl.replace(/\/+$/, "");
    const names = hostingNamesFor({
      project: pulumi.getProject(),
      stack: pulumi.getStack(),
      name: `${name}-host`,
      namePrefix: hosting.namePrefix,
      nameSuffix: hosting.nameSuffix,
    });
    return `https://${plannedDefaultHostName(names.functionApp, args.connection.cloud)}/api`;
  }

  private connectorHost(
    name: string,
    args: ResolvedArgs,
    password: pulumi.Input<string> | undefined,
    events?: pulumi.Output<HostAuthenticationEvents>,
  ): {
    urls: pulumi.Output<ConnectorUrls>;
    dependsOn: pulumi.Resource[];
    functionApp?: ConnectorFunctionApp;
  } {
    const hosting = args.connector.hosting;
    const fromBase = (base: string): ConnectorUrls => ({
      postFederationSignup: `${base.replace(/\/+$/, "")}/postFederationSignup`,
      postAttributeCollection: `${base.replace(/\/+$/, "")}/postAttributeCollection`,
    });
    if (hosting.kind === "external") return { urls: pulumi.output(fromBase(hosting.baseUrl)), dependsOn: [] };
    if (hosting.kind === "local") {
      const secretSettings: Record<string, pulumi.Input<string>> = {
        [AppSetting.adminKey]: new GeneratedPassword(
          `${name}-admin-key`,
          { rotationKey: args.connector.rotationKey },
          { parent: this },
        ).value,
      };
      if (password) secretSettings[AppSetting.basicPassword] = password;
      const settings = new LocalConnectorSettings(
        `${name}-local-settings`,
        { file: hosting.settingsFile, settings: this.hostSettings(args, events), secretSettings },
        { parent: this },
      );
      return { urls: pulumi.output(fromBase(hosting.baseUrl)), dependsOn: [settings] };
    }
    const { kind: _kind, ...appArgs } = hosting;
    const app = new ConnectorFunctionApp(
      `${name}-host`,
      {
        ...appArgs,
        appSettings: this.hostSettings(args, events),
        connectorPassword: password,
        clientCertificate: args.connector.certificate
          ? { thumbprints: [...args.connector.certificate.thumbprints] }
          : undefined,
      },
      { parent: this },
    );
    if (events) {
      // The extension API's identifier URI names the planned host; a different one would fail every call
      // with 1003015 (DomainNameDoesNotMatch).
      const planned = this.connectorBaseUrl(name, args);
      app.defaultHostName.apply((actual) => {
        if (actual && `https://${actual}/api` !== planned)
          throw new pulumi.ResourceError(
            `the Function App's default host name is ${actual}, not the planned ${planned.slice(8, -4)} that the extension API's identifier URI names; set hosting.namePrefix so the names match, or report this`,
            this,
          );
      });
    }
    return { urls: app.connectorUrls, dependsOn: [app], functionApp: app };
  }

  private associateApps(name: string, args: ResolvedArgs, flow: B2xUserFlow): pulumi.Output<string[]> {
    const apps = args.apps ?? { appIds: [], priority: 100 };
    const appIds: pulumi.Input<string>[] = [...apps.appIds];
    if (apps.createApp) {
      const app = new azuread.Application(
        `${name}-app`,
        { displayName: apps.createApp.displayName, web: { redirectUris: [...apps.createApp.redirectUris] } },
        { parent: this },
      );
      appIds.push(app.clientId);
    }
    if (appIds.length === 0) return pulumi.output([]);
    const association = new UserFlowAppAssociation(
      `${name}-apps`,
      {
        connection: args.connection,
        userFlowId: flow.flowId,
        appIds,
        priority: apps.priority,
        adoptExisting: args.adoptExisting,
      },
      { parent: this },
    );
    return association.appIds;
  }
}

/** The arguments with every default applied (validated by `validateSignUpArgs`). */
interface ResolvedArgs {
  readonly connection: GraphConnection;
  readonly toggle: Required<SelfServiceSignUpToggleArgs>;
  readonly attributes: ValidatedSignUp["attributes"];
  readonly userFlow: ValidatedSignUp["userFlow"];
  readonly connector: Required<
    Omit<SelfServiceSignUpConnectorArgs, "password" | "certificate" | "stepDisplayNames">
  > &
    Pick<SelfServiceSignUpConnectorArgs, "password" | "certificate" | "stepDisplayNames">;
  readonly apps: {
    appIds: readonly string[];
    createApp?: SelfServiceSignUpAppsArgs["createApp"];
    priority: number;
  };
  readonly socialProviders: NonNullable<SelfServiceSignUpArgs["socialProviders"]>;
  readonly adoptExisting: boolean;
  readonly adoptSecrets: "trust" | "write";
  readonly tenantKind: TenantKind;
  readonly extension: ExtensionSettings;
  readonly tokenClaims?: TokenClaims;
}

function resolveArgs(args: SelfServiceSignUpArgs, valid: ValidatedSignUp): ResolvedArgs {
  return {
    connection: args.connection,
    toggle: { enabled: args.toggle?.enabled ?? true, keepOnDelete: args.toggle?.keepOnDelete ?? false },
    attributes: valid.attributes,
    userFlow: valid.userFlow,
    connector: {
      ...args.connector,
      displayName: args.connector.displayName ?? "entra-signup",
      auth: args.connector.auth ?? "basic",
      username: args.connector.username ?? "entra-signup",
      rotationKey: args.connector.rotationKey ?? "1",
    },
    apps: {
      appIds: args.apps?.appIds ?? [],
      createApp: args.apps?.createApp,
      priority: args.apps?.priority ?? 100,
    },
    socialProviders: args.socialProviders ?? {},
    adoptExisting: args.adoptExisting ?? false,
    adoptSecrets: args.adoptSecrets ?? "trust",
    tenantKind: valid.tenantKind,
    extension: valid.extension ?? {
      timeoutInMilliseconds: 1000,
      maximumRetries: 1,
      attachVariant: "betaRef",
    },
    tokenClaims: valid.tokenClaims,
  };
}
