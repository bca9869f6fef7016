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
  B2xUserFlow,
  SelfServiceSignUpPolicy,
  SocialIdentityProvider,
  UserFlowAppAssociation,
  UserFlowAttribute,
  type GraphConnection,
  type UserFlowAttributeDataType,
} from "./graph";
import type { ConnectorFunctionAppArgs } from "./hosting/args";
import { LocalConnectorSettings } from "./localConnectorSettings";
import { pageAssignments, type PageField } from "./signup/page";
import { portalLinks, type PortalLinks } from "./signup/portal";

export type ConnectorStep = "postFederationSignup" | "postAttributeCollection";
const STEPS: readonly ConnectorStep[] = ["postFederationSignup", "postAttributeCollection"];

/** Where the connector code runs. */
export type ConnectorHosting =
  | ({ readonly kind: "functionApp" } & Omit<
      ConnectorFunctionAppArgs,
      "appSettings" | "connectorPassword" | "clientCertificate"
    >)
  | { readonly kind: "external"; readonly baseUrl: string }
  | { readonly kind: "local"; readonly baseUrl: string; readonly settingsFile: string };

export interface SelfServiceSignUpArgs {
  /** How the Graph resources reach Graph (cloud, tenant, optional emulator root). */
  readonly connection: GraphConnection;
  /** The tenant toggle. @default - enabled, restored to its previous value on destroy */
  readonly toggle?: { readonly enabled: boolean; readonly keepOnDelete: boolean };
  /** Custom user attributes; `name` is the logical name used by the page and the connector policy. @default [] */
  readonly attributes?: readonly { name: string; dataType: UserFlowAttributeDataType; description: string }[];
  readonly userFlow: {
    /** Flow name without `B2X_1_`. */
    readonly name: string;
    readonly identityProviders: readonly string[];
    /** The attribute collection page, top to bottom. */
    readonly page: readonly PageField[];
    readonly connectorSteps: Readonly<Record<ConnectorStep, boolean>>;
  };
  readonly connector: {
    /** Prefix of the connectors' display names (one connector per step). */
    readonly displayName: string;
    readonly auth: "basic" | "certificate";
    /** Basic user name. */
    readonly username: string;
    /** Basic password. @default - a generated 32-byte password, rotated when rotationKey changes */
    readonly password?: pulumi.Input<string>;
    readonly rotationKey: string;
    /** Certificate mode: the PFX (base64) and its password; the thumbprints the host accepts. */
    readonly certificate?: {
      pkcs12Base64: pulumi.Input<string>;
      password: pulumi.Input<string>;
      thumbprints: string[];
    };
    /** The connector policy (functions/policy), passed to the host as `SIGNUP_POLICY`. */
    readonly policy: Record<string, unknown>;
    readonly hosting: ConnectorHosting;
  };
  readonly apps?: {
    /** Client ids of existing applications. @default [] */
    readonly appIds: readonly string[];
    /** Also create an app registration (with @pulumi/azuread) and associate it. @default - none */
    readonly createApp?: { displayName: string; redirectUris: string[] };
    /** Listener priority (lower first). @default 100 */
    readonly priority: number;
  };
  readonly socialProviders?: {
    readonly google?: { clientId: string; clientSecret: pulumi.Input<string> };
    readonly facebook?: { clientId: string; clientSecret: pulumi.Input<string> };
  };
  /** Take over existing objects with the same natural keys (re-runs after a crash, hand-made tenants). @default false */
  readonly adoptExisting?: boolean;
}

export class SelfServiceSignUp extends pulumi.ComponentResource {
  /** `B2X_1_<name>`. */
  readonly flowId: pulumi.Output<string>;
  /** Logical attribute name → `extension_<appId>_<Name>`, as Graph assigned them. */
  readonly attributeIds: pulumi.Output<Record<string, string>>;
  /** The aad-extensions-app appId without dashes (from the attribute ids); empty without custom attributes. */
  readonly extensionsAppId: pulumi.Output<string>;
  readonly connectorIds: pulumi.Output<Partial<Record<ConnectorStep, string>>>;
  readonly connectorUrls: pulumi.Output<ConnectorUrls>;
  readonly appIds: pulumi.Output<string[]>;
  /** Admin-center links for the tenant; absent for the local Graph emulator (it has no portal). */
  readonly portalLinks: PortalLinks | undefined;
  /** The Function App, when hosting.kind is functionApp. */
  readonly functionApp?: ConnectorFunctionApp;

