/**
 * Adapter from a stack to the hosting component's own Azure name validation
 * (components/hosting/validation.ts), so preflight reports a name Azure would refuse before anything is
 * created. Only stacks with `connector.hosting.kind: functionApp` create Azure resources.
 */
import { validateNamePrefix } from "../../components/hosting/validation";
import type { Settings } from "../settings";
import { NAMESPACE } from "../settings";
import { fail, type Finding } from "./finding";

/** The name prefix the program derives for the stack's Azure resources (index.ts). */
export function namePrefixFor(settings: Settings, stack: string): string {
  const configured = (settings.connector.hosting as { namePrefix?: string }).namePrefix;
  return configured ?? `signup-${stack}`;
}

export function checkAzureNames(settings: Settings, stack: string): Finding[] {
  if (settings.connector.hosting.kind !== "functionApp") return [];
  return validateNamePrefix(namePrefixFor(settings, stack)).map((problem) =>
    fail(
      "azure names",
      `stack '${stack}': ${problem}`,
      `set ${NAMESPACE}:connector.hosting.namePrefix, or use a shorter stack name`,
      `${NAMESPACE}:connector.hosting`,
    ),
  );
}
