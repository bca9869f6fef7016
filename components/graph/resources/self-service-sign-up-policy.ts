import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export interface SelfServiceSignUpPolicyArgs extends GraphResourceArgs {
  /** Turn guest self-service sign-up via user flows on or off. @default true */
  readonly enabled?: pulumi.Input<boolean>;
  /** Leave the toggle as it is when this resource is deleted. @default false - the value found before is restored */
  readonly keepOnDelete?: pulumi.Input<boolean>;
}

/** The tenant toggle "Enable guest self-service sign up via user flows" (authenticationFlowsPolicy). */
export class SelfServiceSignUpPolicy extends GraphResource {
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly previousEnabled: pulumi.Output<boolean>;
  declare readonly keepOnDelete: pulumi.Output<boolean>;

  constructor(name: string, args: SelfServiceSignUpPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super("SelfServiceSignUpPolicy", name, ["previousEnabled"], args, opts);
  }
}
