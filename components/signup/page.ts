/**
 * Pure builders from the validated page (contract/userFlow.ts) to the Graph layer's assignment inputs, so
 * the wiring component stays free of mapping logic and these get fast tests of their own.
 */
import type * as pulumi from "@pulumi/pulumi";
import { defaultLabel, isBuiltInAttribute } from "../../contract/userFlow";
import type { PageField } from "../../contract/userFlowSchema";
import type { UserFlowAttributeAssignmentArgs } from "../graph";

export type { PageField };

/**
 * The page in order, with custom attributes resolved to the ids Graph assigned (never derived here).
 * Throws when a field names neither a built-in attribute nor a custom attribute in `customIds`
 * (`validateSignUpArgs` reports that first, with the field's path).
 */
export function pageAssignments(
  page: readonly PageField[],
  customIds: ReadonlyMap<string, pulumi.Output<string>>,
): UserFlowAttributeAssignmentArgs[] {
  return page.map((field, i) => {
    const custom = customIds.get(field.attribute.toLowerCase());
    if (custom === undefined && !isBuiltInAttribute(field.attribute))
      throw new Error(
        `userFlow.page.${i}.attribute: '${field.attribute}' is not a declared custom attribute`,
      );
    return {
      attributeId: custom ?? field.attribute,
      displayName: field.displayName ?? defaultLabel(field.attribute),
      userInputType: field.userInputType,
      isOptional: field.isOptional,
      requiresVerification: field.requiresVerification,
      userAttributeValues: field.userAttributeValues.map((o) => ({ ...o })),
    };
  });
}
