import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export type UserInputType =
  | "textBox"
  | "dateTimeDropdown"
  | "radioSingleSelect"
  | "dropdownSingleSelect"
  | "emailBox"
  | "checkboxMultiSelect";

/** One option of a radio/dropdown/checkbox attribute. */
export interface UserAttributeValue {
  /** Label shown to the user. */
  readonly name: string;
  /** Value stored. */
  readonly value: string;
  /** Pre-selected option. @default false */
  readonly isDefault?: boolean;
}

/** An attribute collected on the sign-up page; the array order is the page order. */
export interface UserFlowAttributeAssignmentArgs {
  /** Attribute id: a built-in (`city`, `email` …) or a UserFlowAttribute's `attributeId`. */
  readonly attributeId: pulumi.Input<string>;
  /** Label on the sign-up page. */
  readonly displayName: pulumi.Input<string>;
  /** Input control (case-insensitive). @default "textBox" */
  readonly userInputType?: pulumi.Input<UserInputType>;
  /** The user may leave it empty. @default false */
  readonly isOptional?: pulumi.Input<boolean>;
  /** Verify the value (email/phone only). @default false */
  readonly requiresVerification?: pulumi.Input<boolean>;
  /** Options for radio/dropdown/checkbox inputs. @default [] */
  readonly userAttributeValues?: pulumi.Input<pulumi.Input<UserAttributeValue>[]>;
}

/** Connector per step; omit or leave undefined to clear the step. */
export interface UserFlowApiConnectorsArgs {
  /** Connector id run after the identity provider, before the attribute page. @default - none (cleared) */
  readonly postFederationSignup?: pulumi.Input<string>;
  /** Connector id run after the attribute page, before the user is created. @default - none (cleared) */
  readonly postAttributeCollection?: pulumi.Input<string>;
}

export interface B2xUserFlowArgs extends GraphResourceArgs {
  /** Flow name without the `B2X_1_` prefix (a prefixed name is accepted). Changing it replaces the flow. */
  readonly name: pulumi.Input<string>;
  /** Identity provider ids offered on sign-up (case-insensitive). @default ["AADSignup-OAUTH"] */
  readonly identityProviders?: pulumi.Input<pulumi.Input<string>[]>;
  /** Attributes collected, in page order. @default [] */
  readonly attributes?: pulumi.Input<pulumi.Input<UserFlowAttributeAssignmentArgs>[]>;
  /** API connectors per step. @default {} - both steps cleared */
  readonly apiConnectors?: pulumi.Input<UserFlowApiConnectorsArgs>;
  /** Take over an existing flow with the same name instead of failing. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/** A B2X self-service sign-up user flow with its identity providers, attribute page and connectors. */
export class B2xUserFlow extends GraphResource {
  /** `B2X_1_<name>`. */
  declare readonly flowId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly identityProviders: pulumi.Output<string[]>;
  declare readonly attributes: pulumi.Output<Required<UserFlowAttributeAssignmentArgs>[]>;
  declare readonly apiConnectors: pulumi.Output<{
    postFederationSignup?: string;
    postAttributeCollection?: string;
  }>;

  constructor(name: string, args: B2xUserFlowArgs, opts?: pulumi.CustomResourceOptions) {
    super("B2xUserFlow", name, ["flowId"], args, opts);
  }
}
