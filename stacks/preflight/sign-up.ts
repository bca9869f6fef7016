/**
 * Self-service sign-up must be offered where the stack deploys: the tenant toggle
 * (`GET /policies/authenticationFlowsPolicy`) and the B2X user-flow surface (`GET /identity/b2xUserFlows`)
 * must answer, and the toggle must end up on. The v1.0 B2X surface exists in the Global and China clouds
 * only (US Government uses beta), and not in Azure AD B2C tenants.
 * https://learn.microsoft.com/graph/api/resources/authenticationflowspolicy
 * https://learn.microsoft.com/entra/external-id/self-service-sign-up-user-flow
 */
import type { Settings } from "../settings";
import { NAMESPACE } from "../settings";
import { fail, note, type Finding } from "./finding";

/** What Graph answered to one read: a value, or the error with its status and code. */
export type Answer<T> =
  { ok: true; value: T } | { ok: false; status?: number; code?: string; message: string };

export interface SignUpFacts {
  /** `selfServiceSignUp.isEnabled` of the tenant's authenticationFlowsPolicy. */
  readonly toggle: Answer<boolean>;
  /** Whether `GET /identity/b2xUserFlows` answered. */
  readonly userFlows: Answer<unknown>;
}

/** A missing permission is the permissions check's finding, not the check that made the call. */
export const isPermissionDenied = (a: Answer<unknown>): boolean =>
  !a.ok && a.status === 403 && a.code === "Authorization_RequestDenied";

export function checkSignUp(settings: Settings, facts: SignUpFacts): Finding[] {
  const findings: Finding[] = [];
  const refused = (
    [
      ["GET /policies/authenticationFlowsPolicy", facts.toggle],
      ["GET /identity/b2xUserFlows", facts.userFlows],
    ] as const
  ).flatMap(([what, answer]) =>
    answer.ok || isPermissionDenied(answer) ? [] : [`${what} answered ${answer.message}`],
  );
  if (refused.length > 0) {
    findings.push(
      fail(
        "self-service sign-up",
        `self-service sign-up is not available in tenant ${settings.tenant.tenantId} (cloud ${settings.tenant.cloud}): ${refused.join("; ")}`,
        "B2X user flows need a workforce tenant in a cloud that offers them (Global or China on v1.0, US Government on beta); check tenant.tenantId and tenant.cloud",
        `${NAMESPACE}:tenant`,
      ),
    );
  }
  if (findings.length > 0 || !facts.toggle.ok) return findings;
  if (!facts.toggle.value && !settings.toggle.enabled) {
    findings.push(
      fail(
        "self-service sign-up",
        `"Enable guest self-service sign up via user flows" is off in the tenant and the stack keeps it off, so nobody can sign up through the flow`,
        `set ${NAMESPACE}:selfServiceSignUp.enabled to true (the stack then turns the toggle on)`,
        `${NAMESPACE}:selfServiceSignUp.enabled`,
      ),
    );
  } else if (!facts.toggle.value) {
    findings.push(note("self-service sign-up", "the tenant toggle is off now; up turns it on"));
  }
  return findings;
}
