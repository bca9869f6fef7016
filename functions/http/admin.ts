/**
 * Approvals admin API. Azure Functions reserves routes starting with `admin` for the host's own admin
 * API (azure-functions-host#1781), so these live under `/api/manage/approvals`. Authentication is a
 * separate admin key (`SIGNUP_ADMIN_KEY`) in a header, compared in constant time; without a configured
 * key the endpoints do not exist (404), so a deployment without approvals exposes nothing.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit } from "@azure/functions";
import { checkAdminKey } from "../auth/admin";
import type { ApprovalStatus } from "../engine/types";
import type { ConnectorRuntime, RuntimeSource } from "../runtime";
import { ApprovalNotFoundError } from "../storage/errors";
import { parseJson, readBodyWithLimit } from "./body";
import { jsonResponse } from "./responses";

const STATUSES: readonly string[] = ["pending", "approved", "denied"];
// A Map, not an object literal: a route segment like `constructor` must not find Object.prototype's.
const DECISIONS: ReadonlyMap<string, "approved" | "denied"> = new Map([
  ["approve", "approved"],
  ["deny", "denied"],
]);

function authorise(request: HttpRequest, runtime: ConnectorRuntime): HttpResponseInit | undefined {
  const key = runtime.settings.adminKey;
  if (key === undefined) return jsonResponse(404, { error: "not_found" });
  return checkAdminKey(request, key) ? undefined : jsonResponse(401, { error: "unauthorized" });
}

function guarded(
  runtimeSource: RuntimeSource,
  work: (request: HttpRequest, runtime: ConnectorRuntime) => Promise<HttpResponseInit>,
): HttpHandler {
  return async (request, context) => {
    try {
      const runtime = runtimeSource();
      return authorise(request, runtime) ?? (await work(request, runtime));
    } catch (error) {
      if (error instanceof ApprovalNotFoundError) return jsonResponse(404, { error: "approval_not_found" });
      context.error(JSON.stringify({ event: "signup.admin_error", error: (error as Error).name }));
      return jsonResponse(503, { error: "storage_unavailable" });
    }
  };
}

export function listApprovalsHandler(runtimeSource: RuntimeSource): HttpHandler {
  return guarded(runtimeSource, async (request, runtime) => {
    const status = request.query.get("status") ?? undefined;
    if (status !== undefined && !STATUSES.includes(status)) {
      return jsonResponse(400, { error: "invalid_status", allowed: STATUSES });
    }
    const approvals = await runtime.approvals.list(
      status === undefined ? {} : { status: status as ApprovalStatus },
    );
    return jsonResponse(200, { approvals });
  });
}

export function decideApprovalHandler(runtimeSource: RuntimeSource): HttpHandler {
  return guarded(runtimeSource, async (request, runtime) => {
    const status = DECISIONS.get(request.params.decision ?? "");
    if (status === undefined) return jsonResponse(404, { error: "not_found" });
    const body = await readBodyWithLimit(request, 4096);
    const parsed =
      body.ok && body.text.trim() !== "" ? parseJson(body.text) : { ok: true as const, value: {} };
    const input =
      parsed.ok && typeof parsed.value === "object" && parsed.value !== null ? parsed.value : undefined;
    if (!body.ok || input === undefined)
      return jsonResponse(400, { error: "invalid_body", expected: '{"by"?: string, "reason"?: string}' });
    const { by, reason } = input as { by?: unknown; reason?: unknown };
    const approval = await runtime.approvals.decide(
      request.params.id ?? "",
      status,
      typeof by === "string" && by.trim() !== "" ? `admin-api:${by.trim()}` : "admin-api",
      runtime.now(),
      typeof reason === "string" ? reason : undefined,
    );
    return jsonResponse(200, { approval });
  });
}
