/**
 * Calls an API connector the way Entra does (docs/graph-contract.md §6): JSON POST with the connector's Basic
 * credentials, a 20 s wait and exactly one more attempt when no response arrives. Every attempt is
 * recorded for the page's timeline; the Authorization header is never recorded.
 */
import type { ConnectorStep, FlowConnector, TimelineEntry } from "./types";

/** Entra waits at most 20 seconds for a connector (docs/graph-contract.md §6.7). */
export const ENTRA_TIMEOUT_MS = 20_000;

/** What the connector's answer means for the flow. */
export type ConnectorOutcome =
  | { readonly kind: "continue"; readonly claims: Record<string, unknown> }
  | { readonly kind: "block"; readonly message: string }
  | { readonly kind: "validation"; readonly message: string }
  | { readonly kind: "failed"; readonly reason: string };

export interface ConnectorCallOptions {
  /** @default ENTRA_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Called once per attempt (for logs); carries no secret. */
  readonly onAttempt?: (entry: TimelineEntry) => void;
}

export interface ConnectorCallResult {
  readonly outcome: ConnectorOutcome;
  readonly attempts: TimelineEntry[];
}

/** Calls `connector` for `step` with `request`, retrying once on timeout or network error. */
export async function callConnector(
  connector: FlowConnector,
  step: ConnectorStep,
  request: Record<string, unknown>,
  opts: ConnectorCallOptions = {},
): Promise<ConnectorCallResult> {
  const attempts: TimelineEntry[] = [];
  if (connector.auth.type !== "basic") {
    // The simulator has no client certificate to present; Entra would complete mutual TLS here.
    return {
      attempts,
      outcome: {
        kind: "failed",
        reason: "the connector uses client-certificate auth, which the simulator cannot present",
      },
    };
  }
  const authorization = `Basic ${Buffer.from(`${connector.auth.username}:${connector.auth.password}`).toString("base64")}`;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const entry = await attemptOnce(
      connector.targetUrl,
      authorization,
      step,
      request,
      attempt,
      opts.timeoutMs,
    );
    attempts.push(entry);
    opts.onAttempt?.(entry);
    // Entra retries only when no answer arrived; any HTTP answer is final.
    if (entry.status !== null) return { attempts, outcome: interpret(step, entry) };
  }
  const last = attempts[attempts.length - 1];
  return {
    attempts,
    outcome: { kind: "failed", reason: `no answer after 2 attempts (${last?.error ?? "unknown"})` },
  };
}

async function attemptOnce(
  url: string,
  authorization: string,
  step: ConnectorStep,
  request: Record<string, unknown>,
  attempt: number,
  timeoutMs = ENTRA_TIMEOUT_MS,
): Promise<TimelineEntry> {
  const at = new Date().toISOString();
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: authorization },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return {
      step,
      attempt,
      url,
      request,
      status: res.status,
      response: parseBody(text),
      latencyMs: latency(),
      at,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const error =
      e.name === "TimeoutError"
        ? `no response within ${timeoutMs} ms`
        : `network error: ${e.cause?.code ?? e.message}`;
    return { step, attempt, url, request, status: null, error, latencyMs: latency(), at };
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Maps one HTTP answer to what Entra does with it (docs/graph-contract.md §6.5, §6.7). */
export function interpret(
  step: ConnectorStep,
  entry: Pick<TimelineEntry, "status" | "response">,
): ConnectorOutcome {
  const body =
    entry.response && typeof entry.response === "object"
      ? (entry.response as Record<string, unknown>)
      : undefined;
  if (entry.status === 401 || entry.status === 403)
    return { kind: "failed", reason: `HTTP ${entry.status}: the connector rejected the credentials` };
  if (!body)
    return { kind: "failed", reason: `HTTP ${entry.status ?? "-"} with a body that is not a JSON object` };
  if (typeof body.version !== "string") return { kind: "failed", reason: "the response has no 'version'" };
  const message = typeof body.userMessage === "string" ? body.userMessage : undefined;
  if (entry.status === 200 && body.action === "Continue") {
    const { version: _v, action: _a, ...claims } = body;
    return { kind: "continue", claims };
  }
  if (entry.status === 200 && body.action === "ShowBlockPage" && message !== undefined)
    return { kind: "block", message };
  const validation =
    entry.status === 400 &&
    body.action === "ValidationError" &&
    (body.status === 400 || body.status === "400") &&
    message !== undefined;
  // ValidationError keeps the person on the attribute page, which exists only after postAttributeCollection.
  if (validation && step === "postAttributeCollection") return { kind: "validation", message };
  return {
    kind: "failed",
    reason: `HTTP ${entry.status ?? "-"} with action ${JSON.stringify(body.action)} is not a valid answer at ${step}`,
  };
}
