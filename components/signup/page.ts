/**
 * Pure builders from the validated page configuration to the Graph layer's assignment inputs, so the
 * wiring component stays free of mapping logic and these get fast tests of their own.
 */
import * as pulumi from "@pulumi/pulumi";
import type { UserFlowAttributeAssignmentArgs, UserInputType } from "../graph";

/** One field of the attribute collection page (mirrors stacks/schema.ts pageFieldSchema). */
export interface PageField {
  readonly attribute: string;
  readonly label?: string;
  readonly inputType: UserInputType;
  readonly optional: boolean;
  readonly requiresVerification: boolean;
  readonly options: readonly { label: string; value: string; default: boolean }[];
}

/** Human label for a built-in or custom attribute when the config gives none: `postalCode` → `Postal code`. */
export function defaultLabel(attribute: string): string {
  const words = attribute.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The page in order, with custom attributes resolved to the ids Graph assigned (never derived here).
 * Throws if a field names a custom attribute that has no resource: settings validation prevents it.
 */
export function pageAssignments(
  page: readonly PageField[],
  customIds: ReadonlyMap<string, pulumi.Output<string>>,
): UserFlowAttributeAssignmentArgs[] {
  return page.map((field) => {
    const custom = customIds.get(field.attribute.toLowerCase());
    return {
      attributeId: custom ?? field.attribute,
      displayName: field.label ?? defaultLabel(field.attribute),
      userInputType: field.inputType,
      isOptional: field.optional,
      requiresVerification: field.requiresVerification,
      userAttributeValues: field.options.map((o) => ({
        name: o.label,
        value: o.value,
        isDefault: o.default,
      })),
    };
  });
}
