/**
 * Generates the `entra-signup` package schema from the TypeScript types the library exports, so the
 * schema cannot drift from the component: every property of `SelfServiceSignUpArgs` (recursively) becomes
 * an input, every public `Output` of `SelfServiceSignUp` an output, each with its TSDoc text and `@default`.
 * `npm run build:schema` writes provider/schema.json; test/package/schema.test.ts fails when it is stale.
 *
 * Mapping (Pulumi package schema: https://www.pulumi.com/docs/iac/extending-pulumi/schema/):
 * - `pulumi.Input<T>` is T; optional properties are not `required`.
 * - string-literal unions are enum types (`GraphCloud`, `ConnectorStep`, …); boolean, number, string as is.
 * - arrays are arrays, `Record<string, V>` is a map (`additionalProperties`).
 * - interfaces and object types are object types named after their declaration (a trailing `Args` or
 *   `Input` dropped, because SDK generators add their own suffix) or after their property path.
 * - a union of object types (e.g. `ConnectorHosting`) is flattened into one object type: the properties of
 *   all members, the discriminant as an enum, each member-only property documented with its discriminant.
 * - any other union (e.g. a domain given as a string or an object) is `pulumi.json#/Any`: the component
 *   validates it when constructed, with the same errors a TypeScript program gets.
 * - a property is secret when its type is `pulumi.Input<…>` and its TSDoc (or, when it has none, its
 *   parent's) says "secret" in parentheses, the project's convention, e.g. "Basic password (secret)".
 * - functions have no schema form: a function-typed input fails the generation.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import {
  PACKAGE_NAME,
  SCHEMA_FILE,
  type ComplexTypeSpec,
  type ObjectTypeSpec,
  type PackageSchema,
  type PropertySpec,
  type ResourceSpec,
} from "./schema";

const repoRoot = path.resolve(__dirname, "..");

/** The components the package offers: class and args interface, both exported from src/index.ts. */
export const PACKAGE_COMPONENTS = [
  { className: "SelfServiceSignUp", argsName: "SelfServiceSignUpArgs" },
] as const;

const ANY: PropertySpec = { $ref: "pulumi.json#/Any" };
const SECRET_DOC = /\([^)]*\bsecret\b[^)]*\)/i;

class Generator {
  readonly types: Record<string, ComplexTypeSpec> = {};
  private readonly named = new Map<ts.Type, string>();
  private readonly problems: string[] = [];

  constructor(private readonly checker: ts.TypeChecker) {}

  failIfProblems(): void {
    if (this.problems.length > 0) {
      throw new Error(`the package schema cannot express these inputs:\n  ${this.problems.join("\n  ")}`);
    }
  }

  docOf(symbol: ts.Symbol): string {
    const text = ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim();
    const dflt = symbol.getJsDocTags(this.checker).find((t) => t.name === "default");
    const dfltText = dflt ? ts.displayPartsToString(dflt.text).trim() : "";
    return [text, dfltText ? `Default: ${dfltText.replace(/^-\s*/, "")}.` : ""].filter(Boolean).join("\n\n");
  }

