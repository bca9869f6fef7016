/**
 * `FlexOneDeploy`: publishes the connector zip to a Flex Consumption Function App with One Deploy.
 *
 * Why a dynamic resource: Flex runs the package only when it is published through One Deploy (uploading a
 * blob is not enough, docs/pulumi-notes.md §D3); the ARM `onedeploy` extension needs a SAS URL, which
 * contradicts `allowSharedKeyAccess: false`. So, like `az functionapp deployment source config-zip`, we POST
 * the zip to `https://<scm>/api/publish?RemoteBuild=false` with an Entra token and poll
 * `/api/deployments/latest` (status 4 = success, 3 = failed).
 *
 * Provider rules (docs/pulumi-notes.md §A3): no captured client or credential, `@azure/identity`
 * and `node:fs` are imported inside the methods, every helper is a small pure function captured by value.
 */
import * as pulumi from "@pulumi/pulumi";
import { PREVIEW_UNKNOWN } from "../../contract/preview";
import { isLoopbackUrl } from "../../contract/url";

export interface FlexOneDeployArgs {
  /**
   * SCM (Kudu) host name of the Function App, e.g. `myapp.scm.azurewebsites.net` (take it from the app's
   * `enabledHostNames`; apps with unique default host names have a regional form).
   * @default - required unless `scmBaseUrl` is given
   */
  readonly scmHostName?: pulumi.Input<string>;
  /**
   * Full base URL of the SCM endpoint, overriding `scmHostName` (tests point it at a loopback fake).
   * @default - `https://<scmHostName>`
   */
  readonly scmBaseUrl?: pulumi.Input<string>;
  /**
   * Path of the zip to publish; it is read at deployment time, never at program construction.
   * @default - required, no default
   */
  readonly packagePath: pulumi.Input<string>;
  /**
   * Lower-case hex SHA-256 of the zip. A change redeploys; the file is checked against it before upload.
   * @default - required, no default
   */
  readonly packageSha256: pulumi.Input<string>;
  /**
   * Token scope for the SCM endpoint, which accepts Azure Resource Manager tokens. Set it for sovereign
   * clouds, e.g. `https://management.usgovcloudapi.net/.default`.
   * @default "https://management.azure.com/.default"
   */
  readonly armScope?: pulumi.Input<string>;
  /**
   * How long to wait for the deployment to finish, in seconds.
   * @default 600
   */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /**
   * Pause between status polls in milliseconds.
   * @default 3000
   */
  readonly pollIntervalMs?: pulumi.Input<number>;
  /**
   * `"default"` = `DefaultAzureCredential`; `"none"` sends no token and is accepted only for a loopback
   * `scmBaseUrl` (tests against a fake SCM server).
   * @default "default"
   */
  readonly credential?: pulumi.Input<"default" | "none">;
}

export interface OneDeployInputs {
  scmHostName?: string;
  scmBaseUrl?: string;
  packagePath: string;
  packageSha256: string;
  armScope?: string;
  timeoutSeconds?: number;
  pollIntervalMs?: number;
  credential?: "default" | "none";
}

interface DeploymentStatus {
  id?: string;
  status?: number;
  status_text?: string;
  log_url?: string;
  complete?: boolean;
}

const unknownSentinel = PREVIEW_UNKNOWN;

/** The SCM base URL for the inputs (no trailing slash). */
export function scmBase(inputs: Pick<OneDeployInputs, "scmBaseUrl" | "scmHostName">): string {
  const base = inputs.scmBaseUrl ?? `https://${inputs.scmHostName}`;
  return base.replace(/\/+$/, "");
}

/** Input problems, skipping preview-time unknowns; exported for tests. */
export function checkOneDeployInputs(news: Record<string, unknown>): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  const known = (v: unknown) => v !== undefined && v !== unknownSentinel;
  if (news.scmHostName === undefined && news.scmBaseUrl === undefined) {
    failures.push({ property: "scmHostName", reason: "scmHostName or scmBaseUrl is required" });
  }
  if (known(news.packageSha256) && !/^[0-9a-f]{64}$/.test(String(news.packageSha256))) {
    failures.push({ property: "packageSha256", reason: "expected 64 lowercase hex characters" });
  }
  if (known(news.packagePath) && typeof news.packagePath !== "string") {
    failures.push({ property: "packagePath", reason: "expected a file path" });
  }
  const base = typeof news.scmBaseUrl === "string" && known(news.scmBaseUrl) ? news.scmBaseUrl : undefined;
  if (base !== undefined && !base.startsWith("https://") && !isLoopbackUrl(base)) {
    failures.push({ property: "scmBaseUrl", reason: "must be https:// (plain http only for loopback)" });
  }
  if (news.credential === "none" && base !== undefined && !isLoopbackUrl(base)) {
    failures.push({ property: "credential", reason: '"none" is only allowed with a loopback scmBaseUrl' });
  }
  return failures;
}

