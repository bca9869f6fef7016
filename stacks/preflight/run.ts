/**
 * Runs every preflight check for one stack: reads the tenant (GET only, nothing is written and nothing
 * is added to the stack's state) and the machine, and returns what is wrong in the order a deployment
 * would hit it. The checks themselves are pure functions in their own files.
 */
import { graphApi, type GraphApi } from "../../components/graph/client";
import type { GraphConnection } from "../../components/graph/connection";
import { isGraphRequestError } from "../../components/graph/errors";
import type { Settings } from "../settings";
import { NAMESPACE } from "../settings";
import { checkAppIds } from "./apps";
import { checkAzureNames } from "./azure-names";
import { checkExisting, type FoundObject, type TenantObjects } from "./existing";
import { fail, type Finding } from "./finding";
import { checkPermissions, requiredPermissions, type Operation } from "./permissions";
import { checkPlugins, pluginsNeeded, type InstalledPlugin } from "./plugins";
import { checkSignUp, isPermissionDenied, type Answer } from "./sign-up";
import { checkTenantKind } from "./tenant-kind";
import { acquireToken, decodeClaims, type TokenClaims } from "./token";

export interface PreflightInput {
  readonly settings: Settings;
  readonly stack: string;
  /** `preview` accepts read-only Graph permissions; `up` needs the write ones. @default "up" */
  readonly operation?: Operation;
  /** Ids of the Graph objects the stack's state already holds (ours, not conflicts); undefined: state unreadable. */
  readonly managedIds: ReadonlySet<string> | undefined;
  /** package.json `dependencies`, for the pinned plugin versions. */
  readonly dependencies: Readonly<Record<string, string>>;
  /** Installed Pulumi plugins (`pulumi plugin ls`). */
  readonly listPlugins: () => Promise<readonly InstalledPlugin[]>;
}

export function connectionFor(settings: Settings): GraphConnection {
  return {
    cloud: settings.tenant.cloud,
    tenantId: settings.tenant.tenantId,
    baseUrl: settings.tenant.graphBaseUrl,
    credential: settings.tenant.graphCredential,
  };
}

async function answer<T>(read: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    if (isGraphRequestError(err)) {
      return { ok: false, status: err.status, code: err.code, message: err.message };
    }
    return { ok: false, message: (err as Error).message };
  }
}

/** The credential check: a token for the configured tenant. */
async function credential(settings: Settings): Promise<{ claims?: TokenClaims; findings: Finding[] }> {
  const tenantId = settings.tenant.tenantId;
  try {
    const claims = decodeClaims(await acquireToken(connectionFor(settings)));
    if (claims.tid && claims.tid.toLowerCase() !== tenantId.toLowerCase()) {
      return {
        findings: [
          fail(
            "credential",
            `the credential signs in to tenant ${claims.tid}, not the configured tenant ${tenantId}`,
            "sign in to the right tenant (az login --tenant <id>, or AZURE_TENANT_ID for a service principal), or fix tenant.tenantId",
            `${NAMESPACE}:tenant.tenantId`,
          ),
        ],
      };
    }
    return { claims, findings: [] };
  } catch (err) {
    return {
      findings: [
        fail(
          "credential",
          `no Microsoft Graph token for tenant ${tenantId}: ${(err as Error).message.split("\n")[0]}`,
          settings.tenant.graphCredential === "emulator"
            ? "start the Graph emulator (npm run local or npm run graph-emulator) and check tenant.graphBaseUrl"
            : "run 'az login --tenant <id>' (people) or set AZURE_CLIENT_ID/AZURE_TENANT_ID with OIDC or a certificate (CI); see docs/deploy.md",
          `${NAMESPACE}:tenant`,
        ),
      ],
    };
  }
}

