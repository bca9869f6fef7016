/**
 * `extension`: how Entra calls the custom authentication extensions of an external tenant
 * (OnAttributeCollectionStart / OnAttributeCollectionSubmit) — its `clientConfiguration` — and which
 * documented way attaches them to the events flow.
 *
 * Learn: https://learn.microsoft.com/graph/api/resources/customextensionclientconfiguration,
 * https://learn.microsoft.com/entra/identity-platform/custom-extension-troubleshoot
 */
import { z } from "zod";

/** How the Start/Submit extensions are attached to the flow; no v1.0 reference documents the step. */
export const ATTACH_VARIANTS = ["betaRef", "betaListener", "v1Patch"] as const;
export type AttachVariant = (typeof ATTACH_VARIANTS)[number];

export const extensionSettingsSchema = z
  .strictObject({
    /**
     * How long Entra waits for an answer, in milliseconds (200–2000); a sign-up fails when it times out
     * (error 1003005). @default 1000
     */
    timeoutInMilliseconds: z.number().int().min(200).max(2000).default(1000),
    /** How many times Entra retries a failed call (0 or 1). @default 1 */
    maximumRetries: z.union([z.literal(0), z.literal(1)]).default(1),
    /**
     * `betaRef`: PUT the extension `$ref` on the flow's handler (beta, the one Microsoft walks end to end);
     * `betaListener`: a beta `onAttributeCollection…Listener`; `v1Patch`: PATCH the flow's handler (v1.0).
     * @default "betaRef"
     */
    attachVariant: z.enum(ATTACH_VARIANTS).default("betaRef"),
  })
  .default({ timeoutInMilliseconds: 1000, maximumRetries: 1, attachVariant: "betaRef" });

export type ExtensionSettings = z.infer<typeof extensionSettingsSchema>;
export type ExtensionSettingsInput = z.input<typeof extensionSettingsSchema>;
