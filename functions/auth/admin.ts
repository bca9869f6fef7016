import type { HttpRequest } from "@azure/functions";
import { secretsEqual } from "./constantTime";

/** Admin calls carry the admin key in this header, never in the URL (URLs end up in access logs). */
export const ADMIN_KEY_HEADER = "x-signup-admin-key";

export function checkAdminKey(request: HttpRequest, adminKey: string): boolean {
  return secretsEqual(request.headers.get(ADMIN_KEY_HEADER) ?? "", adminKey);
}
