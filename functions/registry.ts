/**
 * The connector's function table, defined once and served by both hosts: `functions/app.ts` hands it
 * to `app.http` for the Azure Functions host, and `local/connector-host` routes the same entries on a
 * plain `node:http` server. Names, routes, methods and auth level therefore cannot drift between them.
 */
import {
  app,
  type HttpFunctionOptions,
  type HttpResponseInit,
  type TimerFunctionOptions,
} from "@azure/functions";
import { STEPS } from "./engine/types";
import { decideApprovalHandler, listApprovalsHandler } from "./http/admin";
import { connectorHandler, refuseBeforeBody } from "./http/connector";
import { extensionHandler, refuseExtensionCall } from "./http/extension";
import { ATTRIBUTE_COLLECTION_EVENTS, EXTENSION_ROUTES } from "../contract/extensionRoutes";
import type { RequestHeaders, RuntimeSource } from "./runtime";
import {
  refuseTokenIssuanceBeforeBody,
  TOKEN_ISSUANCE_START_ROUTE,
  tokenIssuanceStartHandler,
} from "./http/tokenIssuanceStart";
import { HOUSEKEEPING_SCHEDULE, housekeepingHandler } from "./timers/housekeeping";

export interface HttpRegistration {
  readonly name: string;
  readonly options: HttpFunctionOptions & { readonly route: string };
  /**
   * The checks of the handler that need only the headers (declared size, credentials). A host that
   * has not read the body yet runs them first and answers a refusal without reading it; the Azure
   * Functions host reads the body before the worker sees anything, so it only runs the handler (which
   * makes the same checks itself).
   */
  readonly refuseBeforeBody?: (
    request: RequestHeaders,
    /** Where a refusal's log line goes (the host's log; the handler uses its invocation context). */
    log?: (line: string) => void,
  ) => HttpResponseInit | undefined | Promise<HttpResponseInit | undefined>;
}

export interface TimerRegistration {
  readonly name: string;
  readonly options: TimerFunctionOptions;
}

/**
 * `authLevel: "anonymous"` everywhere on purpose: Entra authenticates with Basic or a client
 * certificate (checked in code), or a bearer token on the attribute-collection routes of an external
 * tenant (checked in code), and a function key must never be the only protection
 * (docs/graph-contract.md §6.1).
 */
export function connectorFunctions(runtime: RuntimeSource): HttpRegistration[] {
  return [
    ...STEPS.map((step) => ({
      name: step,
      options: {
        methods: ["POST" as const],
        authLevel: "anonymous" as const,
        route: step,
        handler: connectorHandler(step, runtime),
      },
      refuseBeforeBody: (request: RequestHeaders) => refuseBeforeBody(request, runtime()),
    })),
    ...ATTRIBUTE_COLLECTION_EVENTS.map((event) => ({
      name: EXTENSION_ROUTES[event],
      options: {
        methods: ["POST" as const],
        authLevel: "anonymous" as const,
        route: EXTENSION_ROUTES[event],
        handler: extensionHandler(event, runtime),
      },
      refuseBeforeBody: (request: RequestHeaders, log?: (line: string) => void) =>
        refuseExtensionCall(request, runtime(), log ?? ((line) => console.warn(line))),
    })),
    {
      name: "manageApprovalsList",
      options: {
        methods: ["GET"],
        authLevel: "anonymous",
        route: "manage/approvals",
        handler: listApprovalsHandler(runtime),
      },
    },
    {
      name: "manageApprovalsDecide",
      options: {
        methods: ["POST"],
        authLevel: "anonymous",
        route: "manage/approvals/{id}/{decision}",
        handler: decideApprovalHandler(runtime),
      },
    },
    {
      name: TOKEN_ISSUANCE_START_ROUTE,
      options: {
        methods: ["POST"],
        authLevel: "anonymous",
        route: TOKEN_ISSUANCE_START_ROUTE,
        handler: tokenIssuanceStartHandler(runtime),
      },
      refuseBeforeBody: (request) => refuseTokenIssuanceBeforeBody(request, runtime()),
    },
  ];
}

/** Registers the table with a host; `app.http` by default (the Azure Functions host). */
export function registerFunctions(
  registrations: readonly HttpRegistration[],
  register: (name: string, options: HttpFunctionOptions) => void = (name, options) => app.http(name, options),
): void {
  for (const { name, options } of registrations) register(name, options);
}

/** Scheduled functions; the local host runs them on demand (`POST /admin/functions/<name>`). */
export function connectorTimers(runtime: RuntimeSource): TimerRegistration[] {
  return [
    {
      name: "housekeeping",
      options: { schedule: HOUSEKEEPING_SCHEDULE, handler: housekeepingHandler(runtime) },
    },
  ];
}

/** Registers the timers with a host; `app.timer` by default (the Azure Functions host). */
export function registerTimers(
  registrations: readonly TimerRegistration[],
  register: (name: string, options: TimerFunctionOptions) => void = (name, options) =>
    app.timer(name, options),
): void {
  for (const { name, options } of registrations) register(name, options);
}
