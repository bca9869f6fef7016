/**
 * `npm run build:connector`: the deployable package for Flex Consumption (One Deploy, no remote build).
 *
 * Layout (the conservative one, docs/pulumi-notes.md §D6): app code bundled by esbuild into `app.js`;
 * `@azure/functions` kept external and copied, with its dependencies, from this project's node_modules
 * (no network); `@azure/functions-core` external because the worker provides it at run time; `host.json`
 * and a `package.json` whose `main` is the bundle. `@azure/identity` (MSAL included) is bundled on its
 * own as `node_modules/@azure/identity/index.js`: the storage clients `require` it only when
 * identity-based storage is configured, so the connector's main bundle stays small and loads fast. The zip is reproducible (sorted, fixed timestamps), so
 * its SHA-256 changes only when the code does.
 */
import { build } from "esbuild";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { copyPackageTree } from "./build/copyPackages";
import { HOST_JSON } from "./build/hostJson";
import { zipFolder } from "./build/zip";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

export interface ConnectorPackage {
  readonly zipPath: string;
  readonly sha256: string;
  /** `app.js`, what the worker loads at start-up. */
  readonly bundleBytes: number;
  /** The separately bundled `@azure/identity`, loaded on first storage use with identity-based settings. */
  readonly identityBundleBytes: number;
  readonly zipBytes: number;
  readonly stagingDir: string;
}

export interface BuildOptions {
  /** @default "<repo>/dist" */
  readonly outDir?: string;
}

export async function buildConnectorPackage(options: BuildOptions = {}): Promise<ConnectorPackage> {
  const outDir = options.outDir ?? path.join(PROJECT_ROOT, "dist");
  const stagingDir = path.join(outDir, "connector");
  fs.rmSync(stagingDir, { recursive: true, force: true });
  fs.mkdirSync(stagingDir, { recursive: true });

  const bundlePath = path.join(stagingDir, "app.js");
  await build({
    entryPoints: [path.join(PROJECT_ROOT, "functions", "app.ts")],
    outfile: bundlePath,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@azure/functions-core", "@azure/functions", "@azure/identity"],
    // Whitespace and syntax only: readable identifiers keep stack traces in Application Insights useful.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: "none",
    logLevel: "warning",
  });
  const versions = copyPackageTree("@azure/functions", PROJECT_ROOT, stagingDir);
  const identityBytes = await bundleIdentity(stagingDir);
  fs.writeFileSync(path.join(stagingDir, "host.json"), `${JSON.stringify(HOST_JSON, null, 2)}\n`);
  const manifest = {
    name: "entra-signup-connector",
    version: readProjectVersion(),
    private: true,
    main: "app.js",
    engines: { node: ">=22 <23" },
    dependencies: { "@azure/functions": versions["@azure/functions"] },
  };
  fs.writeFileSync(path.join(stagingDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  const zip = zipFolder(stagingDir);
  const zipPath = path.join(outDir, "connector.zip");
  fs.writeFileSync(zipPath, zip);
  return {
    zipPath,
    sha256: createHash("sha256").update(zip).digest("hex"),
    bundleBytes: fs.statSync(bundlePath).size,
    identityBundleBytes: identityBytes,
    zipBytes: zip.byteLength,
    stagingDir,
  };
}

/** Bundles `@azure/identity` into a single-file package inside the staging `node_modules`. */
async function bundleIdentity(stagingDir: string): Promise<number> {
  const packageDir = path.join(stagingDir, "node_modules", "@azure", "identity");
  const source = require.resolve("@azure/identity/package.json", { paths: [PROJECT_ROOT] });
  const { version } = JSON.parse(fs.readFileSync(source, "utf8")) as { version: string };
  await build({
    stdin: {
      contents: 'module.exports = require("@azure/identity");',
      resolveDir: PROJECT_ROOT,
      loader: "js",
    },
    outfile: path.join(packageDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "none",
    logLevel: "error",
  });
  const manifest = { name: "@azure/identity", version, main: "index.js", private: true };
  fs.writeFileSync(path.join(packageDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return fs.statSync(path.join(packageDir, "index.js")).size;
}

function readProjectVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

if (require.main === module) {
  buildConnectorPackage()
    .then((pkg) => {
      const budget = pkg.bundleBytes <= BUNDLE_BUDGET_BYTES ? "within" : "OVER";
      console.log(
        `bundle  ${kib(pkg.bundleBytes)} app.js (${budget} the ${kib(BUNDLE_BUDGET_BYTES)} budget)`,
      );
      console.log(
        `        ${kib(pkg.identityBundleBytes)} @azure/identity (lazy, identity-based storage only)`,
      );
      console.log(`zip     ${kib(pkg.zipBytes)}  ${path.relative(process.cwd(), pkg.zipPath)}`);
      console.log(`sha256  ${pkg.sha256}`);
    })
    .catch((error: unknown) => {
      console.error(`build:connector failed: ${(error as Error).message}`);
      process.exit(1);
    });
}