  constructor(name: string, args: SelfServiceSignUpArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entra-signup:index:SelfServiceSignUp", name, {}, opts);
    const connection = args.connection;
    const adoptExisting = args.adoptExisting ?? false;
    const child = { parent: this };

    const toggle = new SelfServiceSignUpPolicy(
      `${name}-toggle`,
      { connection, enabled: args.toggle?.enabled ?? true, keepOnDelete: args.toggle?.keepOnDelete ?? false },
      child,
    );
    const afterToggle = { parent: this, dependsOn: [toggle] };

    const social = this.socialProviders(name, args, afterToggle);
    const attributes = (args.attributes ?? []).map(
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
    const customIds = new Map(
      (args.attributes ?? []).map((a, i) => [a.name.toLowerCase(), attributes[i]!.attributeId]),
    );
    this.attributeIds = pulumi
      .all(attributes.map((a) => a.attributeId))
      .apply((ids) => Object.fromEntries((args.attributes ?? []).map((a, i) => [a.name, ids[i]!])));
    this.extensionsAppId = attributes[0]?.extensionsAppId ?? pulumi.output("");

    const password =
      args.connector.auth === "basic"
        ? (args.connector.password ??
          new GeneratedPassword(
            `${name}-connector-password`,
            { rotationKey: args.connector.rotationKey },
            child,
          ).value)
        : undefined;
    const host = this.connectorHost(name, args, password);
    this.functionApp = host.functionApp;
    this.connectorUrls = host.urls;

    const connectors = new Map<ConnectorStep, ApiConnector>();
    for (const step of STEPS.filter((s) => args.userFlow.connectorSteps[s])) {
      connectors.set(
        step,
        new ApiConnector(
          `${name}-${step}`,
          {
            connection,
            displayName: `${args.connector.displayName} ${step}`,
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
          },
          { parent: this, dependsOn: [toggle, ...host.dependsOn] },
        ),
      );
    }
    this.connectorIds = pulumi
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
    this.flowId = flow.flowId;

    this.appIds = this.associateApps(name, args, flow);
    this.portalLinks = portalLinks(connection);
    this.registerOutputs({
      flowId: this.flowId,
      attributeIds: this.attributeIds,
      extensionsAppId: this.extensionsAppId,
      connectorIds: this.connectorIds,
      connectorUrls: this.connectorUrls,
      appIds: this.appIds,
      portalLinks: this.portalLinks,
    });
  }

  private socialProviders(name: string, args: SelfServiceSignUpArgs, opts: pulumi.CustomResourceOptions) {
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
          },
          opts,
        ),
      );
    }
    return out;
  }

  /** The app settings every host gets; the attribute ids come back from Graph, never derived. */
  private hostSettings(args: SelfServiceSignUpArgs): Record<string, pulumi.Input<string>> {
    const settings: Record<string, pulumi.Input<string>> = {
      SIGNUP_POLICY: JSON.stringify(args.connector.policy),
      SIGNUP_ATTRIBUTE_IDS: this.attributeIds.apply((ids) => JSON.stringify(ids)),
      CONNECTOR_AUTH_MODE: args.connector.auth,
    };
    if ((args.attributes ?? []).length > 0) settings.SIGNUP_EXTENSIONS_APP_ID = this.extensionsAppId;
    if (args.connector.auth === "basic") settings.CONNECTOR_BASIC_USERNAME = args.connector.username;
    if (args.connector.certificate)
      settings.CONNECTOR_CERT_THUMBPRINTS = args.connector.certificate.thumbprints.join(",");
    return settings;
  }

  private connectorHost(
    name: string,
    args: SelfServiceSignUpArgs,
    password: pulumi.Input<string> | undefined,
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
        SIGNUP_ADMIN_KEY: new GeneratedPassword(
          `${name}-admin-key`,
          { rotationKey: args.connector.rotationKey },
          { parent: this },
        ).value,
      };
      if (password) secretSettings.CONNECTOR_BASIC_PASSWORD = password;
      const settings = new LocalConnectorSettings(
        `${name}-local-settings`,
        { file: hosting.settingsFile, settings: this.hostSettings(args), secretSettings },
        { parent: this },
      );
      return { urls: pulumi.output(fromBase(hosting.baseUrl)), dependsOn: [settings] };
    }
    const { kind: _kind, ...appArgs } = hosting;
    const app = new ConnectorFunctionApp(
      `${name}-host`,
      {
        ...appArgs,
        appSettings: this.hostSettings(args),
        connectorPassword: password,
        clientCertificate: args.connector.certificate
          ? { thumbprints: args.connector.certificate.thumbprints }
          : undefined,
      },
      { parent: this },
    );
    return { urls: app.connectorUrls, dependsOn: [app], functionApp: app };
  }

  private associateApps(
    name: string,
    args: SelfServiceSignUpArgs,
    flow: B2xUserFlow,
  ): pulumi.Output<string[]> {
    const apps = args.apps ?? { appIds: [], priority: 100 };
    const appIds: pulumi.Input<string>[] = [...apps.appIds];
    if (apps.createApp) {
      const app = new azuread.Application(
        `${name}-app`,
        { displayName: apps.createApp.displayName, web: { redirectUris: apps.createApp.redirectUris } },
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
