/**
 * Example custom rule: ask an identity-verification service about the user at postAttributeCollection.
 * The service client is injected (no network code in the engine); the rule passes the abort signal on so
 * a slow service is actually cancelled when the rule's budget runs out.
 */
import type { CustomRule, RuleOutcome } from "../custom-rule";

/** The verification service, as the rule needs it. */
export interface IdentityVerifier {
  verify(input: { email: string; displayName?: string; signal: AbortSignal }): Promise<{
    status: "verified" | "rejected" | "review";
    /** Reference to store on the user, e.g. the provider's case id. */
    reference?: string;
  }>;
}

export interface IdentityVerificationOptions {
  readonly verifier: IdentityVerifier;
  /** @default 3000 — a verification call normally answers in well under a second. */
  readonly timeoutMs?: number;
  /** @default "block" — an unverifiable user does not get in when the service is down. */
  readonly onTimeout?: "block" | "continue";
  /** Logical attribute receiving the verification reference, e.g. `VerificationId`. @default none */
  readonly referenceAttribute?: string;
}

/** Builds the rule; register it with `processRequest(..., { customRules: [identityVerificationRule(...)] })`. */
export function identityVerificationRule(options: IdentityVerificationOptions): CustomRule {
  return {
    name: "identity_verification",
    steps: ["postAttributeCollection"],
    timeoutMs: options.timeoutMs ?? 3000,
    onTimeout: options.onTimeout ?? "block",
    async evaluate(ctx): Promise<RuleOutcome> {
      const displayName = ctx.attribute("displayName");
      const result = await options.verifier.verify({
        email: ctx.email,
        ...(displayName ? { displayName } : {}),
        signal: ctx.signal,
      });
      if (result.status === "rejected")
        return {
          action: "block",
          message: {
            en: "We could not verify your identity.",
            fr: "Nous n'avons pas pu vérifier votre identité.",
          },
        };
      if (result.status === "review")
        return { action: "block", message: "Your identity is being reviewed. We will contact you by email." };
      const name = options.referenceAttribute;
      if (!name || !result.reference) return { action: "continue" };
      return { action: "continue", claims: { [ctx.claimKey(name)]: result.reference } };
    },
  };
}
