/**
 * The value the Pulumi engine puts in place of an input that is not known yet during a preview (an output
 * of a resource still to be created or updated). Providers and policy rules skip checks on it; the real
 * value is checked again on `up`. Same string as `unknownValue` in `@pulumi/pulumi/runtime/rpc`.
 */
export const PREVIEW_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value, or anything inside it, is unknown at preview time. */
export function isPreviewUnknown(v: unknown): boolean {
  if (v === PREVIEW_UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(isPreviewUnknown);
  if (v && typeof v === "object") return Object.values(v).some(isPreviewUnknown);
  return false;
}
