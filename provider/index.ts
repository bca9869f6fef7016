/**
 * The `entra-signup` Pulumi package's provider: `construct` builds the same TypeScript `SelfServiceSignUp`
 * a TypeScript program would, so a Python, Go, C# or YAML program gets identical behaviour. The Graph
 * resources inside stay dynamic resources; the engine runs them in its `pulumi-nodejs` provider.
 * Learn: https://www.pulumi.com/docs/iac/guides/building-extending/components/
 */
import * as pulumi from "@pulumi/pulumi";
import * as provider from "@pulumi/pulumi/provider";
import { SelfServiceSignUp, type SelfServiceSignUpArgs } from "../src";
import { componentInputs } from "./inputs";
import { PACKAGE_NAME, loadSchema, type PackageSchema } from "./schema";

const SELF_SERVICE_SIGN_UP = `${PACKAGE_NAME}:index:SelfServiceSignUp`;

export class EntraSignupProvider implements provider.Provider {
  readonly version: string;
  readonly schema: string;
  private readonly parsed: PackageSchema;

  constructor(schema: PackageSchema = loadSchema()) {
    this.parsed = schema;
    this.version = schema.version;
    this.schema = JSON.stringify(schema);
  }

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<provider.ConstructResult> {
    if (type !== SELF_SERVICE_SIGN_UP) {
      throw new Error(`unknown component type "${type}": this package offers ${SELF_SERVICE_SIGN_UP}`);
    }
    const spec = this.parsed.resources[SELF_SERVICE_SIGN_UP]!;
    const args = (await componentInputs(spec, this.parsed, inputs)) as unknown as SelfServiceSignUpArgs;
    const component = new SelfServiceSignUp(name, args, options);
    // Every output the schema lists (generated from the class's public properties), read off the component.
    const outputs = component as unknown as Record<string, unknown>;
    return {
      urn: component.urn,
      state: Object.fromEntries(Object.keys(spec.properties).map((key) => [key, outputs[key]])),
    };
  }
}

if (require.main === module) {
  provider.main(new EntraSignupProvider(), process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
