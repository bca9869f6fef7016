/**
 * The entra-signup guardrails policy pack. Run with `pulumi preview --policy-pack policy` (see
 * policy/README.md for how it starts here and which config each stack passes).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("entra-signup-guardrails", {
  description: "Security and reliability guardrails for Entra self-service sign-up stacks.",
  enforcementLevel: "mandatory",
  policies,
});
