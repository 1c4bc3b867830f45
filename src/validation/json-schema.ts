/**
 * The one validator of request arguments, shared by the client and the emulator. It runs the
 * JSON Schemas that `npm run generate` derives from the spec (generated/validators.ts: refs
 * resolved to named definitions, formats already turned into keywords, and only the keywords
 * below, which the generator checks), and reports failures as Ajv's error objects with Ajv's
 * messages. It compiles nothing at run time (no `new Function`, so it runs under a strict CSP
 * and in Workers), and weighs a fraction of Ajv's standalone output; a differential test holds
 * it to Ajv's verdicts on generated inputs.
 *
 * Like Ajv with `allErrors: false`, it stops at the first failure, except inside `oneOf`, whose
 * report lists why each branch failed before the `oneOf` failure itself.
 */

/** A schema as generated: JSON Schema keywords, `$ref` naming a definition. */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly oneOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly default?: unknown;
}

/** Ajv's error object. */
export interface ValidationIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A validator in Ajv's shape: a predicate whose `errors` says why it last said no. */
export interface ArgumentValidator {
  (data: unknown): boolean;
  errors?: ValidationIssue[] | null;
}

/** The keywords this validator implements: compiling a schema with any other throws, rather than ignore it. */
const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  "$ref", "type", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems",
  "uniqueItems", "items", "required", "properties", "additionalProperties", "oneOf", "allOf", "default",
]);

