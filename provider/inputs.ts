/**
 * Turns the inputs the engine sends to `construct` into the arguments a TypeScript program would pass:
 * plain data where the component validates plain data, `pulumi.secret(…)` exactly at the properties the
 * schema marks secret. Values arrive as plain values, engine secrets, or `Output`s (a dependency on
 * another resource, a secret, or unknown in preview); all are resolved here, so the component's
 * validation sees the same data in every language.
 */
import * as pulumi from "@pulumi/pulumi";
import { isRpcSecret, unknownValue, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";
import { refTarget, type PackageSchema, type PropertySpec, type ResourceSpec } from "./schema";

interface Resolved {
  value: unknown;
  secret: boolean;
  unknown: boolean;
}

/** The `Output` internals every `Output` carries (`@pulumi/pulumi/output.ts` `OutputImpl`). */
interface OutputInternals {
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  promise(withUnknowns?: boolean): Promise<unknown>;
}

/** Deeply resolves outputs and engine secrets, remembering whether any part was secret or unknown. */
async function resolve(value: unknown): Promise<Resolved> {
  if (pulumi.Output.isInstance(value)) {
    const o = value as unknown as OutputInternals;
    const [known, secret] = await Promise.all([o.isKnown, o.isSecret]);
    if (!known) return { value: undefined, secret, unknown: true };
    const inner = await resolve(await o.promise(true));
    return { ...inner, secret: inner.secret || secret };
  }
  if (isRpcSecret(value)) {
    const inner = await resolve(unwrapRpcSecret(value));
    return { ...inner, secret: true };
  }
  if (value === unknownValue) return { value: undefined, secret: false, unknown: true };
  if (Array.isArray(value)) {
    const items = await Promise.all(value.map(resolve));
    return {
      value: items.map((i) => i.value),
      secret: items.some((i) => i.secret),
      unknown: items.some((i) => i.unknown),
    };
  }
  if (value !== null && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolve(v)] as const),
    );
    return {
      value: Object.fromEntries(
        entries.filter(([, r]) => r.value !== undefined).map(([k, r]) => [k, r.value]),
      ),
      secret: entries.some(([, r]) => r.secret),
      unknown: entries.some(([, r]) => r.unknown),
    };
  }
  return { value: value === null ? undefined : value, secret: false, unknown: false };
}

/**
 * Walks the original value with its schema: a secret property becomes `pulumi.secret(plain)`; a secret
 * or unknown value anywhere else is refused with the key path, because the component needs it as plain
 * data (it would land in state unencrypted, or cannot be validated before it is known).
 */
async function shape(
  value: unknown,
  spec: PropertySpec | undefined,
  schema: PackageSchema,
  at: string,
): Promise<unknown> {
  if (spec?.secret) {
    const r = await resolve(value);
    return r.unknown ? value : r.value === undefined ? undefined : pulumi.secret(r.value);
  }
  if (pulumi.Output.isInstance(value) || isRpcSecret(value) || value === unknownValue) {
    const r = await resolve(value);
    if (r.unknown) {
      throw new Error(
        `${at}: the value is not known yet (it comes from another resource's output during preview); ` +
          `SelfServiceSignUp validates this input as plain data when it is constructed — pass a literal or a stack config value`,
      );
    }
    if (r.secret && !containsSecretProperty(spec, schema)) {
      throw new Error(
        `${at}: a secret was given where the schema has plain data, and it would be stored unencrypted; ` +
          `pass it as plain text (only the properties the schema marks secret take secrets)`,
      );
    }
    return shape(r.value, spec, schema, at);
  }
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    return Promise.all(value.map((v, i) => shape(v, spec?.items, schema, `${at}[${i}]`)));
  }
  if (typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    const target = refTarget(schema, spec?.$ref);
    const props = target && "properties" in target ? target.properties : undefined;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const child = props ? props[k] : spec?.additionalProperties;
      const shaped = await shape(v, child, schema, `${at}.${k}`);
      if (shaped !== undefined) out[k] = shaped;
    }
    return out;
  }
  return value;
}

function containsSecretProperty(
  spec: PropertySpec | undefined,
  schema: PackageSchema,
  seen = new Set<string>(),
): boolean {
  if (!spec) return false;
  if (spec.secret) return true;
  if (spec.items) return containsSecretProperty(spec.items, schema, seen);
  if (spec.additionalProperties) return containsSecretProperty(spec.additionalProperties, schema, seen);
  if (!spec.$ref || seen.has(spec.$ref)) return false;
  seen.add(spec.$ref);
  const target = refTarget(schema, spec.$ref);
  return (
    !!target &&
    "properties" in target &&
    Object.values(target.properties).some((p) => containsSecretProperty(p, schema, seen))
  );
}

/** The component's arguments from `construct`'s inputs, shaped by the resource's schema. */
export async function componentInputs(
  resource: ResourceSpec,
  schema: PackageSchema,
  inputs: pulumi.Inputs,
): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inputs)) {
    const shaped = await shape(value, resource.inputProperties[key], schema, key);
    if (shaped !== undefined) args[key] = shaped;
  }
  return args;
}