  /** The object type's properties as schema properties, with the names of those that are required. */
  properties(
    type: ts.Type,
    at: string,
    parentDoc: string,
  ): { properties: Record<string, PropertySpec>; required: string[] } {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const prop of this.checker.getPropertiesOfType(type)) {
      properties[prop.name] = this.property(prop, `${at}.${prop.name}`, parentDoc);
      if (
        !(prop.flags & ts.SymbolFlags.Optional) &&
        !this.includesUndefined(this.checker.getTypeOfSymbol(prop))
      ) {
        required.push(prop.name);
      }
    }
    return { properties, required };
  }

  property(prop: ts.Symbol, at: string, parentDoc: string, description = this.docOf(prop)): PropertySpec {
    const { members, isInput } = this.unwrap(this.checker.getTypeOfSymbol(prop));
    const hint = typeNameFromDeclaration(prop) ?? pascal(at.split(".").slice(-2).map(dropSuffix).join("-"));
    const spec: PropertySpec = { ...this.convert(members, at, hint, description) };
    if (description) spec.description = description;
    if (isInput && SECRET_DOC.test(description || parentDoc)) spec.secret = true;
    return spec;
  }

  includesUndefined(type: ts.Type): boolean {
    return type.isUnion() && type.types.some((t) => t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void));
  }

  /** The union's members without undefined/null and without the `Promise`/`Output` arms of `pulumi.Input`. */
  unwrap(type: ts.Type): { members: ts.Type[]; isInput: boolean } {
    const all = type.isUnion() ? type.types : [type];
    let isInput = false;
    const members: ts.Type[] = [];
    for (const t of all) {
      // `pulumi.Output<T>` is an intersection (`OutputInstance<T> & Lifted<T>`) aliased as Output: take T.
      if (
        (t.aliasSymbol?.getName() === "Output" || t.aliasSymbol?.getName() === "Input") &&
        t.aliasTypeArguments?.[0]
      ) {
        const inner = this.unwrap(t.aliasTypeArguments[0]);
        members.push(...inner.members);
        isInput = true;
        continue;
      }
      if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) continue;
      const name = t.getSymbol()?.getName();
      if (name === "Promise" || name === "OutputInstance" || name === "Output") {
        isInput = true;
        continue;
      }
      members.push(t);
    }
    return { members, isInput };
  }

  convert(members: ts.Type[], at: string, hint: string, description: string): PropertySpec {
    if (members.length === 0) return ANY;
    if (members.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: "boolean" };
    if (members.every((t) => t.isStringLiteral())) {
      if (members.length === 1) return { type: "string" };
      return this.enumType(hint, members as ts.StringLiteralType[]);
    }
    if (members.every((t) => t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)))
      return { type: "number" };
    if (members.length > 1) {
      if (members.every((t) => this.isPlainObject(t))) return this.objectType(members, at, hint, description);
      return ANY;
    }
    const t = members[0]!;
    if (t.flags & ts.TypeFlags.String) return { type: "string" };
    if (t.flags & ts.TypeFlags.Number) return { type: "number" };
    if (t.flags & ts.TypeFlags.Boolean) return { type: "boolean" };
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return ANY;
    if (this.checker.isArrayType(t) || this.checker.isTupleType(t)) {
      const element = this.checker.getIndexTypeOfType(t, ts.IndexKind.Number);
      const inner = element ? this.unwrap(element).members : [];
      return { type: "array", items: this.convert(inner, `${at}[]`, singular(hint), "") };
    }
    if (t.getCallSignatures().length > 0) {
      this.problems.push(
        `${at}: a function; inputs must be data (pass a value the component can compute from)`,
      );
      return ANY;
    }
    if (t.flags & ts.TypeFlags.Object || t.isIntersection()) {
      const index = this.checker.getIndexTypeOfType(t, ts.IndexKind.String);
      if (index && this.checker.getPropertiesOfType(t).length === 0) {
        return {
          type: "object",
          additionalProperties: this.convert(this.unwrap(index).members, `${at}{}`, singular(hint), ""),
        };
      }
      return this.objectType([t], at, hint, description);
    }
    this.problems.push(`${at}: type ${this.checker.typeToString(t)} has no schema form`);
    return ANY;
  }

  isPlainObject(t: ts.Type): boolean {
    return (
      !!(t.flags & ts.TypeFlags.Object || t.isIntersection()) &&
      !this.checker.isArrayType(t) &&
      t.getCallSignatures().length === 0
    );
  }

  enumType(hint: string, literals: ts.StringLiteralType[]): PropertySpec {
    const values = literals.map((l) => l.value);
    return { $ref: this.register(hint, { type: "string", enum: values.map((value) => ({ value })) }) };
  }

  /** One object type; several members (a union) are merged, their discriminant becoming an enum. */
  objectType(members: ts.Type[], at: string, hint: string, description: string): PropertySpec {
    // Only declared types (interfaces, aliases) are shared by name; an anonymous shape is named per use.
    const key = members.length === 1 && objectName(members[0]!) ? members[0]! : undefined;
    const known = key && this.named.get(key);
    if (known) return { $ref: `#/types/${tokenOf(known)}` };
    const name = this.uniqueName(members.length === 1 ? (objectName(members[0]!) ?? hint) : hint);
    if (key) this.named.set(key, name);
    this.types[tokenOf(name)] = { type: "object", properties: {} }; // reserve (recursion)
    let spec: ObjectTypeSpec;
    if (members.length === 1) {
      const { properties, required } = this.properties(members[0]!, at, description);
      spec = { type: "object", properties, ...(required.length ? { required } : {}) };
    } else {
      spec = this.mergedUnion(members, at, name, description);
    }
    if (description) spec.description = description;
    this.types[tokenOf(name)] = spec;
    return { $ref: `#/types/${tokenOf(name)}` };
  }

  mergedUnion(members: ts.Type[], at: string, name: string, description: string): ObjectTypeSpec {
    const byName = new Map<string, { member: number; symbol: ts.Symbol }[]>();
    members.forEach((m, member) => {
      for (const symbol of this.checker.getPropertiesOfType(m)) {
        byName.set(symbol.name, [...(byName.get(symbol.name) ?? []), { member, symbol }]);
      }
    });
    const literalOf = (s: ts.Symbol) => {
      const t = this.checker.getTypeOfSymbol(s);
      return t.isStringLiteral() ? t.value : undefined;
    };
    const discriminant = [...byName].find(
      ([, occ]) => occ.length === members.length && occ.every((o) => literalOf(o.symbol) !== undefined),
    )?.[0];
    const valueOfMember = (member: number) =>
      discriminant
        ? literalOf(byName.get(discriminant)!.find((o) => o.member === member)!.symbol)
        : undefined;
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const [prop, occ] of byName) {
      if (prop === discriminant) {
        const values = occ.map((o) => literalOf(o.symbol)!);
        properties[prop] = {
          ...this.enumType(
            `${name}${pascal(prop)}`,
            values.map((v) => ({ value: v }) as ts.StringLiteralType),
          ),
          description: `Which kind of ${name}: ${values.map((v) => `"${v}"`).join(", ")}.`,
        };
        required.push(prop);
        continue;
      }
      const doc = this.docOf(occ[0]!.symbol);
      const only =
        occ.length < members.length && discriminant
          ? `Used when \`${discriminant}\` is ${occ.map((o) => `"${valueOfMember(o.member)}"`).join(" or ")}.`
          : "";
      properties[prop] = this.property(
        occ[0]!.symbol,
        `${at}.${prop}`,
        description,
        [doc, only].filter(Boolean).join("\n\n"),
      );
      const everywhereRequired =
        occ.length === members.length &&
        occ.every(
          (o) =>
            !(o.symbol.flags & ts.SymbolFlags.Optional) &&
            !this.includesUndefined(this.checker.getTypeOfSymbol(o.symbol)),
        );
      if (everywhereRequired) required.push(prop);
    }
    return { type: "object", properties, ...(required.length ? { required } : {}) };
  }

  /** Registers a complex type under `name`, reusing an identical one; returns its `$ref`. */
  register(name: string, spec: ComplexTypeSpec): string {
    let candidate = name;
    for (let i = 2; ; i++) {
      const existing = this.types[tokenOf(candidate)];
      if (!existing || JSON.stringify(existing) === JSON.stringify(spec)) break;
      candidate = `${name}${i}`;
    }
    this.types[tokenOf(candidate)] = spec;
    return `#/types/${tokenOf(candidate)}`;
  }

  uniqueName(name: string): string {
    let candidate = name;
    for (let i = 2; this.types[tokenOf(candidate)]; i++) candidate = `${name}${i}`;
    return candidate;
  }
}

