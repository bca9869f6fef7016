/**
 * The `entra-signup` package schema as the engine and `pulumi package gen-sdk` read it (Pulumi package
 * schema, https://www.pulumi.com/docs/iac/extending-pulumi/schema/). The file `provider/schema.json` is
 * generated from the TypeScript types by `npm run build:schema` (provider/generateSchema.ts); a test
 * regenerates it and fails when the two differ.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const PACKAGE_NAME = "entra-signup";
export const SCHEMA_FILE = path.join(__dirname, "schema.json");

/** A property or item type (`TypeSpec` + `PropertySpec` of the Pulumi package schema). */
export interface PropertySpec {
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  description?: string;
  secret?: boolean;
  default?: unknown;
}

export interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface EnumTypeSpec {
  type: "string" | "number";
  description?: string;
  enum: { value: string | number; name?: string; description?: string }[];
}

export type ComplexTypeSpec = ObjectTypeSpec | EnumTypeSpec;

export interface ResourceSpec {
  isComponent: true;
  description?: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs?: string[];
  properties: Record<string, PropertySpec>;
  required?: string[];
}

export interface PackageSchema {
  name: string;
  displayName?: string;
  version: string;
  description?: string;
  license?: string;
  repository?: string;
  keywords?: string[];
  types: Record<string, ComplexTypeSpec>;
  resources: Record<string, ResourceSpec>;
  language?: Record<string, unknown>;
}

export function loadSchema(file = SCHEMA_FILE): PackageSchema {
  return JSON.parse(fs.readFileSync(file, "utf8")) as PackageSchema;
}

/** The object type a `$ref` like `#/types/entra-signup:index:Name` points at, if it is one. */
export function refTarget(schema: PackageSchema, ref: string | undefined): ComplexTypeSpec | undefined {
  if (!ref?.startsWith("#/types/")) return undefined;
  return schema.types[decodeURIComponent(ref.slice("#/types/".length))];
}
