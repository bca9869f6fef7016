/**
 * The entra-signup Pulumi program: stack config → validated settings → SelfServiceSignUp → outputs.
 * The same program runs every environment, `npm run local` included; only the config differs. It uses
 * the library entry (`src/index.ts`) exactly as another team's program would.
 */
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { SelfServiceSignUp, type ConnectorHosting } from "./src";
import { pulumiConfigSource } from "./stacks/pulumiConfig";
import { loadSettings, NAMESPACE, SettingsError, type Settings } from "./stacks/settings";

const config = new pulumi.Config(NAMESPACE);

function readSettings(): Settings {
  try {
    return loadSettings(pulumiConfigSource(__dirname));
  } catch (err) {
    if (err instanceof SettingsError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

function hosting(settings: Settings): ConnectorHosting {
  const h = settings.connector.hosting;
  if (h.kind !== "functionApp") return h;
  const packagePath = path.resolve(__dirname, h.packagePath);
  if (!fs.existsSync(packagePath)) {
    throw new pulumi.RunError(
      `${NAMESPACE}:connector.hosting.packagePath: ${packagePath} does not exist: run 'npm run build:connector' first`,
    );
  }
  return {
    kind: "functionApp",
    location: h.location,
    resourceGroupName: h.resourceGroupName,
    namePrefix: h.namePrefix,
    packagePath,
    packageSha256: crypto.createHash("sha256").update(fs.readFileSync(packagePath)).digest("hex"),
    credentialStore: h.credentialStore,
    alwaysReadyInstances: h.alwaysReadyInstances,
    maximumInstanceCount: h.maximumInstanceCount,
    instanceMemoryMB: h.instanceMemoryMB,
    alerts: h.alertEmails.length ? { actionGroupEmails: h.alertEmails } : undefined,
    tags: { "entra-signup:stack": pulumi.getStack() },
  };
}

const settings = readSettings();
const secret = (key: string) =>
  settings.secretsPresent.has(key as never) ? config.requireSecret(key) : undefined;

const external = settings.tenant.kind === "external";
const signUp = new SelfServiceSignUp("signup", {
  tenantKind: settings.tenant.kind,
  extension: settings.extension,
  tokenClaims: settings.tokenClaims,
  connection: {
    cloud: settings.tenant.cloud,
    tenantId: settings.tenant.tenantId,
    baseUrl: settings.tenant.graphBaseUrl,
    credential: settings.tenant.graphCredential,
  },
  // An external tenant has no B2X toggle, no Basic/certificate auth and no listener priority: their
  // stack defaults are not passed (the component refuses them there).
  toggle: external
    ? undefined
    : { enabled: settings.toggle.enabled, keepOnDelete: settings.toggle.keepOnDestroy },
  attributes: settings.attributes,
  userFlow: settings.userFlow,
  connector: {
    displayName: settings.connector.displayName,
    stepDisplayNames: settings.connector.stepDisplayNames,
    auth: external ? undefined : settings.connector.auth,
    username: external ? undefined : settings.connector.username,
    password: secret("connectorPassword"),
    rotationKey: external ? undefined : settings.connector.rotationKey,
    certificate:
      !external && settings.connector.auth === "certificate"
        ? {
            pkcs12Base64: config.requireSecret("connectorCertificatePfx"),
            password: config.requireSecret("connectorCertificatePassword"),
            thumbprints: config.getObject<string[]>("connectorCertificateThumbprints") ?? [],
          }
        : undefined,
    policy: settings.connectorPolicy,
    hosting: hosting(settings),
  },
  apps: external ? { appIds: settings.apps.appIds, createApp: settings.apps.createApp } : settings.apps,
  adoptExisting: settings.adoptExisting,
  adoptSecrets: settings.adoptSecrets,
  socialProviders: {
    google: settings.socialProviders.google && {
      clientId: settings.socialProviders.google.clientId,
      clientSecret: config.requireSecret("googleClientSecret"),
    },
    facebook: settings.socialProviders.facebook && {
      clientId: settings.socialProviders.facebook.clientId,
      clientSecret: config.requireSecret("facebookClientSecret"),
    },
  },
});

export const flowId = signUp.flowId;
export const attributeIds = signUp.attributeIds;
export const connectorIds = signUp.connectorIds;
export const connectorUrls = signUp.connectorUrls;
export const extensionTargetUrls = signUp.extensionTargetUrls;
export const appIds = signUp.appIds;
export const portalLinks = signUp.portalLinks;
