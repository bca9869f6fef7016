/**
 * Every `apps.appIds` entry must be the client id (appId) of an app registration in the tenant: the
 * onSignupStart listener accepts any GUID, so a wrong one only shows when nobody can sign up.
 * https://learn.microsoft.com/graph/api/application-list
 */
import { NAMESPACE } from "../settings";
import { fail, type Finding } from "./finding";

/** One failure per appId that `found` does not contain (compared case-insensitively). */
export function checkAppIds(appIds: readonly string[], found: ReadonlySet<string>): Finding[] {
  const have = new Set([...found].map((id) => id.toLowerCase()));
  return appIds.flatMap((appId, i) =>
    have.has(appId.toLowerCase())
      ? []
      : [
          fail(
            "apps",
            `no app registration with client id ${appId} in the tenant`,
            "use the Application (client) ID from Entra admin center → App registrations (not the object id), or remove the entry",
            `${NAMESPACE}:apps.appIds[${i}]`,
          ),
        ],
  );
}