async function authHeaders(inputs: OneDeployInputs): Promise<Record<string, string>> {
  if (inputs.credential === "none") return {};
  const { DefaultAzureCredential } = await import("@azure/identity");
  const scope = inputs.armScope ?? "https://management.azure.com/.default";
  const token = await new DefaultAzureCredential().getToken(scope);
  if (!token) throw new Error(`FlexOneDeploy: no Azure token for ${scope}; run 'az login' or configure OIDC`);
  return { authorization: `Bearer ${token.token}` };
}

async function readCheckedPackage(inputs: OneDeployInputs): Promise<Buffer> {
  const fs = await import("node:fs/promises");
  const { createHash } = await import("node:crypto");
  const zip = await fs.readFile(inputs.packagePath).catch((e: Error) => {
    throw new Error(
      `FlexOneDeploy: cannot read ${inputs.packagePath} (${e.message}); run 'npm run build:connector'`,
    );
  });
  const actual = createHash("sha256").update(zip).digest("hex");
  if (actual !== inputs.packageSha256) {
    throw new Error(
      `FlexOneDeploy: ${inputs.packagePath} has SHA-256 ${actual}, but packageSha256 is ${inputs.packageSha256}; ` +
        "rebuild with 'npm run build:connector' and pass the hash it prints",
    );
  }
  return zip;
}

/** Uploads and waits; returns the finished deployment's id. */
async function publish(inputs: OneDeployInputs): Promise<string> {
  const zip = await readCheckedPackage(inputs);
  const base = scmBase(inputs);
  const headers = await authHeaders(inputs);
  const started = Date.now();
  const res = await fetch(`${base}/api/publish?RemoteBuild=false&Deployer=entra-signup`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/zip" },
    body: zip,
  });
  if (res.status !== 200 && res.status !== 202) {
    const text = (await res.text()).slice(0, 500);
    throw new Error(`FlexOneDeploy: POST ${base}/api/publish answered HTTP ${res.status}: ${text}`);
  }
  return pollDeployment(inputs, base, headers, started);
}

async function pollDeployment(
  inputs: OneDeployInputs,
  base: string,
  headers: Record<string, string>,
  started: number,
): Promise<string> {
  const deadline = started + (inputs.timeoutSeconds ?? 600) * 1000;
  const interval = inputs.pollIntervalMs ?? 3000;
  let last: DeploymentStatus = {};
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/api/deployments/latest`, { headers });
    // 404 just after the POST means the deployment record does not exist yet.
    if (res.ok) {
      last = (await res.json()) as DeploymentStatus;
      if (last.status === 4) return last.id ?? "latest";
      if (last.status === 3) {
        const log = last.log_url ?? `${base}/api/deployments/${last.id ?? "latest"}/log`;
        throw new Error(
          `FlexOneDeploy: deployment ${last.id ?? "latest"} failed (${last.status_text ?? "no status text"}); ` +
            `read the log at ${log} (or in the portal: Function App → Deployment Center → Logs)`,
        );
      }
    } else if (res.status !== 404) {
      throw new Error(`FlexOneDeploy: GET ${base}/api/deployments/latest answered HTTP ${res.status}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  throw new Error(
    `FlexOneDeploy: deployment did not finish within ${inputs.timeoutSeconds ?? 600} s ` +
      `(last status ${last.status ?? "none"} ${last.status_text ?? ""}); check ${base}/api/deployments/latest ` +
      "and run 'pulumi up' again (the upload is idempotent)",
  );
}

export const flexOneDeployProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news, failures: checkOneDeployInputs(news) };
  },

  // Only the package and the target matter; timeouts and credentials are how, not what.
  async diff(_id, olds: OneDeployInputs, news: OneDeployInputs) {
    const changed = (["packageSha256", "scmHostName", "scmBaseUrl"] as const).filter(
      (k) => olds[k] !== news[k],
    );
    return { changes: changed.length > 0, replaces: [] };
  },

  async create(inputs: OneDeployInputs) {
    const deploymentId = await publish(inputs);
    return { id: `${scmBase(inputs)}#${inputs.packageSha256}`, outs: { ...inputs, deploymentId } };
  },

  async update(_id, _olds, news: OneDeployInputs) {
    const deploymentId = await publish(news);
    return { outs: { ...news, deploymentId } };
  },

  // No-op on purpose: One Deploy has no "undeploy". The package dies with the Function App (deleted by its
  // own resource); removing only this resource must not take a running connector down.
  async delete() {},
};

/**
 * Publishes `packagePath` to a Flex Consumption app when `packageSha256` (or the target) changes.
 * Type token: `pulumi-nodejs:dynamic/entra-signup/hosting:FlexOneDeploy`.
 */
export class FlexOneDeploy extends pulumi.dynamic.Resource {
  /** The id of the last successful Kudu deployment. */
  declare readonly deploymentId: pulumi.Output<string>;
  declare readonly packageSha256: pulumi.Output<string>;

  constructor(name: string, args: FlexOneDeployArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      flexOneDeployProvider,
      name,
      { ...args, deploymentId: undefined },
      opts,
      "entra-signup/hosting",
      "FlexOneDeploy",
    );
  }
}
