/**
 * The one validator of request arguments, shared by the client and the emulator. It interprets
 * the JSON Schemas that `npm run generate` writes into generated/operations.ts: shared schemas
 * are plain object references there (no `$ref` to resolve), formats are already keywords, and
 * the generator has refused any keyword this file does not implement, so nothing is checked
 * again here. It compiles nothing at run time (no `new Function`: it runs under a strict CSP
 * and in Workers). A differential test holds its verdicts to Ajv's on generated inputs.
 *
 * It stops at the first problem and reports where and what, in words a caller can act on.
 */

/** A schema as generated: the JSON Schema keywords this validator implements, nothing else. */
export interface Schema {
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
  readonly additionalProperties?: false | Schema;
  readonly oneOf?: readonly Schema[];
}

/** What is wrong, and where: `path` names the value as a caller spells it (`body.images[0].tags`). */
export interface ValidationIssue {
  path: string;
  problem: string;
}

/** A predicate in Ajv's shape: `errors` says why it last said no; `schema` is what it checks. */
export interface ArgumentValidator {
  (data: unknown): boolean;
  errors?: ValidationIssue[] | null;
  readonly schema: Schema;
}

export const isObject = (data: unknown): data is Record<string, unknown> => typeof data == "object" && data !== null && !Array.isArray(data);

const hasType = (data: unknown, type: string): boolean =>
  type == "integer"
    ? Number.isInteger(data)
    : type == "number"
      ? Number.isFinite(data) // NaN and Infinity too are refused: JSON cannot carry them
      : type == "null"
        ? data === null
        : type == "array"
          ? Array.isArray(data)
          : type == "object"
            ? isObject(data)
            : typeof data == type; // string, boolean

/**
 * A JSON value as text with every object's keys in one order: values that JSON Schema calls
 * equal (enum, uniqueItems) give the same text, so a list's duplicates are found in one pass.
 */
const canonical = (value: unknown): string =>
  // Scalars (a list of IDs, the common case) skip the call to the replacer per value.
  JSON.stringify(value, typeof value == "object" ? (_, v: unknown) => (isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((key) => [key, v[key]])) : v) : undefined);

// Each pattern compiled once, however many values and calls it checks.
const patterns = new Map<string, RegExp>();
const regex = (pattern: string): RegExp => patterns.get(pattern) ?? patterns.set(pattern, new RegExp(pattern, "u")).get(pattern)!;

const member = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/**
 * The first way `data` breaks `schema`, or undefined. Limits compare with `undefined` when a
 * schema has none, which is false: no limit, no check.
 */
export function firstIssue(schema: Schema, data: unknown, path = ""): ValidationIssue | undefined {
  const issue = (problem: string, at = path): ValidationIssue => ({ path: at, problem });
  const { type, pattern, items, required = [], properties = {}, additionalProperties, oneOf } = schema;
  if (type && ![type].flat().some((t) => hasType(data, t))) return issue(`must be ${[type].flat().join(" or ")}`);
  const text = typeof data == "string";
  // Length in code points, as JSON Schema counts it (an emoji is one character).
  const [size, min, max, unit] = text
    ? [[...data].length, schema.minLength, schema.maxLength, " characters"]
    : Array.isArray(data)
      ? [data.length, schema.minItems, schema.maxItems, " items"]
      : typeof data == "number"
        ? [data, schema.minimum, schema.maximum, ""]
        : [];
  const verb = unit ? "have" : "be";
  if (size! > max!) return issue(`must ${verb} at most ${max}${unit}`);
  if (size! < min!) return issue(`must ${verb} at least ${min}${unit}`);
  if (text && pattern !== undefined && !regex(pattern).test(data)) return issue(`must match ${pattern}`);
  if (Array.isArray(data)) {
    const seen = new Map<string, number>();
    for (const [i, item] of data.entries()) {
      const found = items && firstIssue(items, item, `${path}[${i}]`);
      if (found) return found;
      const key = schema.uniqueItems ? canonical(item) : "";
      if (seen.has(key)) return issue(`items ${seen.get(key)} and ${i} are duplicates`);
      if (schema.uniqueItems) seen.set(key, i);
    }
  }
  if (isObject(data)) {
    const missing = required.find((name) => data[name] === undefined);
    if (missing !== undefined) return issue("is required", member(path, missing));
    for (const key of Object.keys(data)) {
      const rule = Object.hasOwn(properties, key) ? properties[key] : additionalProperties;
      if (rule === false) return issue(`is unknown; it takes ${Object.keys(properties).join(", ")}`, member(path, key));
      const found = rule && data[key] !== undefined && firstIssue(rule, data[key], member(path, key));
      if (found) return found;
    }
  }
  if (schema.enum && !schema.enum.map(canonical).includes(canonical(data))) return issue(`must be one of ${JSON.stringify(schema.enum)}`);
  if (oneOf) {
    const failures = oneOf.map((branch) => firstIssue(branch, data, path));
    const passing = failures.filter((failure) => !failure).length;
    if (passing > 1) return issue("fits more than one allowed form");
    // Each form's reason, not just the first's, which alone would mislead ("must be string").
    if (passing < 1) return issue(`fits no allowed form (${failures.map((failure) => failure!.path.slice(path.length).replace(/^\.?(.+)/, "$1: ") + failure!.problem).join("; or ")})`);
  }
  return undefined;
}

/** `schema`'s validator: a predicate, with the problem it found in `errors`. */
export function validatorOf(schema: Schema): ArgumentValidator {
  const validate: ArgumentValidator = Object.assign(
    (data: unknown): boolean => {
      const issue = firstIssue(schema, data);
      validate.errors = issue ? [issue] : null;
      return !issue;
    },
    { schema },
  );
  return validate;
}
