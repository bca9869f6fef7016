/**
 * What each Graph resource stores in state as its dynamic provider: a fixed shim of under 3 KB, not the
 * provider's code.
 *
 * The Node.js dynamic-provider host runs every operation with the module text found in the resource's
 * `__provider` property (`require-from-string`, then `handler()`), and `read` and `delete` use the text kept
 * in the outputs, which change only on create or update
 * (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/). `pulumi.dynamic.Resource`
 * serializes the provider object's closure into that property: ~50–80 KB of code per resource, twice,
 * which pinned every resource to the code of the release that last wrote it, and serializing each kind
 * (a TypeScript parse of every captured function plus inspector round trips) was the largest cost of a
 * no-op `up` after the engine's own.
 *
 * Instead this module writes the text itself. It captures three strings — the package name, the resource
 * kind and the module path of the provider registry — and at run time, in the provider process, finds the
 * installed package from the program folder upwards and asks its registry for the provider of that kind.
 * So `read` and `delete` always run the installed release's code, and the text is the same for every
 * release. The registry adds the {@link providerVersionKey} handling: a different version is an in-place
 * update, so the first `up` after a release rewrites state of every resource, including resources whose
 * state still holds code serialized by value by an older release.
 */

/** The package whose installed copy the shim loads its providers from. */
export const packageName = "entra-signup";

/** Input and output holding the release (package version) of the provider code that last wrote the state. */
export const providerVersionKey = "__providerVersion";

/**
 * The module (inside the package, without extension) that maps each kind to its provider. Every state
 * written since the shim holds this path, and `read`/`delete` run before the next `up` rewrites it: it is a
 * contract with those states. Never move it; if the providers move, leave a module here that re-exports
 * `providerFor`.
 */
export const registryModule = "components/graph/providers/registry";

/** The Graph resource kinds, as the last part of their type token `pulumi-nodejs:dynamic/entra-signup/graph:<kind>`. */
export const graphResourceKinds = [
  "SelfServiceSignUpPolicy",
  "UserFlowAttribute",
  "ApiConnector",
  "B2xUserFlow",
  "UserFlowAppAssociation",
  "SocialIdentityProvider",
  "AuthenticationEventsFlow",
  "CustomAuthenticationExtension",
  "ExtensionApiApplication",
  "TokenIssuanceStartListener",
  "ClaimsMappingPolicy",
  "MappedClaimsAcceptance",
] as const;
export type GraphResourceKind = (typeof graphResourceKinds)[number];

/**
 * The shim, as CommonJS source. Plain ES2020 so every Node.js the engine may start can load it; it uses
 * only Node built-ins through `require`, and caches the registry per process. The package root is the first
 * folder, from the provider process's working directory (the program folder) upwards, that is the package
 * itself (a checkout) or holds it in node_modules (an installation, whose compiled library is under
 * `lib/`). TypeScript sources are bundled in
 * memory with esbuild into one module (packages stay `require`s; Node's own type stripping cannot load this
 * code, and a per-file loader such as tsx takes twice as long); compiled `.js` loads as it is; a registry
 * this process already loaded (a test importing the providers) is reused.
 */
const shimSource = `exports.handler = function () {
  const where = WHERE;
  function load() {
    const key = Symbol.for(where.packageName + "/graph-provider-registry");
    if (globalThis[key]) return globalThis[key].providerFor(where.kind);
    const fs = require("node:fs");
    const path = require("node:path");
    const nodeModule = require("node:module");
    const nameOf = (dir) => {
      try {
        return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name;
      } catch {
        return undefined;
      }
    };
    let root;
    for (let dir = process.cwd(); !root; dir = path.dirname(dir)) {
      const installed = path.join(dir, "node_modules", where.packageName);
      if (nameOf(dir) === where.packageName) root = dir;
      else if (nameOf(installed) === where.packageName) root = installed;
      else if (path.dirname(dir) === dir) break;
    }
    // A checkout holds the sources; an installed package holds the compiled library under lib/.
    const bases = root ? [path.join(root, ...where.registry.split("/")), path.join(root, "lib", ...where.registry.split("/"))] : [];
    const file = bases.flatMap((base) => [base + ".js", base + ".ts"]).find((f) => fs.existsSync(f));
    if (!file) {
      throw new Error(where.packageName + ": cannot find its Graph providers (" + where.registry + ") from " +
        process.cwd() + " upwards. Run pulumi from the program folder, with " + where.packageName +
        " installed in its node_modules (or the program inside the package's own folder)");
    }
    const requireHere = nodeModule.createRequire(file);
    const loaded = requireHere.cache[fs.realpathSync(file)];
    let registry;
    if (loaded) registry = loaded.exports;
    else if (file.endsWith(".js")) registry = requireHere(file);
    else {
      const esbuild = nodeModule.createRequire(path.join(root, "package.json"))("esbuild");
      const built = esbuild.buildSync({ entryPoints: [file], bundle: true, platform: "node", format: "cjs",
        target: "node" + process.versions.node.split(".")[0], packages: "external", write: false });
      const m = new nodeModule(file);
      m.filename = file;
      m.paths = nodeModule._nodeModulePaths(path.dirname(file));
      m._compile(built.outputFiles[0].text, file);
      registry = m.exports;
    }
    globalThis[key] = registry;
    return registry.providerFor(where.kind);
  }
  return {
    check: async (olds, news) => load().check(olds, news),
    diff: async (id, olds, news) => load().diff(id, olds, news),
    create: async (inputs) => load().create(inputs),
    read: async (id, props) => load().read(id, props),
    update: async (id, olds, news) => load().update(id, olds, news),
    delete: async (id, props) => load().delete(id, props),
  };
};
`;

/** The `__provider` text stored for a resource of `kind`. Same text for every release and program. */
export function storedProviderText(kind: GraphResourceKind): string {
  const where = { packageName, kind, registry: registryModule };
  return shimSource.replace("WHERE", JSON.stringify(where));
}
