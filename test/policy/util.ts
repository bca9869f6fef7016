/**
 * Hand-built CrossGuard arguments, like pulumi-policy-aws `src/tests/util.ts`: run one rule on one
 * resource (or a stack of resources) and collect the violations, without starting the analyzer.
 */
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

export interface FakeResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  stack?: string;
}

const urnOf = (r: FakeResource) => `urn:pulumi:${r.stack ?? "dev"}::entra-signup::${r.type}::${r.name}`;

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason ?? ""}`);
}

export async function runResourceRule(
  policy: ResourceValidationPolicy,
  resource: FakeResource,
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const violations: string[] = [];
  const args = {
    type: resource.type,
    name: resource.name,
    urn: urnOf(resource),
    props: resource.props,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
    stackTags: new Map<string, string>(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  } as unknown as ResourceValidationArgs;
  const validations = [policy.validateResource ?? []].flat();
  for (const validate of validations) await validate(args, (message) => violations.push(message));
  return violations;
}

export async function runStackRule(
  policy: StackValidationPolicy,
  resources: FakeResource[],
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const violations: string[] = [];
  const policyResources = resources.map(
    (r) =>
      ({
        type: r.type,
        name: r.name,
        urn: urnOf(r),
        props: r.props,
        opts: {},
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
      }) as unknown as PolicyResource,
  );
  const args: StackValidationArgs = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  await policy.validateStack(args, (message) => violations.push(message));
  return violations;
}

/** The two publishing-credential policies ConnectorFunctionApp adds for an app, as stack resources. */
export function basicPublishingOffFor(siteName: string, allow = false): FakeResource[] {
  return [
    { type: "azure-native:web:WebAppFtpAllowed", name: "ftp", props: { name: siteName, allow } },
    { type: "azure-native:web:WebAppScmAllowed", name: "scm", props: { name: siteName, allow } },
  ];
}

/** A Flex Function App's inputs as ConnectorFunctionApp produces them, with overrides. */
export function functionAppProps(
  overrides: Record<string, unknown> = {},
  settings: Record<string, string> = {},
) {
  return {
    name: "func-dev-0a1b2c3d",
    kind: "functionapp,linux",
    httpsOnly: true,
    siteConfig: {
      minTlsVersion: "1.2",
      appSettings: Object.entries({ CONNECTOR_AUTH_MODE: "certificate", ...settings }).map(
        ([name, value]) => ({
          name,
          value,
        }),
      ),
    },
    functionAppConfig: { scaleAndConcurrency: { alwaysReady: [{ name: "http", instanceCount: 1 }] } },
    ...overrides,
  };
}
