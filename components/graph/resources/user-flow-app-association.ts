import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export interface UserFlowAppAssociationArgs extends GraphResourceArgs {
  /** The B2X flow id (`B2X_1_…`). */
  readonly userFlowId: pulumi.Input<string>;
  /** Client ids (appId, not object ids) of the applications that start sign-up with this flow. */
  readonly appIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Evaluation order when several listeners match an app; lower runs first. @default 100 */
  readonly priority?: pulumi.Input<number>;
  /** Take over a listener for the same flow and apps instead of creating another. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * App ↔ flow association: a beta `identity/events/onSignupStart` invokeUserFlowListener
 * (docs/graph-contract.md §5.1).
 */
export class UserFlowAppAssociation extends GraphResource {
  declare readonly listenerId: pulumi.Output<string>;
  declare readonly userFlowId: pulumi.Output<string>;
  declare readonly appIds: pulumi.Output<string[]>;
  declare readonly priority: pulumi.Output<number>;

  constructor(name: string, args: UserFlowAppAssociationArgs, opts?: pulumi.CustomResourceOptions) {
    super("UserFlowAppAssociation", name, ["listenerId"], args, opts);
  }
}
