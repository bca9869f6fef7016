/**
 * Custom rules: a typed extension point so a team can add, say, an identity-verification call without
 * forking the engine. Each rule has its own time budget, because Entra gives the whole connector 20 s and
 * one slow dependency must not eat it; on timeout (or error) the rule's `onTimeout` decides.
 */
import type { ConnectorRequest, Step } from "./types";

/** Entra waits 20 s; keep a margin for the built-in rules, storage and the network. */
export const MAX_CUSTOM_RULE_TIMEOUT_MS = 15_000;

/** What a custom rule sees. Read-only; `signal` aborts when the rule's budget is spent. */
export interface CustomRuleContext {
  readonly step: Step;
  readonly request: Readonly<ConnectorRequest>;
  /** Normalised email (lower-case, punycode domain). */
  readonly email: string;
  readonly domain: string;
  /** Claims the engine will return so far (pre-fill or overwrite values). */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly now: Date;
  /** Aborted when `timeoutMs` elapses: pass it to `fetch` so the call is actually cancelled. */
  readonly signal: AbortSignal;
  /** Reads an attribute by logical name (`CompanyName`), like the built-in rules do. */
  attribute(name: string): string | undefined;
  /** The claim key to RETURN a logical attribute under (`VerificationId` → `extension_<id>_VerificationId`). */
  claimKey(name: string): string;
}

/** A custom rule's answer. `message` is shown as-is (or per locale, `{ "en": …, "fr": … }`). */
export type RuleOutcome =
  | { readonly action: "continue"; readonly claims?: Readonly<Record<string, string | number | boolean>> }
  | { readonly action: "block"; readonly message?: string | Readonly<Record<string, string>> }
  | { readonly action: "validationError"; readonly message?: string | Readonly<Record<string, string>> };

/**
 * A custom rule. It runs after every built-in rule and storage fact has passed, once per request, in the
 * order given; its decisions carry the reason `custom_rule:<name>`.
 */
export interface CustomRule {
  /** Stable identifier: appears in reason codes, logs and message catalogues (`custom_rule:<name>`). */
  readonly name: string;
  readonly steps: readonly Step[];
  /** Budget for `evaluate`, clamped to 1..`MAX_CUSTOM_RULE_TIMEOUT_MS`. */
  readonly timeoutMs: number;
  /** What a timeout or a thrown error means: refuse the sign-up, or carry on without this rule. */
  readonly onTimeout: "block" | "continue";
  evaluate(ctx: CustomRuleContext): Promise<RuleOutcome>;
}

/** How running a custom rule ended. */
export type CustomRuleResult =
  | { readonly kind: "outcome"; readonly outcome: RuleOutcome }
  | { readonly kind: "timeout" }
  | { readonly kind: "error"; readonly error: string };

/** Runs `rule` within its budget; never rejects. */
export async function runCustomRule(
  rule: CustomRule,
  ctx: Omit<CustomRuleContext, "signal">,
): Promise<CustomRuleResult> {
  const budget = Math.min(Math.max(Math.floor(Number(rule.timeoutMs)) || 1, 1), MAX_CUSTOM_RULE_TIMEOUT_MS);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CustomRuleResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`custom rule ${rule.name} exceeded ${budget} ms`));
      resolve({ kind: "timeout" });
    }, budget);
  });
  const run = (async (): Promise<CustomRuleResult> => {
    try {
      const outcome: unknown = await rule.evaluate({ ...ctx, signal: controller.signal });
      return isOutcome(outcome)
        ? { kind: "outcome", outcome }
        : { kind: "error", error: "evaluate() resolved to something that is not a RuleOutcome" };
    } catch (error) {
      return { kind: "error", error: error instanceof Error ? error.message : String(error) };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isOutcome(value: unknown): value is RuleOutcome {
  if (!value || typeof value !== "object" || !("action" in value)) return false;
  const action = (value as { action: unknown }).action;
  return action === "continue" || action === "block" || action === "validationError";
}

/** Picks a custom rule's message for the request's locale (`en-US` → `en-US`, `en`, then the first one). */
export function pickMessage(
  message: string | Readonly<Record<string, string>> | undefined,
  uiLocales: unknown,
): string | undefined {
  if (message === undefined || typeof message === "string") return message || undefined;
  const entries = Object.entries(message).filter(([, v]) => typeof v === "string" && v.trim().length > 0);
  if (entries.length === 0) return undefined;
  const byKey = new Map(entries.map(([k, v]) => [k.toLowerCase(), v]));
  const tags =
    typeof uiLocales === "string"
      ? uiLocales
          .slice(0, 200)
          .toLowerCase()
          .split(/[\s,]+/)
      : [];
  for (const tag of tags) {
    const hit = byKey.get(tag) ?? byKey.get(tag.split("-")[0] ?? "");
    if (hit) return hit;
  }
  return byKey.get("en") ?? entries[0]?.[1];
}
