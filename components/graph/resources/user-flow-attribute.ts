import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

export type UserFlowAttributeDataType = "string" | "boolean" | "int64";

export interface UserFlowAttributeArgs extends GraphResourceArgs {
  /** Name shown in the portal; Graph derives the attribute id from it. Changing it replaces the attribute (new id). */
  readonly displayName: pulumi.Input<string>;
  /** Value type. Changing it replaces the attribute (new id). @default "string" */
  readonly dataType?: pulumi.Input<UserFlowAttributeDataType>;
  /** Description; the only property Graph can update in place. @default "" */
  readonly description?: pulumi.Input<string>;
  /** Take over a custom attribute with the same displayName instead of failing. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/** A custom user flow attribute (`identity/userFlowAttributes`). Its id is read from Graph, never derived. */
export class UserFlowAttribute extends GraphResource {
  /** `extension_<appIdNoDashes>_<Name>`, as Graph returned it. */
  declare readonly attributeId: pulumi.Output<string>;
  /** appId (with dashes) of aad-extensions-app, parsed from the attribute id. */
  declare readonly extensionsAppId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly dataType: pulumi.Output<UserFlowAttributeDataType>;
  declare readonly description: pulumi.Output<string>;
  declare readonly userFlowAttributeType: pulumi.Output<string>;

  constructor(name: string, args: UserFlowAttributeArgs, opts?: pulumi.CustomResourceOptions) {
    super("UserFlowAttribute", name, ["attributeId", "extensionsAppId", "userFlowAttributeType"], args, opts);
  }
}