const tokenOf = (name: string) => `${PACKAGE_NAME}:index:${name}`;
const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
const singular = (s: string) =>
  s.endsWith("ies") ? `${s.slice(0, -3)}y` : s.endsWith("s") ? s.slice(0, -1) : s;
const dropSuffix = (s: string) => s.replace(/(Args|Input)$/, "") || s;

/** The name a property's declared type has in the source (`UserFlowInput` → `UserFlow`), if it is a plain reference. */
function typeNameFromDeclaration(prop: ts.Symbol): string | undefined {
  const decl = prop.valueDeclaration ?? prop.declarations?.[0];
  let node = decl && (ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl)) ? decl.type : undefined;
  // `pulumi.Input<X>` and `readonly X[]` name X.
  while (node) {
    if (ts.isTypeOperatorNode(node) || ts.isParenthesizedTypeNode(node)) node = node.type;
    else if (ts.isArrayTypeNode(node)) node = node.elementType;
    else if (
      ts.isTypeReferenceNode(node) &&
      ts.isQualifiedName(node.typeName) &&
      node.typeName.right.text === "Input"
    )
      node = node.typeArguments?.[0];
    else break;
  }
  if (node && ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && !node.typeArguments) {
    return dropSuffix(node.typeName.text);
  }
  return undefined;
}