function pointer(key: string | number): string {
  return "/" + String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Length in code points, as JSON Schema counts it (Ajv's ucs2length). */
const codePoints = (text: string): number => text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);

function hasType(data: unknown, type: string): boolean {
  return type === "integer"
    ? Number.isInteger(data)
    : type === "number"
      ? Number.isFinite(data) // NaN and Infinity too are refused: JSON cannot carry them
      : type === "null"
        ? data === null
        : type === "array"
          ? Array.isArray(data)
          : type === "object"
            ? typeof data === "object" && data !== null && !Array.isArray(data)
            : (type === "string" || type === "boolean") && typeof data === type;
}

/** Deep equality of JSON values, for enum and uniqueItems. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || a.constructor !== b.constructor) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * A repeated pair as Ajv reports it ({ i, j } = the pair's order here). Ajv finds duplicates among
 * items of a scalar type by value ([earlier, later], for the last item that repeats an earlier
 * one), others by deep equality ([later, earlier], the first pair scanning from the end), and
 * names the pair differently in each case; both are followed so that reports match.
 */
function duplicate(items: readonly unknown[], scalar: boolean): [number, number] | undefined {
  if (scalar) {
    const seen = new Map<unknown, number>();
    for (let i = items.length - 1; i >= 0; i--) {
      const later = seen.get(items[i]);
      if (later !== undefined) return [i, later];
      seen.set(items[i], i);
    }
  } else {
    for (let i = items.length - 1; i > 0; i--) for (let j = i - 1; j >= 0; j--) if (equal(items[i], items[j])) return [i, j];
  }
  return undefined;
}

const SCALAR_TYPES = ["string", "number", "integer", "boolean", "null"];
// Each pattern compiled once, however many schemas and calls use it.
const patterns = new Map<string, RegExp>();
const regex = (pattern: string): RegExp => patterns.get(pattern) ?? patterns.set(pattern, new RegExp(pattern, "u")).get(pattern)!;

/**
 * A validator of `root`, whose `$ref`s name entries of `definitions`. Every schema it reaches is
 * checked first, so that an unknown keyword or reference fails here, not at the first call; the
 * schemas are then interpreted as they stand (no code is generated).
 */
export function compileSchema(root: Schema, definitions: Readonly<Record<string, Schema>>): ArgumentValidator {
  const definition = (name: string): Schema => {
    const schema = definitions[name];
    if (schema === undefined) throw new Error(`no schema definition named ${name}`);
    return schema;
  };
  const verified = new Set<Schema>();
  const verify = (schema: Schema, at: string): void => {
    if (verified.has(schema)) return;
    verified.add(schema);
    const unknown = Object.keys(schema).find((keyword) => !SUPPORTED_KEYWORDS.has(keyword));
    if (unknown !== undefined) throw new Error(`${at} uses the JSON Schema keyword "${unknown}", which the shared validator does not implement`);
    if (schema.$ref !== undefined) verify(definition(schema.$ref), `#/definitions/${schema.$ref}`);
    if (schema.pattern !== undefined) regex(schema.pattern);
    if (schema.items !== undefined) verify(schema.items, `${at}/items`);
    for (const [name, s] of Object.entries(schema.properties ?? {})) verify(s, `${at}/properties${pointer(name)}`);
    if (typeof schema.additionalProperties === "object") verify(schema.additionalProperties, `${at}/additionalProperties`);
    schema.allOf?.forEach((s, i) => verify(s, `${at}/allOf/${i}`));
    schema.oneOf?.forEach((s, i) => verify(s, `${at}/oneOf/${i}`));
  };
  verify(root, "#");

  // In Ajv's order, and stopping at the first failure: $ref, type; strings and numbers by their
  // limits; arrays by size, items, then uniqueness; objects by required, unknown, then known
  // properties; then enum, allOf, oneOf.
  function valid(schema: Schema, at: string, data: unknown, path: string, issues: ValidationIssue[]): boolean {
    const fail = (keyword: string, params: Record<string, unknown>, message: string): false => {
      issues.push({ instancePath: path, schemaPath: `${at}/${keyword}`, keyword, params, message });
      return false;
    };
    const { $ref, type, maxLength, minLength, pattern, maximum, minimum, maxItems, minItems, items, required, properties, additionalProperties } = schema;
    if ($ref !== undefined && !valid(definition($ref), `#/definitions/${$ref}`, data, path, issues)) return false;
    if (type !== undefined) {
      const types = typeof type === "string" ? [type] : type;
      if (!types.some((t) => hasType(data, t))) return fail("type", { type: types.join(",") }, `must be ${types.join(",")}`);
    }
    if (typeof data === "string") {
      if (maxLength !== undefined && codePoints(data) > maxLength) return fail("maxLength", { limit: maxLength }, `must NOT have more than ${maxLength} characters`);
      if (minLength !== undefined && codePoints(data) < minLength) return fail("minLength", { limit: minLength }, `must NOT have fewer than ${minLength} characters`);
      if (pattern !== undefined && !regex(pattern).test(data)) return fail("pattern", { pattern }, `must match pattern "${pattern}"`);
    }
    if (typeof data === "number") {
      if (maximum !== undefined && !(data <= maximum)) return fail("maximum", { comparison: "<=", limit: maximum }, `must be <= ${maximum}`);
      if (minimum !== undefined && !(data >= minimum)) return fail("minimum", { comparison: ">=", limit: minimum }, `must be >= ${minimum}`);
    }
    if (Array.isArray(data)) {
      if (maxItems !== undefined && data.length > maxItems) return fail("maxItems", { limit: maxItems }, `must NOT have more than ${maxItems} items`);
      if (minItems !== undefined && data.length < minItems) return fail("minItems", { limit: minItems }, `must NOT have fewer than ${minItems} items`);
      if (items !== undefined) for (let i = 0; i < data.length; i++) if (!valid(items, `${at}/items`, data[i], path + pointer(i), issues)) return false;
      const pair = schema.uniqueItems === true ? duplicate(data, SCALAR_TYPES.includes(items?.type as string)) : undefined;
      if (pair !== undefined) return fail("uniqueItems", { i: pair[0], j: pair[1] }, `must NOT have duplicate items (items ## ${pair[1]} and ${pair[0]} are identical)`);
    }
    if (hasType(data, "object") && (required ?? properties ?? additionalProperties) !== undefined) {
      const object = data as Record<string, unknown>;
      const missing = required?.find((name) => object[name] === undefined);
      if (missing !== undefined) return fail("required", { missingProperty: missing }, `must have required property '${missing}'`);
      for (const key of Object.keys(object)) {
        if (properties !== undefined && Object.hasOwn(properties, key)) continue;
        if (additionalProperties === false) return fail("additionalProperties", { additionalProperty: key }, "must NOT have additional properties");
        if (typeof additionalProperties === "object" && !valid(additionalProperties, `${at}/additionalProperties`, object[key], path + pointer(key), issues)) return false;
      }
      for (const [name, s] of Object.entries(properties ?? {})) {
        if (object[name] !== undefined && !valid(s, `${at}/properties${pointer(name)}`, object[name], path + pointer(name), issues)) return false;
      }
    }
    if (schema.enum !== undefined && !schema.enum.some((v) => equal(v, data))) return fail("enum", { allowedValues: schema.enum }, "must be equal to one of the allowed values");
    if (schema.allOf !== undefined && !schema.allOf.every((s, i) => valid(s, `${at}/allOf/${i}`, data, path, issues))) return false;
    if (schema.oneOf !== undefined) {
      const reasons: ValidationIssue[] = [];
      const passing = schema.oneOf.flatMap((s, i) => (valid(s, `${at}/oneOf/${i}`, data, path, reasons) ? [i] : []));
      if (passing.length !== 1) {
        if (passing.length === 0) issues.push(...reasons);
        return fail("oneOf", { passingSchemas: passing.length === 0 ? null : passing }, "must match exactly one schema in oneOf");
      }
    }
    return true;
  }

  const validate: ArgumentValidator = (data) => {
    const issues: ValidationIssue[] = [];
    const ok = valid(root, "#", data, "", issues);
    validate.errors = ok ? null : issues;
    return ok;
  };
  return validate;
}

/**
 * `compileSchema` at the first call instead of now: the operation table holds one validator per
 * operation, and checking every schema when the package is imported was the largest part of our
 * own import time. test/codegen checks that each operation's schemas compile.
 */
export function compileSchemaOnFirstUse(root: Schema, definitions: Readonly<Record<string, Schema>>): ArgumentValidator {
  let compiled: ArgumentValidator | undefined;
  const validate: ArgumentValidator = (data) => {
    compiled ??= compileSchema(root, definitions);
    const ok = compiled(data);
    validate.errors = compiled.errors;
    return ok;
  };
  return validate;
}
