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

type Check = (data: unknown, path: string, issues: ValidationIssue[]) => boolean;

function pointer(key: string | number): string {
  return "/" + String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Length in code points, as JSON Schema counts it (Ajv's ucs2length). */
function codePoints(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    length++;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return length;
}

function hasType(data: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof data === "string";
    case "number":
      return typeof data === "number" && Number.isFinite(data);
    case "integer":
      return typeof data === "number" && Number.isInteger(data);
    case "boolean":
      return typeof data === "boolean";
    case "null":
      return data === null;
    case "array":
      return Array.isArray(data);
    case "object":
      return typeof data === "object" && data !== null && !Array.isArray(data);
    default:
      return false;
  }
}

/** Deep equality of JSON values, for enum and uniqueItems. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || a.constructor !== b.constructor) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The last item that repeats an earlier one, and where that earlier one is ([i, j], i < j), by value. */
function scalarDuplicate(items: readonly unknown[]): [number, number] | undefined {
  const seen = new Map<unknown, number>();
  for (let i = items.length - 1; i >= 0; i--) {
    const later = seen.get(items[i]);
    if (later !== undefined) return [i, later];
    seen.set(items[i], i);
  }
  return undefined;
}

/** [i, j] with j < i of the first deeply equal pair, scanning from the end. */
function deepDuplicate(items: readonly unknown[]): [number, number] | undefined {
  for (let i = items.length - 1; i > 0; i--) {
    for (let j = i - 1; j >= 0; j--) if (equal(items[i], items[j])) return [i, j];
  }
  return undefined;
}

/** Builds the checks of `root` once; `definitions` resolves `$ref`s, each compiled once and shared. */
// Compiled definitions per definitions object, so that the operations sharing them compile each once.
const compiledDefinitions = new WeakMap<object, Map<string, Check>>();

export function compileSchema(root: Schema, definitions: Readonly<Record<string, Schema>>): ArgumentValidator {
  let compiled = compiledDefinitions.get(definitions);
  if (compiled === undefined) {
    compiled = new Map<string, Check>();
    compiledDefinitions.set(definitions, compiled);
  }

  function ref(name: string): Check {
    let check = compiled!.get(name);
    if (check === undefined) {
      const schema = definitions[name];
      if (schema === undefined) throw new Error(`no schema definition named ${name}`);
      // Registered before compiling, so that a recursive schema refers to itself.
      let inner: Check | undefined;
      check = (data, path, issues) => inner!(data, path, issues);
      compiled!.set(name, check);
      inner = compile(schema, `#/definitions/${name}`);
    }
    return check;
  }

  function compile(schema: Schema, at: string): Check {
    const unknown = Object.keys(schema).find((keyword) => !SUPPORTED_KEYWORDS.has(keyword));
    if (unknown !== undefined) throw new Error(`${at} uses the JSON Schema keyword "${unknown}", which the shared validator does not implement`);
    const checks: Check[] = [];
    const fail = (issues: ValidationIssue[], path: string, keyword: string, params: Record<string, unknown>, message: string): false => {
      issues.push({ instancePath: path, schemaPath: `${at}/${keyword}`, keyword, params, message });
      return false;
    };
    if (schema.$ref !== undefined) {
      const target = ref(schema.$ref);
      checks.push(target);
    }
    if (schema.type !== undefined) {
      const types = typeof schema.type === "string" ? [schema.type] : schema.type;
      const type = types.join(",");
      checks.push((data, path, issues) => types.some((t) => hasType(data, t)) || fail(issues, path, "type", { type }, `must be ${type}`));
    }
    // Per type, in Ajv's order: strings and numbers by their limits, then enum; arrays by size, items, then uniqueness.
    const { maxLength, minLength, pattern } = schema;
    if (maxLength !== undefined || minLength !== undefined || pattern !== undefined) {
      const regex = pattern === undefined ? undefined : new RegExp(pattern, "u");
      checks.push((data, path, issues) => {
        if (typeof data !== "string") return true;
        if (maxLength !== undefined && codePoints(data) > maxLength) return fail(issues, path, "maxLength", { limit: maxLength }, `must NOT have more than ${maxLength} characters`);
        if (minLength !== undefined && codePoints(data) < minLength) return fail(issues, path, "minLength", { limit: minLength }, `must NOT have fewer than ${minLength} characters`);
        if (regex !== undefined && !regex.test(data)) return fail(issues, path, "pattern", { pattern }, `must match pattern "${pattern}"`);
        return true;
      });
    }
    const { maximum, minimum } = schema;
    if (maximum !== undefined || minimum !== undefined) {
      checks.push((data, path, issues) => {
        if (typeof data !== "number") return true;
        if (maximum !== undefined && !(data <= maximum)) return fail(issues, path, "maximum", { comparison: "<=", limit: maximum }, `must be <= ${maximum}`);
        if (minimum !== undefined && !(data >= minimum)) return fail(issues, path, "minimum", { comparison: ">=", limit: minimum }, `must be >= ${minimum}`);
        return true;
      });
    }
    const { maxItems, minItems, items, uniqueItems } = schema;
    if (maxItems !== undefined || minItems !== undefined || items !== undefined || uniqueItems === true) {
      const itemCheck = items === undefined ? undefined : compile(items, `${at}/items`);
      // Ajv finds duplicates among items of a scalar type by value, others by deep equality, and
      // names the pair differently in each case; both are followed so that reports match.
      const scalarItems = typeof items?.type === "string" && ["string", "number", "integer", "boolean", "null"].includes(items.type);
      checks.push((data, path, issues) => {
        if (!Array.isArray(data)) return true;
        if (maxItems !== undefined && data.length > maxItems) return fail(issues, path, "maxItems", { limit: maxItems }, `must NOT have more than ${maxItems} items`);
        if (minItems !== undefined && data.length < minItems) return fail(issues, path, "minItems", { limit: minItems }, `must NOT have fewer than ${minItems} items`);
        if (itemCheck !== undefined) for (let i = 0; i < data.length; i++) if (!itemCheck(data[i], path + pointer(i), issues)) return false;
        if (uniqueItems === true) {
          const duplicate = scalarItems ? scalarDuplicate(data) : deepDuplicate(data);
          if (duplicate !== undefined) {
            const [i, j] = duplicate;
            return fail(issues, path, "uniqueItems", { i, j }, `must NOT have duplicate items (items ## ${j} and ${i} are identical)`);
          }
        }
        return true;
      });
    }
    const { required, properties, additionalProperties } = schema;
    if (required !== undefined || properties !== undefined || additionalProperties !== undefined) {
      const propertyChecks = Object.entries(properties ?? {}).map(([name, s]) => [name, compile(s, `${at}/properties/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`)] as const);
      const known = new Set(Object.keys(properties ?? {}));
      const extraCheck = typeof additionalProperties === "object" ? compile(additionalProperties, `${at}/additionalProperties`) : undefined;
      checks.push((data, path, issues) => {
        if (!hasType(data, "object")) return true;
        const object = data as Record<string, unknown>;
        for (const name of required ?? []) {
          if (object[name] === undefined) return fail(issues, path, "required", { missingProperty: name }, `must have required property '${name}'`);
        }
        for (const key of Object.keys(object)) {
          if (known.has(key)) continue;
          if (additionalProperties === false) return fail(issues, path, "additionalProperties", { additionalProperty: key }, "must NOT have additional properties");
          if (extraCheck !== undefined && !extraCheck(object[key], path + pointer(key), issues)) return false;
        }
        for (const [name, check] of propertyChecks) {
          if (object[name] !== undefined && !check(object[name], path + pointer(name), issues)) return false;
        }
        return true;
      });
    }
    if (schema.enum !== undefined) {
      const allowedValues = schema.enum;
      checks.push((data, path, issues) => allowedValues.some((v) => equal(v, data)) || fail(issues, path, "enum", { allowedValues }, "must be equal to one of the allowed values"));
    }
    if (schema.allOf !== undefined) {
      const parts = schema.allOf.map((s, i) => compile(s, `${at}/allOf/${i}`));
      checks.push((data, path, issues) => parts.every((check) => check(data, path, issues)));
    }
    if (schema.oneOf !== undefined) {
      const branches = schema.oneOf.map((s, i) => compile(s, `${at}/oneOf/${i}`));
      checks.push((data, path, issues) => {
        const reasons: ValidationIssue[] = [];
        const passing = branches.map((check, i) => (check(data, path, reasons) ? i : -1)).filter((i) => i !== -1);
        if (passing.length === 1) return true;
        issues.push(...(passing.length === 0 ? reasons : []));
        return fail(issues, path, "oneOf", { passingSchemas: passing.length === 0 ? null : passing }, "must match exactly one schema in oneOf");
      });
    }
    return (data, path, issues) => checks.every((check) => check(data, path, issues));
  }

  const check = compile(root, "#");
  const validate: ArgumentValidator = (data) => {
    const issues: ValidationIssue[] = [];
    const valid = check(data, "", issues);
    validate.errors = valid ? null : issues;
    return valid;
  };
  return validate;
}