/** Reads the tenant facts and runs the Graph-side checks (after the tenant kind is known to be right). */
async function tenantChecks(api: GraphApi, input: PreflightInput): Promise<Finding[]> {
  const { settings } = input;
  const findings: Finding[] = [];
  const toggle = await answer(async () => {
    const policy = await api.get<{ selfServiceSignUp?: { isEnabled?: boolean } }>(
      "/policies/authenticationFlowsPolicy",
    );
    return policy.selfServiceSignUp?.isEnabled === true;
  });
  const flows = await answer(() => api.list<FoundObject>("/identity/b2xUserFlows?$select=id"));
  const signUp = checkSignUp(settings, { toggle, userFlows: flows });
  findings.push(...signUp);
  if (signUp.some((f) => f.level === "fail" && f.key === `${NAMESPACE}:tenant`)) return findings;

  findings.push(...(await appChecks(api, settings)));

  const attributes = await answer(() =>
    api.list<FoundObject>("/identity/userFlowAttributes?$filter=userFlowAttributeType eq 'custom'"),
  );
  const connectors = await answer(() => api.list<FoundObject>("/identity/apiConnectors"));
  const lists = [attributes, connectors, flows];
  const failed = lists.find((a) => !a.ok && !isPermissionDenied(a));
  if (failed && !failed.ok) {
    findings.push(
      fail(
        "existing objects",
        `cannot list the tenant's objects: ${failed.message}`,
        "retry; check the Graph answer",
      ),
    );
  }
  const objects: TenantObjects = {
    attributes: attributes.ok ? attributes.value : [],
    apiConnectors: connectors.ok ? connectors.value : [],
    userFlows: flows.ok ? flows.value : [],
  };
  findings.push(...checkExisting(settings, objects, input.managedIds));
  return findings;
}

/** `apps.appIds` that are no app registration in the tenant. */
async function appChecks(api: GraphApi, settings: Settings): Promise<Finding[]> {
  if (settings.apps.appIds.length === 0) return [];
  const findings: Finding[] = [];
  const found = new Set<string>();
  for (const appId of settings.apps.appIds) {
    const apps = await answer(() =>
      api.list<{ appId: string }>(`/applications?$filter=appId eq '${appId}'&$select=appId`),
    );
    if (apps.ok) apps.value.forEach((a) => found.add(a.appId));
    else if (!isPermissionDenied(apps)) {
      findings.push(
        fail("apps", `cannot look up app ${appId}: ${apps.message}`, "retry; check the Graph answer above"),
      );
      found.add(appId);
    } else found.add(appId); // the permissions check names the missing Application.Read.All
  }
  findings.push(...checkAppIds(settings.apps.appIds, found));
  return findings;
}

/**
 * The external tenant's checks: no B2X surface is read there (the toggle, B2X flows and API connectors do
 * not exist); the apps, and the custom attributes when the config declares some.
 */
async function externalTenantChecks(api: GraphApi, input: PreflightInput): Promise<Finding[]> {
  const { settings } = input;
  const findings = await appChecks(api, settings);
  if (settings.attributes.length === 0) return findings;
  const attributes = await answer(() =>
    api.list<FoundObject>("/identity/userFlowAttributes?$filter=userFlowAttributeType eq 'custom'"),
  );
  if (!attributes.ok && !isPermissionDenied(attributes)) {
    findings.push(
      fail(
        "existing objects",
        `cannot list the tenant's custom attributes: ${attributes.message}`,
        "retry; check the Graph answer",
      ),
    );
    return findings;
  }
  const objects: TenantObjects = {
    attributes: attributes.ok ? attributes.value : [],
    apiConnectors: [],
    userFlows: [],
  };
  findings.push(...checkExisting(settings, objects, input.managedIds));
  return findings;
}

/** Every check; a failure in one does not hide the others unless they cannot run without it. */
export async function runPreflight(input: PreflightInput): Promise<Finding[]> {
  const { settings } = input;
  const findings: Finding[] = [];
  const cred = await credential(settings);
  findings.push(...cred.findings);
  if (cred.claims) {
    findings.push(...checkPermissions(cred.claims, requiredPermissions(settings, input.operation ?? "up")));
    const api = graphApi(connectionFor(settings));
    const org = await answer(() =>
      api.get<{ value?: Array<{ tenantType?: string }> }>("/organization?$select=id,tenantType"),
    );
    const tenantType = org.ok ? (org.value.value?.[0]?.tenantType ?? undefined) : undefined;
    const kind = checkTenantKind(
      settings.tenant.tenantId,
      tenantType,
      org.ok ? undefined : org.message,
      settings.tenant.kind,
    );
    findings.push(...kind);
    if (kind.length === 0)
      findings.push(
        ...(await (settings.tenant.kind === "external"
          ? externalTenantChecks(api, input)
          : tenantChecks(api, input))),
      );
  }
  try {
    findings.push(...checkPlugins(await input.listPlugins(), pluginsNeeded(settings, input.dependencies)));
  } catch (err) {
    const needs = pluginsNeeded(settings, input.dependencies);
    if (needs.length > 0) {
      findings.push(
        fail(
          "plugins",
          `cannot list the installed Pulumi plugins: ${(err as Error).message}`,
          "check that 'npm run pulumi -- plugin ls' works",
        ),
      );
    }
  }
  findings.push(...checkAzureNames(settings, input.stack));
  return findings;
}
