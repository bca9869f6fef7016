/**
 * What to stamp: the targets (tenant, env, stack, …) of `npm run stamp`, their stack and GitHub environment
 * names, and every check made before any stack is touched — fields, template, the stack's whole config,
 * and no re-pointing of an existing stack at another tenant.
 */
import { closestName } from "../contract/didYouMean";
import { stackConfigProblems } from "./config-check";
import { existingTenant } from "./stack-file";
import { buildConfig } from "./stamp-config";

export interface StampTarget {
  /** Directory (tenant) id of the tenant to stamp. */
  readonly tenantId: string;
  /** Environment name (picks `stacks/templates/<env>.yaml` when it exists). */
  readonly env: string;
  /** Stack name. @default `<env>` for a single stamp, `<env>-<first 8 chars of tenant>` with --all */
  readonly stack?: string;
  /** Copy non-secret configuration from this existing stack instead of a template. */
  readonly from?: string;
  /** Extra config values by path under the project namespace, e.g. `{ "tenant.graphBaseUrl": "…" }`. */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Secret config values (e.g. googleClientSecret), written with `secret: true`. */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * The GitHub environment whose OIDC identity (a federated credential on an app in this tenant) may
   * deploy this stack; the stamp workflow runs the stack's job in it (docs/permissions.md).
   * @default the stack name
   */
  readonly githubEnvironment?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TARGET_FIELDS = ["tenantId", "env", "stack", "from", "set", "secrets", "githubEnvironment"];
/** Stack names, env names and GitHub environment names stamping accepts. */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export function githubEnvironmentFor(target: StampTarget, many: boolean): string {
  return target.githubEnvironment ?? stackNameFor(target, many);
}

export function stackNameFor(target: StampTarget, many: boolean): string {
  return target.stack ?? (many ? `${target.env}-${String(target.tenantId ?? "").slice(0, 8)}` : target.env);
}

/**
 * Checks targets before touching any stack; returns every problem found. With `workDir`, also builds
 * each target's configuration, so a missing template or `--from` stack fails before any stack runs.
 * `source` names where the targets came from (`tenants.yaml`) so a problem points at its entry.
 */
export function validateTargets(
  targets: readonly StampTarget[],
  check: { workDir?: string; templatesDir?: string; source?: string } = {},
): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const environments = new Map<string, string>();
  const many = targets.length > 1;
  for (const [i, t] of targets.entries()) {
    const label = check.source ? `${check.source} entry ${i + 1}` : `target ${i + 1}`;
    const where = targets.length > 1 || check.source ? `${label}: ` : "";
    if (typeof t !== "object" || t === null) {
      problems.push(`${where}expected an object like { tenantId, env }`);
      continue;
    }
    const entryProblems: string[] = [];
    for (const key of Object.keys(t).filter((k) => !TARGET_FIELDS.includes(k))) {
      const near = closestName(key, TARGET_FIELDS);
      entryProblems.push(
        `unknown field '${key}'${near ? ` (did you mean '${near}'?)` : ""}; a target has ${TARGET_FIELDS.join(", ")}`,
      );
    }
    if (typeof t.tenantId !== "string" || !GUID.test(t.tenantId))
      entryProblems.push(`--tenant '${t.tenantId}' is not a directory (tenant) id GUID`);
    if (typeof t.env !== "string" || !NAME.test(t.env))
      entryProblems.push(`--env '${t.env}' must be letters, digits, '.', '_' or '-'`);
    if (t.stack !== undefined && (typeof t.stack !== "string" || !NAME.test(t.stack)))
      entryProblems.push(`--stack '${t.stack}' must be 1-100 letters, digits, '.', '_' or '-'`);
    if (t.from !== undefined && typeof t.from !== "string")
      entryProblems.push(`from: '${String(t.from)}' must be the name of an existing stack`);
    if (t.set !== undefined && (t.set === null || typeof t.set !== "object" || Array.isArray(t.set)))
      entryProblems.push(`set: expected a map of config paths to values, e.g. { "apps.priority": 10 }`);
    const environment = t.githubEnvironment;
    if (environment !== undefined && (typeof environment !== "string" || !NAME.test(environment)))
      entryProblems.push(
        `githubEnvironment '${String(environment)}' must be 1-100 letters, digits, '.', '_' or '-'`,
      );
    const name = stackNameFor(t, targets.length > 1);
    if (names.has(name))
      entryProblems.push(`stack name '${name}' is used twice: give the targets distinct stack names`);
    names.add(name);
    const env = githubEnvironmentFor(t, many);
    const other = environments.get(env.toLowerCase());
    if (other !== undefined && other.toLowerCase() !== String(t.tenantId).toLowerCase())
      entryProblems.push(
        `githubEnvironment '${env}' is also used for tenant ${other}: one GitHub environment holds one tenant's identity; give this target its own githubEnvironment`,
      );
    else environments.set(env.toLowerCase(), String(t.tenantId));
    if (check.workDir !== undefined && entryProblems.length === 0) {
      try {
        const retarget = retargetProblem(t, name, existingTenant(check.workDir, name));
        if (retarget) entryProblems.push(retarget);
        const config = buildConfig(t, check.workDir, check.templatesDir, name);
        const secretsToSet = Object.keys(t.secrets ?? {});
        entryProblems.push(...stackConfigProblems(config, { stack: name, secretsToSet }));
      } catch (err) {
        entryProblems.push((err as Error).message);
      }
    }
    problems.push(...entryProblems.map((p) => `${where}${p}`));
  }
  return problems;
}

/**
 * Stamping must never re-point an existing stack at another tenant (with --up that would move a deployed
 * stack's objects): the problem that refuses it, naming both tenants and how to stamp a second stack.
 */
export function retargetProblem(
  target: StampTarget,
  stack: string,
  current: string | undefined,
  where = `Pulumi.${stack}.yaml`,
): string | undefined {
  if (current === undefined || current.toLowerCase() === String(target.tenantId).toLowerCase())
    return undefined;
  const suggestion = `${target.env}-${String(target.tenantId).slice(0, 8)}`;
  return (
    `stack '${stack}' already targets tenant ${current} (${where}); refusing to re-point it at tenant ${target.tenantId}. ` +
    `To stamp tenant ${target.tenantId} as a second stack, give it its own name: --stack ${suggestion === stack ? `${suggestion}-2` : suggestion} (or another --env)`
  );
}
