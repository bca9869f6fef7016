import * as pulumi from "@pulumi/pulumi";
import { GraphResource, type GraphResourceArgs } from "./common";

/** An attribute the flow collects (`onAttributeCollection.attributes`). */
export interface AuthenticationEventsFlowAttribute {
  /** Built-in id (`email`, `city` …) or a UserFlowAttribute's `attributeId` (`extension_<appId>_<Name>`). */
  readonly id: pulumi.Input<string>;
  readonly displayName: pulumi.Input<string>;
  readonly dataType: pulumi.Input<"string" | "boolean" | "int64">;
  readonly userFlowAttributeType: pulumi.Input<"builtIn" | "custom">;
}

/** One input of the sign-up page (`authenticationAttributeCollectionInputConfiguration`). */
export interface AuthenticationEventsFlowPageInput {
  /** The attribute id; must be one of the flow's `attributes`. */
  readonly attribute: pulumi.Input<string>;
  /** Label shown to the user. */
  readonly label: pulumi.Input<string>;
  /** Control (case-insensitive). */
  readonly inputType: pulumi.Input<
    "text" | "radioSingleSelect" | "checkboxMultiSelect" | "boolean" | "checkboxSingleSelect"
  >;
  /** @default - Graph's default (false) */
  readonly required?: pulumi.Input<boolean>;
  /** @default - Graph's default (false) */
  readonly hidden?: pulumi.Input<boolean>;
  /** @default - Graph's default (true) */
  readonly editable?: pulumi.Input<boolean>;
  /** @default - Graph's default (true) */
  readonly writeToDirectory?: pulumi.Input<boolean>;
  /** @default - Graph's default */
  readonly validationRegEx?: pulumi.Input<string>;
  /** @default - none */
  readonly defaultValue?: pulumi.Input<string>;
  /** Choices of radio/checkbox inputs. @default - none */
  readonly options?: pulumi.Input<pulumi.Input<{ label: string; value: string }>[]>;
}

export interface AuthenticationEventsFlowArgs extends GraphResourceArgs {
  /** Unique in the tenant; the key for `adoptExisting`. Renaming updates in place. */
  readonly displayName: pulumi.Input<string>;
  /** @default - none */
  readonly description?: pulumi.Input<string>;
  /** Sign-up identity providers, e.g. "EmailPassword-OAUTH", "EmailOtpSignup-OAUTH", "Google-OAUTH". @default ["EmailPassword-OAUTH"] */
  readonly identityProviderIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Attributes collected. @default [] */
  readonly attributes?: pulumi.Input<pulumi.Input<AuthenticationEventsFlowAttribute>[]>;
  /**
   * The page in order. Graph replaces it whole on update, so this is always the complete list; the preview
   * names the inputs a change removes (`removedPageInputs`). @default []
   */
  readonly inputs?: pulumi.Input<pulumi.Input<AuthenticationEventsFlowPageInput>[]>;
  /** Whether new users may sign up (false: sign-in only). @default true */
  readonly isSignUpAllowed?: pulumi.Input<boolean>;
  /**
   * Client ids (appId) of the applications that use this flow. An application can be in only one flow:
   * one already in another flow is refused at preview, naming that flow. @default []
   */
  readonly includeApplications?: pulumi.Input<pulumi.Input<string>[]>;
  /** An attributeCollectionStart CustomAuthenticationExtension's extensionId. @default - none (unwired) */
  readonly onAttributeCollectionStartExtensionId?: pulumi.Input<string>;
  /** An attributeCollectionSubmit CustomAuthenticationExtension's extensionId. @default - none (unwired) */
  readonly onAttributeCollectionSubmitExtensionId?: pulumi.Input<string>;
  /**
   * How Start/Submit are attached (undocumented in v1.0): beta `$ref`, beta listener, or v1.0 PATCH. The
   * others are tried when the tenant refuses this one; the result is read back. @default "betaRef"
   */
  readonly attachVariant?: pulumi.Input<"betaRef" | "betaListener" | "v1Patch">;
  /** Take over the tenant's flow with this display name instead of failing. @default false */
  readonly adoptExisting?: pulumi.Input<boolean>;
}

/**
 * An external-tenant self-service sign-up flow (`externalUsersSelfServiceSignUpEventsFlow`) with its
 * identity providers, attributes, page, Start/Submit extensions and applications.
 * https://learn.microsoft.com/graph/api/resources/externalusersselfservicesignupeventsflow
 */
export class AuthenticationEventsFlow extends GraphResource {
  declare readonly flowId: pulumi.Output<string>;
  declare readonly displayName: pulumi.Output<string>;
  declare readonly identityProviderIds: pulumi.Output<string[]>;
  declare readonly includeApplications: pulumi.Output<string[]>;
  /** Page inputs the last change removed (empty when none). */
  declare readonly removedPageInputs: pulumi.Output<string[]>;

  constructor(name: string, args: AuthenticationEventsFlowArgs, opts?: pulumi.CustomResourceOptions) {
    super("AuthenticationEventsFlow", name, ["flowId", "wiring", "converged"], args, opts);
  }
}
