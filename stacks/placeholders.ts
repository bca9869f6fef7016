/**
 * Placeholders: values in the committed stack files and templates that stand for "fill this in", and
 * values that are only real inside the Graph emulator. Refused on every stack except the local one (and
 * stacks that talk to the emulator), each with its key path and the command that fixes it, so a stamped
 * or copied stack never deploys against a placeholder tenant, app or mailbox.
 */
import type { AppsConfig, ConnectorConfig, TenantConfig } from "./schema";

/** The placeholder GUID the stack files and templates use (the nil UUID, RFC 9562 §5.9). */
export const PLACEHOLDER_GUID = "00000000-0000-0000-0000-000000000000";

/**
 * Ids the Graph emulator seeds (local/graph-emulator/seed.ts `DEFAULT_SEED`): they exist in the
 * emulator only, so in a real tenant they name nothing — or somebody else's app.
 */
export const EMULATOR_SEEDED_IDS: Readonly<Record<string, string>> = {
  "00000000-0000-4000-8000-00000000e1d0": "the Graph emulator's tenant",
  "1fc41a76-3050-4529-8095-9af8897cf63d": "the Graph emulator's seeded sample app",
  "d09380e2-b4c6-42b9-a203-fb816a04a7ad": "the Graph emulator's seeded extensions app",
};

/** Each group one repeated hex digit: the nil GUID, `11111111-2222-3333-4444-555555555555`, … */
const patternGuid = /^([0-9a-f])\1{7}-([0-9a-f])\2{3}-([0-9a-f])\3{3}-([0-9a-f])\4{3}-([0-9a-f])\5{11}$/i;

/** Why `value` is a placeholder GUID, or undefined when it may be a real id. */
export function placeholderGuidReason(value: string): string | undefined {
  const seeded = EMULATOR_SEEDED_IDS[value.toLowerCase()];
  if (seeded !== undefined) return `is ${seeded}, which exists only in the emulator`;
  if (patternGuid.test(value)) return "is a placeholder GUID";
  return undefined;
}

/** Domains reserved for documentation and testing (RFC 2606): mail to them never arrives. */
const reservedMailDomain = /@(?:.+\.)?(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;

export function isPlaceholderEmail(value: string): boolean {
  return reservedMailDomain.test(value);
}

/**
 * Stacks on which placeholders are fine: the local stack, and any stack whose Graph is the emulator
 * (`graphCredential: emulator`, which settings only accept with a loopback `graphBaseUrl`). Without a
 * stack name (unit tests of the loader) nothing is stack-specific.
 */
export function placeholdersAllowed(
  stack: string | undefined,
  localStack: string,
  tenant: TenantConfig | undefined,
): boolean {
  return stack === undefined || stack === localStack || tenant?.graphCredential === "emulator";
}

/**
 * Every placeholder in the tenant id, the app ids and the alert e-mail addresses, as problems naming the
 * key path, the value and the fix. Empty where placeholders are allowed ({@link placeholdersAllowed}).
 */
export function checkPlaceholders(
  where: { namespace: string; stack: string | undefined; localStack: string },
  parts: { tenant?: TenantConfig; apps?: AppsConfig; connector?: ConnectorConfig },
): string[] {
  if (placeholdersAllowed(where.stack, where.localStack, parts.tenant)) return [];
  const namespace = where.namespace;
  const problems: string[] = [];
  const tenantId = parts.tenant?.tenantId;
  const tenantReason = tenantId === undefined ? undefined : placeholderGuidReason(tenantId);
  if (tenantId !== undefined && tenantReason !== undefined) {
    problems.push(
      `${namespace}:tenant.tenantId: ${tenantId} ${tenantReason}, not your tenant; set the directory ` +
        `(tenant) id with pulumi config set --path ${namespace}:tenant.tenantId <tenant id> ` +
        "(or stamp the stack: npm run stamp -- --tenant <tenant id> --env <env>)",
    );
  }
  for (const [i, appId] of (parts.apps?.appIds ?? []).entries()) {
    const reason = placeholderGuidReason(appId);
    if (reason === undefined) continue;
    problems.push(
      `${namespace}:apps.appIds.${i}: ${appId} ${reason}, not an app in your tenant; set the client ` +
        "(application) id of an app registration whose sign-up uses the flow with " +
        `pulumi config set --path "${namespace}:apps.appIds[${i}]" <client id> ` +
        `(when stamping: --set 'apps.appIds=["<client id>"]'), or remove the entry`,
    );
  }
  const hosting = parts.connector?.hosting;
  if (hosting?.kind === "functionApp") {
    for (const [i, email] of hosting.alertEmails.entries()) {
      if (!isPlaceholderEmail(email)) continue;
      problems.push(
        `${namespace}:connector.hosting.alertEmails.${i}: '${email}' is a documentation address ` +
          "(reserved domain, mail never arrives); set your team's address or remove it " +
          "(without addresses the alerts still show in the Azure portal)",
      );
    }
  }
  return problems;
}