function objectName(t: ts.Type): string | undefined {
  const alias = t.aliasSymbol?.getName();
  if (
    alias &&
    !["Partial", "Record", "Omit", "Pick", "Required", "Readonly", "input", "output", "infer"].includes(alias)
  )
    return dropSuffix(alias);
  const name = t.getSymbol()?.getName();
  if (name && !name.startsWith("__")) return dropSuffix(name);
  return undefined;
}

function loadProgram(root: string): ts.Program {
  const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  return ts.createProgram([path.join(root, "src", "index.ts")], { ...parsed.options, noEmit: true });
}

/** The package schema for the components exported from `<root>/src/index.ts`. */
export function generateSchema(root = repoRoot): PackageSchema {
  const program = loadProgram(root);
  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(path.join(root, "src", "index.ts"));
  const moduleSymbol = entry && checker.getSymbolAtLocation(entry);
  if (!moduleSymbol) throw new Error("src/index.ts not found or not a module");
  const exported = new Map(
    checker.getExportsOfModule(moduleSymbol).map((s) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      return [s.getName(), target] as const;
    }),
  );
  const gen = new Generator(checker);
  const resources: Record<string, ResourceSpec> = {};
  for (const { className, argsName } of PACKAGE_COMPONENTS) {
    const classSymbol = exported.get(className);
    const argsSymbol = exported.get(argsName);
    if (!classSymbol || !argsSymbol) throw new Error(`src/index.ts must export ${className} and ${argsName}`);
    const args = gen.properties(checker.getDeclaredTypeOfSymbol(argsSymbol), argsName, "");
    const outputs = componentOutputs(gen, checker, classSymbol);
    const description = gen.docOf(classSymbol);
    resources[tokenOf(className)] = {
      isComponent: true,
      ...(description ? { description } : {}),
      inputProperties: args.properties,
      requiredInputs: args.required,
      properties: outputs.properties,
      required: outputs.required,
    };
  }
  gen.failIfProblems();
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
    version: string;
    description?: string;
    license?: string;
  };
  return {
    name: PACKAGE_NAME,
    displayName: "Entra self-service sign-up",
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    keywords: ["category/utility", "kind/component", "entra", "external-id", "b2b", "sign-up"],
    types: Object.fromEntries(Object.entries(gen.types).sort(([a], [b]) => a.localeCompare(b))),
    resources,
    language: {
      go: {
        importBasePath: "github.com/entra-signup/entra-signup/sdk/go/entrasignup",
        generateResourceContainerTypes: false,
      },
      nodejs: { packageName: "entra-signup" },
      python: { packageName: "entra_signup", pyproject: { enabled: true } },
      csharp: { rootNamespace: "EntraSignup", packageReferences: { Pulumi: "3.*" } },
    },
  };
}

/** The component's public readonly `Output` (and plain-data) properties, declared in its class. */
function componentOutputs(gen: Generator, checker: ts.TypeChecker, classSymbol: ts.Symbol) {
  const properties: Record<string, PropertySpec> = {};
  const required: string[] = [];
  const classDecl = classSymbol.declarations?.find(ts.isClassDeclaration);
  for (const member of classDecl?.members ?? []) {
    if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
    const modifiers = ts.getCombinedModifierFlags(member);
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static))
      continue;
    const symbol = checker.getSymbolAtLocation(member.name);
    if (!symbol) continue;
    const type = checker.getTypeOfSymbol(symbol);
    const { members } = gen.unwrap(type);
    // A child component (e.g. `functionApp`) is a resource, not data: a program reads its outputs
    // through the component's own outputs instead.
    if (members.some((t) => t.getProperty("urn") && t.getProperty("getProvider"))) continue;
    properties[symbol.name] = gen.property(symbol, `${classSymbol.name}.${symbol.name}`, "");
    const optional = !!member.questionToken || gen.includesUndefined(type);
    if (!optional) required.push(symbol.name);
  }
  return { properties, required };
}

if (require.main === module) {
  const schema = generateSchema();
  fs.writeFileSync(SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(
    `wrote ${path.relative(process.cwd(), SCHEMA_FILE)}: ${Object.keys(schema.types).length} types`,
  );
}
