/**
 * The tenant toggle "Enable guest self-service sign up via user flows" = `authenticationFlowsPolicy`
 * `selfServiceSignUp.isEnabled` (docs/graph-contract.md §1.1; not authorizationPolicy, §1.2). A singleton:
 * "create" takes it over, remembers what it found, and "delete" puts that value back unless `keepOnDelete`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { providerApi } from "./engine-guard";
import { convergeRetrying } from "./idempotent";
import type { GraphConnection } from "../connection";
import {
  checkConnection,
  changedFields,
  connectionOf,
  isUnknown,
  toCheckResult,
  type Problem,
} from "./common";

export const policyPath = "/policies/authenticationFlowsPolicy";

export interface SelfServiceSignUpPolicyInputs {
  readonly connection: GraphConnection;
  readonly enabled: boolean;
  readonly keepOnDelete: boolean;
}

export interface SelfServiceSignUpPolicyOutputs extends SelfServiceSignUpPolicyInputs {
  /** The value found before this resource first changed it; restored on delete. */
  readonly previousEnabled: boolean;
}

interface PolicyBody {
  selfServiceSignUp?: { isEnabled?: boolean };
}

export function normalizePolicyInputs(raw: Record<string, unknown>): SelfServiceSignUpPolicyInputs {
  return {
    connection: raw.connection as GraphConnection,
    enabled: raw.enabled === undefined ? true : (raw.enabled as boolean),
    keepOnDelete: raw.keepOnDelete === undefined ? false : (raw.keepOnDelete as boolean),
  };
}

export function validatePolicyInputs(raw: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [...checkConnection(raw.connection)];
  for (const f of ["enabled", "keepOnDelete"]) {
    if (raw[f] !== undefined && !isUnknown(raw[f]) && typeof raw[f] !== "boolean") {
      problems.push([f, `${f}: must be true or false, got ${JSON.stringify(raw[f])}`]);
    }
  }
  return problems;
}

async function currentEnabled(connection: GraphConnection): Promise<boolean> {
  const body = await providerApi(connection).get<PolicyBody>(policyPath);
  return body.selfServiceSignUp?.isEnabled === true;
}

/**
 * PATCH only when the tenant differs, so a converged tenant sees no write. Returns the value found first;
 * a PATCH whose answer was lost is re-read and repeated only if it did not apply.
 */
async function converge(connection: GraphConnection, enabled: boolean): Promise<boolean> {
  const found = await currentEnabled(connection);
  if (found === enabled) return found;
  const api = providerApi(connection);
  await convergeRetrying(async () => {
    if ((await currentEnabled(connection)) !== enabled)
      await api.patch(policyPath, { selfServiceSignUp: { isEnabled: enabled } });
  });
  return found;
}

export const selfServiceSignUpPolicyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return toCheckResult(normalizePolicyInputs(news), validatePolicyInputs(news));
  },

  async diff(_id, olds: SelfServiceSignUpPolicyOutputs, news: SelfServiceSignUpPolicyInputs) {
    const fields = changedFields({ ...olds }, { ...news }, ["enabled", "keepOnDelete", "connection"]);
    return { changes: fields.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs: SelfServiceSignUpPolicyInputs) {
    const previousEnabled = await converge(inputs.connection, inputs.enabled);
    const outs: SelfServiceSignUpPolicyOutputs = { ...inputs, previousEnabled };
    return { id: "authenticationFlowsPolicy", outs };
  },

  async read(id, props: SelfServiceSignUpPolicyOutputs) {
    const enabled = await currentEnabled(connectionOf(props));
    const outs = { ...props, enabled };
    const { previousEnabled: _p, ...inputs } = outs;
    return { id, props: outs, inputs };
  },

  async update(_id, olds: SelfServiceSignUpPolicyOutputs, news: SelfServiceSignUpPolicyInputs) {
    await converge(news.connection, news.enabled);
    return { outs: { ...news, previousEnabled: olds.previousEnabled } };
  },

  async delete(_id, props: SelfServiceSignUpPolicyOutputs) {
    if (props.keepOnDelete) return;
    await converge(connectionOf(props), props.previousEnabled === true);
  },
};
