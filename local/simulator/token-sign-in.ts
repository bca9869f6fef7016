/**
 * "Sign in to an app" after an external-tenant sign-up: asks the Graph emulator to play Entra's token
 * issuance for the new user (`POST /_emulator/sign-ins`, which calls the OnTokenIssuanceStart extension
 * the app's listener names and applies the app's claims mapping policy) and keeps what the page shows:
 * the ID token's decoded claims or Entra's error code, and the extension call with its token redacted.
 * The raw ID token is not kept: it is a credential for the app.
 *
 * Learn: https://learn.microsoft.com/entra/identity-platform/custom-extension-tokenissuancestart-configuration
 */
import type { GraphReader } from "./graph";
import type { TimelineEntry } from "./types";

/** An application a person can sign in to. */
export interface SignInApp {
  readonly appId: string;
  readonly displayName: string;
}

/** One sign-in's outcome, as the claims page shows it. */
export interface TokenSignIn {
  readonly app: SignInApp;
  /** The ID token's decoded payload; absent when the sign-in failed. */
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Entra's code (`1003002`, `AADSTS50146`, …) and message when the sign-in failed. */
  readonly error?: { readonly code: string; readonly message: string };
  /** The OnTokenIssuanceStart call, one entry per attempt; empty when no listener includes the app. */
  readonly calls: TimelineEntry[];
  /** The extension that was called, when one was. */
  readonly extension?: string;
}

type Json = Record<string, unknown>;

/** Display names of `appIds` from Graph (the appId itself when Graph has none or cannot be read). */
export async function signInApps(graph: GraphReader, appIds: readonly string[]): Promise<SignInApp[]> {
  return Promise.all(
    appIds.map(async (appId) => {
      try {
        const found = await graph.call(
          "GET",
          `/applications?$filter=appId eq '${encodeURIComponent(appId)}'&$select=appId,displayName`,
        );
        const app = (Array.isArray(found.value) ? (found.value as Json[]) : [])[0];
        return { appId, displayName: typeof app?.displayName === "string" ? app.displayName : appId };
      } catch {
        return { appId, displayName: appId };
      }
    }),
  );
}

/** Signs `userId` in to `app` through the emulator. Never throws: an unreachable emulator is an error too. */
export async function signInToApp(graph: GraphReader, app: SignInApp, userId: string): Promise<TokenSignIn> {
  let status: number;
  let body: Json;
  try {
    const res = await fetch(`${graph.root}/_emulator/sign-ins`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ appId: app.appId, userId }),
      signal: AbortSignal.timeout(15_000),
    });
    status = res.status;
    body = (await res.json()) as Json;
  } catch (err) {
    return {
      app,
      error: {
        code: "emulator",
        message: `the Graph emulator at ${graph.root} did not answer (${(err as Error).message})`,
      },
      calls: [],
    };
  }
  const call = body.tokenIssuanceStart as Json | null | undefined;
  const calls = call ? timelineOf(call) : [];
  const extension = call ? String(call.extensionDisplayName ?? call.extensionId ?? "") : undefined;
  if (status === 200 && body.claims && typeof body.claims === "object")
    return { app, claims: body.claims as Json, calls, extension };
  const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
  return {
    app,
    error: { code: String(error.code ?? `HTTP ${status}`), message: String(error.message ?? "") },
    calls,
    extension,
  };
}

function timelineOf(call: Json): TimelineEntry[] {
  const attempts = Array.isArray(call.attempts) ? (call.attempts as Json[]) : [];
  const ignored = Array.isArray(call.ignored)
    ? (call.ignored as Array<{ claim: string; reason: string }>)
    : undefined;
  return attempts.map((a, i) => ({
    step: "tokenIssuanceStart",
    attempt: Number(a.attempt ?? i + 1),
    url: String(a.url ?? ""),
    // The emulator already replaced the bearer token with `Bearer <redacted>`.
    request: { headers: a.headers, body: a.request },
    status: typeof a.status === "number" ? a.status : null,
    ...(a.response === undefined ? {} : { response: a.response }),
    ...(typeof a.error === "string" ? { error: a.error } : {}),
    latencyMs: Number(a.latencyMs ?? 0),
    at: String(a.at ?? ""),
    ...(i === attempts.length - 1 && ignored?.length ? { ignoredClaims: ignored } : {}),
  }));
}
