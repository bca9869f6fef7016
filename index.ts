/**
 * The entra-signup Pulumi program: stack config → validated settings → SelfServiceSignUp → outputs.
 * The same program runs every environment, `npm run local` included; only the config differs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfigModule from "@pulumi/pulumi/runtime/config";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { SelfServiceSignUp, type ConnectorHosting } from "./components/selfServiceSignUp";
import { policyProblems } from "./stacks/config-check";
import { loadSettings, NAMESPACE, SettingsError, type Settings } from "./stacks/settings";

// isConfigSecret is exported by the runtime module but missing from its .d.ts.
const runtimeConfig = runtimeConfigModule as unknown as { isConfigSecret(key: string): boolean };

const config = new pulumi.Config(NAMESPACE);

function readSettings(): Settings {
  try {
    return loadSettings(
      {
        get: (key) => {
          const raw = pulumi.runtime.getConfig(`${NAMESPACE}:${key}`);
          if (raw === undefined) return undefined;
          try {
            return JSON.parse(raw) as unknown;
          } catch {
            return raw;
          }
        },
        isSecret: (key) => runtimeConfig.isConfigSecret(`${NAMESPACE}:${key}`),
        readFile: (relative) => fs.readFileSync(path.resolve(__dirname, relative), "utf8"),
        keys: () =>
          Object.keys(pulumi.runtime.allConfig())
            .filter((k) => k.startsWith(`${NAMESPACE}:`))
            .map((k) => k.slice(NAMESPACE.length + 1)),
        stack: pulumi.getStack(),
      },
      policyProblems,
    );
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
    namePrefix: `signup-${pulumi.getStack()}`,
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

const signUp = new SelfServiceSignUp("signup", {
  connection: {
    cloud: settings.tenant.cloud,
    tenantId: settings.tenant.tenantId,
    baseUrl: settings.tenant.graphBaseUrl,
    credential: settings.tenant.graphCredential,
  },
  toggle: { enabled: settings.toggle.enabled, keepOnDelete: settings.toggle.keepOnDestroy },
  attributes: settings.attributes,
  userFlow: settings.userFlow,
  connector: {
    displayName: settings.connector.displayName,
    auth: settings.connector.auth,
    username: settings.connector.username,
    password: secret("connectorPassword"),
    rotationKey: settings.connector.rotationKey,
    certificate:
      settings.connector.auth === "certificate"
        ? {
            pkcs12Base64: config.requireSecret("connectorCertificatePfx"),
            password: config.requireSecret("connectorCertificatePassword"),
            thumbprints: config.getObject<string[]>("connectorCertificateThumbprints") ?? [],
          }
        : undefined,
    policy: settings.connectorPolicy,
    hosting: hosting(settings),
  },
  apps: settings.apps,
  adoptExisting: settings.adoptExisting,
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
export const appIds = signUp.appIds;
export const portalLinks = signUp.portalLinks;
