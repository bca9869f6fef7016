/**
 * Adapter from a stack to the hosting component's own Azure name validation
 * (components/hosting/validation.ts), so preflight reports a name Azure would refuse before anything is
 * created. Only stacks with `connector.hosting.kind: functionApp` create Azure resources.
 */
import { hostingNamesFor, validateHostingNames } from "../../components/hosting/names";
import { validateNamePrefix } from "../../components/hosting/validation";
import type { Settings } from "../settings";
import { NAMESPACE } from "../settings";
import { fail, type Finding } from "./finding";

/** Problems with the Azure names a stack's Function App would get, as the hosting component words them. */
export type AzureNameValidator = (settings: Settings, stack: string) => string[];

/**
 * Every Azure name the program's Function App would get on this stack (index.ts names the component
 * `signup`, whose host is `signup-host`), checked against Azure's naming rules.
 */
export const validateStackAzureNames: AzureNameValidator = (settings, stack) => {
  const configured = (settings.connector.hosting as { namePrefix?: string }).namePrefix;
  const prefixProblems = validateNamePrefix(configured);
  if (prefixProblems.length > 0) return prefixProblems;
  return validateHostingNames(
    hostingNamesFor({ project: "entra-signup", stack, name: "signup-host", namePrefix: configured }),
  );
};

export function checkAzureNames(
  settings: Settings,
  stack: string,
  validate: AzureNameValidator = validateStackAzureNames,
): Finding[] {
  if (settings.connector.hosting.kind !== "functionApp") return [];
  return validate(settings, stack).map((problem) =>
    fail(
      "azure names",
      `stack '${stack}': ${problem}`,
      `set ${NAMESPACE}:connector.hosting.namePrefix, or use a shorter stack name`,
      `${NAMESPACE}:connector.hosting`,
    ),
  );
}
