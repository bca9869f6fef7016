/**
 * What each Graph resource stores in state as its dynamic provider: a thin shim, not the provider's code.
 *
 * Pulumi serializes the object given to `pulumi.dynamic.Resource` into the resource's inputs and outputs
 * (`__provider`) and runs `read` and `delete` with the text stored in the outputs, which change only on
 * create or update (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/). Serializing the
 * real provider by value stored ~50–80 KB of code per resource, twice, and pinned every resource to the code
 * of the release that last created or updated it.
 *
 * The shim captures only strings: the package name, the provider's module path inside the package and its
 * export name. At run time, in the provider process, it finds the installed package from the program folder
 * upwards and loads the provider from there, so `read` and `delete` always run the installed release's code.
 * Its inputs carry {@link providerVersionKey}; the shim's `diff` reports a different version as an in-place
 * update, so the first `up` after a release rewrites the stored shim (and outputs) of every resource,
 * including resources whose state still holds code serialized by an older release.
 *
 * Everything the methods use is defined inside {@link storedProvider}: a reference to a module-level import
 * would make the serializer capture that module by value (it captures only `require`, strings and the
 * functions below). This file therefore has no runtime imports.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- `require` is the one name the serializer leaves free */
import type * as pulumi from "@pulumi/pulumi";

/** Input and output holding the release of the provider code that last wrote the resource's state. */
export const providerVersionKey = "__providerVersion";

/** Where a provider lives inside the package, e.g. `components/graph/providers/attribute` + its export. */
export interface ProviderLocation {
  /** Module path inside the package, without extension, `/`-separated. */
  readonly module: string;
  /** Name of the exported `pulumi.dynamic.ResourceProvider`. */
  readonly exportName: string;
}

/** The package whose installed copy the shim loads its provider from. */
export const packageName = "entra-signup";

type Provider = pulumi.dynamic.ResourceProvider;
type Props = Record<string, unknown>;

/**
 * The serialized form of a Graph provider: loads `location` from the installed package at run time and adds
 * the version handling described in the module comment. Serializes to well under 10 KB.
 */
export function storedProvider(location: ProviderLocation): Provider {
  const where = { packageName, module: location.module, exportName: location.exportName };
  const versionKey = providerVersionKey;

  /**
   * The provider from the installed package. The package root is the first folder, from the program folder
   * (the provider process's working directory) upwards, that is the package itself (a checkout) or holds
   * it in node_modules (an installation). TypeScript sources load through tsx (a namespaced loader that
   * leaves the process's own `require` alone); compiled `.js` loads as it is. Loaded once per process.
   */
  const load = (): Provider => {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    const nodeModule = require("node:module") as typeof import("node:module");
    const cacheKey = Symbol.for(`${where.packageName}/graph-providers`);
    const g = globalThis as unknown as Record<symbol, Map<string, Provider> | undefined>;
    const cache = (g[cacheKey] ??= new Map<string, Provider>());
    const id = `${where.module}#${where.exportName}`;
    const cached = cache.get(id);
    if (cached) return cached;

    const nameOf = (dir: string): string | undefined => {
      try {
        return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string })
          .name;
      } catch {
        return undefined;
      }
    };
    let root: string | undefined;
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
      if (nameOf(dir) === where.packageName) root = dir;
      else if (nameOf(path.join(dir, "node_modules", where.packageName)) === where.packageName)
        root = path.join(dir, "node_modules", where.packageName);
      if (root || path.dirname(dir) === dir) break;
    }
    const base = root && path.join(root, ...where.module.split("/"));
    const file = base && [".js", ".cjs", ".ts"].map((ext) => base + ext).find((f) => fs.existsSync(f));
    if (!root || !file) {
      throw new Error(
        `${where.packageName}: cannot find the provider code ${where.module} from ${process.cwd()} upwards. ` +
          `Run pulumi from the program folder, with ${where.packageName} installed in its node_modules ` +
          "(or the program inside the package's own folder)",
      );
    }
    const requireHere = nodeModule.createRequire(file);
    // Already loaded by this process (a test importing the providers): the same module instance.
    const loaded = requireHere.cache[fs.realpathSync(file)]?.exports as Record<string, unknown> | undefined;
    let mod: Record<string, unknown>;
    if (loaded) {
      mod = loaded;
    } else if (!file.endsWith(".ts")) {
      mod = requireHere(file) as Record<string, unknown>;
    } else {
      // Not Node's own type stripping: it cannot load this code (extensionless imports, parameter
      // properties), although it lists `.ts` among require's extensions.
      const tsxKey = Symbol.for(`${where.packageName}/tsx`);
      const t = globalThis as unknown as Record<symbol, ((id: string, from: string) => unknown) | undefined>;
      if (!t[tsxKey]) {
        const api = nodeModule.createRequire(path.join(root, "package.json"))(
          "tsx/cjs/api",
        ) as typeof import("tsx/cjs/api");
        t[tsxKey] = api.register({ namespace: where.packageName }).require;
      }
      mod = t[tsxKey](file, file) as Record<string, unknown>;
    }
    const provider = mod[where.exportName] as Provider | undefined;
    if (!provider || typeof provider.create !== "function") {
      throw new Error(`${where.packageName}: ${file} does not export the provider ${where.exportName}`);
    }
    cache.set(id, provider);
    return provider;
  };

  /** `props` with the version of `from` (outputs keep the release that wrote them). */
  const withVersion = <T extends Props | undefined>(props: T, from: Props): T =>
    (props === undefined ? props : { ...props, [versionKey]: from[versionKey] }) as T;
  // No computed key in a destructuring pattern here: the serializer misses such free variables.
  const withoutVersion = (props: Props): Props => {
    const rest = { ...props };
    delete rest[versionKey];
    return rest;
  };

  return {
    async check(olds: Props, news: Props) {
      const p = load();
      const result = p.check ? await p.check(olds, withoutVersion(news)) : { inputs: withoutVersion(news) };
      return { ...result, inputs: withVersion(result.inputs as Props, news) };
    },

    async diff(id: string, olds: Props, news: Props) {
      const p = load();
      const result = p.diff ? await p.diff(id, withoutVersion(olds), withoutVersion(news)) : {};
      if (olds[versionKey] === news[versionKey]) return result;
      // A new release: update in place (never replace) so the new shim and outputs reach state.
      return { ...result, changes: true };
    },

    async create(inputs: Props) {
      const result = await load().create(withoutVersion(inputs));
      return { ...result, outs: withVersion(result.outs as Props, inputs) };
    },

    async read(id: string, props: Props) {
      const p = load();
      if (!p.read) return { id, props };
      const result = await p.read(id, withoutVersion(props));
      if (result.props === undefined || Object.keys(result.props as Props).length === 0) return result;
      return {
        ...result,
        props: withVersion(result.props as Props, props),
        inputs: withVersion(result.inputs as Props | undefined, props),
      };
    },

    async update(id: string, olds: Props, news: Props) {
      const p = load();
      const oldProps = withoutVersion(olds);
      const newInputs = withoutVersion(news);
      // Only the release changed: rewrite state without touching Graph.
      const real = p.diff ? await p.diff(id, oldProps, newInputs) : { changes: true };
      const result =
        real.changes === false
          ? { outs: oldProps }
          : p.update
            ? await p.update(id, oldProps, newInputs)
            : { outs: { ...oldProps, ...newInputs } };
      return { ...result, outs: withVersion((result.outs ?? oldProps) as Props, news) };
    },

    async delete(id: string, props: Props) {
      const p = load();
      if (p.delete) await p.delete(id, withoutVersion(props));
    },
  };
}
