/**
 * `LocalConnectorSettings`: the local stand-in for the Function App's app settings. `npm run local`
 * hosts the connector on this machine; `pulumi up` writes its settings file (which the local connector
 * host reloads), exactly where the Azure stack would update app settings. Secret settings arrive as a
 * secret input and are never returned as outputs: state keeps only their hash.
 */
import * as pulumi from "@pulumi/pulumi";

export interface LocalConnectorSettingsArgs {
  /** Absolute path of the JSON settings file the local connector host reads. */
  readonly file: pulumi.Input<string>;
  /** Plain app settings (policy JSON, attribute ids, auth mode, user name). */
  readonly settings: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Secret app settings (connector password, admin key); written to the file, hashed in state. */
  readonly secretSettings: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface Inputs {
  file: string;
  settings: Record<string, string>;
  secretSettings: Record<string, string>;
}
interface Outputs {
  file: string;
  settings: Record<string, string>;
  secretSettingsHash: string;
  secretSettingNames: string[];
}

/** sha256 over the sorted secret settings; lets diff see a rotation without keeping the secret. */
async function hashSecrets(secrets: Record<string, string>): Promise<string> {
  const { createHash } = await import("node:crypto");
  const sorted = Object.keys(secrets)
    .sort()
    .map((k) => [k, secrets[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}

async function writeSettings(inputs: Inputs): Promise<Outputs> {
  const fs = await import("node:fs");
  const path = await import("node:path");
  fs.mkdirSync(path.dirname(inputs.file), { recursive: true });
  const tmp = `${inputs.file}.${process.pid}.tmp`;
  // Written whole and renamed, so the watching host never reads half a file; 0600 as it holds secrets.
  fs.writeFileSync(tmp, JSON.stringify({ ...inputs.settings, ...inputs.secretSettings }, null, 2), {
    mode: 0o600,
  });
  fs.renameSync(tmp, inputs.file);
  return {
    file: inputs.file,
    settings: inputs.settings,
    secretSettingsHash: await hashSecrets(inputs.secretSettings),
    secretSettingNames: Object.keys(inputs.secretSettings).sort(),
  };
}

export const localConnectorSettingsProvider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
  async check(_olds, news) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (typeof news.file !== "string" || !news.file.startsWith("/")) {
      failures.push({ property: "file", reason: "must be an absolute path" });
    }
    return { inputs: news, failures };
  },
  async diff(_id, olds, news) {
    const changed =
      olds.file !== news.file ||
      JSON.stringify(olds.settings) !== JSON.stringify(news.settings) ||
      olds.secretSettingsHash !== (await hashSecrets(news.secretSettings ?? {}));
    return { changes: changed, replaces: olds.file !== news.file ? ["file"] : [], deleteBeforeReplace: true };
  },
  async create(inputs) {
    return { id: inputs.file, outs: await writeSettings(inputs) };
  },
  async update(_id, _olds, news) {
    return { outs: await writeSettings(news) };
  },
  async read(id, props) {
    const fs = await import("node:fs");
    if (!props || !fs.existsSync(props.file))
      return { id, props: { ...props!, settings: {}, secretSettingsHash: "" } };
    const onDisk = JSON.parse(fs.readFileSync(props.file, "utf8")) as Record<string, string>;
    const settings = Object.fromEntries(
      Object.entries(onDisk).filter(([k]) => !props.secretSettingNames.includes(k)),
    );
    const secrets = Object.fromEntries(
      Object.entries(onDisk).filter(([k]) => props.secretSettingNames.includes(k)),
    );
    return { id, props: { ...props, settings, secretSettingsHash: await hashSecrets(secrets) } };
  },
  async delete(_id, props) {
    const fs = await import("node:fs");
    fs.rmSync(props.file, { force: true });
  },
};

export class LocalConnectorSettings extends pulumi.dynamic.Resource {
  declare readonly file: pulumi.Output<string>;
  declare readonly settings: pulumi.Output<Record<string, string>>;
  declare readonly secretSettingsHash: pulumi.Output<string>;

  constructor(name: string, args: LocalConnectorSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      localConnectorSettingsProvider,
      name,
      {
        secretSettingsHash: undefined,
        secretSettingNames: undefined,
        ...args,
        secretSettings: pulumi.secret(args.secretSettings),
      },
      opts,
      "entra-signup/local",
      "ConnectorSettings",
    );
  }
}
