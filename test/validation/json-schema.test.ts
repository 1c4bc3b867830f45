/**
 * The shared validator (src/validation/json-schema.ts) against Ajv, the maintained JSON Schema
 * library, on the same schemas: the operations' argument schemas, as the table in generated/operations.ts builds them,
 * and a few hand-made ones for keywords the request side of the spec does not use yet (enum,
 * nullable types, the date-time pattern the generator substitutes). Verdicts must be the same
 * on every generated input, and where ours refuses, the place it names is one where Ajv (asked
 * for all its errors) finds a problem too. Its own wording is checked keyword by keyword below.
 */
import { Ajv, type ErrorObject } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OPERATIONS, OPERATION_IDS } from "../../generated/operations.js";
import { firstIssue, validatorOf, type Schema } from "../../src/validation/json-schema.js";

const ajv = () => new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });

/**
 * Where each of Ajv's errors is, spelt as our paths are (`body.images[0].tags`): a missing or
 * unknown key is named with its parent's path and the key as a parameter, ours names the key.
 */
function ajvPlaces(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const segments = e.instancePath.split("/").slice(1).map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
    const key = e.params.missingProperty ?? e.params.additionalProperty;
    if (key !== undefined) segments.push(String(key));
    return segments.reduce((name, s) => (/^\d+$/.test(s) ? `${name}[${s}]` : name ? `${name}.${s}` : s), "");
  });
}

// Values that probe the limits the spec sets: lengths around 1/19/64/256, numbers around 0, 1,
// 100 and 2^31, duplicates, wrong types.
const text = fc.oneof(
  fc.constantFrom("", "a", "282", "cat", "x".repeat(64), "x".repeat(65), "9".repeat(19), "9".repeat(20), "a/b", "a.b", "-x", "😺", "😺".repeat(256), "😺".repeat(257)),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
const scalar = fc.oneof(text, fc.constantFrom(0, 1, -1, 1.5, 100, 101, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, fc.array(tie("value"), { maxLength: 5 }), fc.dictionary(fc.constantFrom("image_id", "tags", "tag", "pos", "size", "images", "x"), tie("value"), { maxKeys: 4, noNullPrototype: true })),
})).value;

/** Arguments near a valid call: each known parameter present or not, each with a random or a plausible value. */
function argumentsFor(operation: (typeof OPERATION_IDS)[number]): fc.Arbitrary<Record<string, unknown>> {
  const entry = OPERATIONS[operation];
  const names = [...entry.pathParameters, ...entry.queryParameters.map((p) => p.name), ...(entry.body ? ["body"] : []), "unknown_key"];
  const plausible: Record<string, fc.Arbitrary<unknown>> = {
    project_id: fc.constantFrom("cc0f0990a56f4b8c9d41c85e79cc511c", "p-1", ""),
    data_annotation_id: fc.constantFrom("282", "0", "28a"),
    image_id: fc.constantFrom("0123456789abcdef", "a_b-c", "a.b"),
    job_id: fc.constantFrom("062ef90a-da4d-4af4-82ba-1523da57e78e", "-x"),
    per_page: fc.constantFrom(1, 10, 100, 101, 0),
    page: fc.constantFrom(1, 2, 0, 2 ** 31),
    body: fc.oneof(
      fc.record({ image_id: fc.array(fc.constantFrom("a1", "b2", "c3", "a.b", ""), { maxLength: 4 }) }, { noNullPrototype: true }),
      fc.record({
        images: fc.array(fc.record({ image_id: fc.constantFrom("a1", "b2"), tags: fc.array(fc.oneof(fc.constantFrom("cat", ""), fc.record({ tag: fc.constantFrom("cat", ""), pos: fc.array(fc.constantFrom(0, 1, -1, 2.5), { maxLength: 5 }) }, { noNullPrototype: true })), { maxLength: 3 }) }, { requiredKeys: ["image_id"], noNullPrototype: true }), { maxLength: 3 }),
        size: fc.array(fc.constantFrom(0, 10, 1.5, -1), { maxLength: 3 }),
      }, { requiredKeys: [], noNullPrototype: true }),
    ),
  };
  // Mostly plausible values, so that both verdicts come up; the path parameters usually present.
  const arbitraries = Object.fromEntries(names.map((name) => [name, fc.oneof({ arbitrary: plausible[name] ?? value, weight: 5 }, { arbitrary: value, weight: 1 })]));
  return fc
    .tuple(fc.record(arbitraries, { requiredKeys: [], noNullPrototype: true }), fc.record(arbitraries, { requiredKeys: [...entry.pathParameters], noNullPrototype: true }), fc.nat(9))
    .map(([sparse, full, pick]) => {
      const args = pick === 0 ? sparse : full;
      if (pick !== 1) delete args.unknown_key;
      return args;
    });
}

/** A call the spec accepts: every path parameter well-formed, and a body where one is required. */
function validCall(operation: (typeof OPERATION_IDS)[number]): Record<string, unknown> {
  const values: Record<string, unknown> = { project_id: "cc0f0990a56f4b8c9d41c85e79cc511c", data_annotation_id: "282", image_id: "a1", job_id: "062ef90a-da4d-4af4-82ba-1523da57e78e" };
  const args = Object.fromEntries(OPERATIONS[operation].pathParameters.map((name) => [name, values[name]]));
  const bodies: Record<string, unknown> = { modify_image_info: { images: [{ image_id: "a1", tags: ["cat"] }] }, delete_selected_images: { image_id: ["a1"] }, get_image_info_by_ids: { image_id: ["a1"] } };
  return operation in bodies ? { ...args, body: bodies[operation] } : args;
}

describe("the shared validator agrees with Ajv", () => {
  it.each(OPERATION_IDS)("on %s's arguments", (operation) => {
    const ours = OPERATIONS[operation].validate;
    const theirs = ajv().compile(ours.schema as object);
    let refused = 0;
    fc.assert(
      fc.property(argumentsFor(operation), (args) => {
        const verdict = ours(args);
        expect(verdict).toBe(theirs(args));
        if (!verdict) {
          refused += 1;
          expect(ours.errors).toHaveLength(1);
          expect(ajvPlaces(theirs.errors)).toContain(ours.errors![0]!.path);
        }
      }),
      // A valid call of each operation always runs too, so that "accepted" is seen whatever the seed.
      { numRuns: 400, examples: [[validCall(operation)]] },
    );
    // Both verdicts occur, so the agreement means something.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(401);
  });

  const SYNTHETIC: Record<string, Schema> = {
    "an enum": { type: "string", enum: ["image", "detection"] },
    "a nullable number": { type: ["number", "null"], minimum: 0.5, maximum: 1 },
    "a date-time, as the generator spells it": { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$" },
    "objects under a schema for extra keys": { type: "object", required: ["a"], properties: { a: { type: "integer" } }, additionalProperties: { type: "string", maxLength: 2 } },
    "unique objects": { type: "array", uniqueItems: true, items: { type: "object" } },
    "unique values of any type": { uniqueItems: true },
    "a oneOf whose forms overlap": { oneOf: [{ type: "integer" }, { type: "number", minimum: 1 }] },
  };
  it.each(Object.entries(SYNTHETIC))("on %s", (_, schema) => {
    const ours = validatorOf(schema);
    const theirs = ajv().compile(schema as object);
    const inputs = fc.oneof(
      value,
      fc.constantFrom("image", "detection", 0.5, 1, 2, 1.5, "2026-12-01T10:00:00Z", "2026-12-01 10:00", { a: 1, b: "xy" }, { a: 1, b: "xyz" }, [{}, {}], [{ a: 1 }, { a: 2 }], [{ a: 1, b: 2 }, { b: 2, a: 1 }], [[1, "x"], [1, "x"]], ["{}", {}], [1, "1"], [0, -0], [null, "null"]),
    );
    fc.assert(
      fc.property(inputs, (data) => {
        expect(ours(data)).toBe(theirs(data));
        if (ours.errors) expect(ajvPlaces(theirs.errors)).toContain(ours.errors[0]!.path);
      }),
      { numRuns: 300 },
    );
  });
});

describe("where it is stricter than Ajv on purpose", () => {
  it("refuses numbers JSON cannot carry (Ajv takes NaN and Infinity as numbers, and Infinity as an integer)", () => {
    const perPage = validatorOf({ type: "integer", minimum: 1, maximum: 100 });
    const ratio = validatorOf({ type: ["number", "null"] });
    for (const n of [Number.NaN, Infinity, -Infinity]) {
      expect(perPage(n)).toBe(false);
      expect(ratio(n)).toBe(false);
      expect(perPage.errors).toEqual([{ path: "", problem: "must be integer" }]);
    }
    expect(ratio(null)).toBe(true);
    expect(ratio.errors).toBeNull();
  });
});

describe("what it says", () => {
  const BOX: Schema = { type: "object", required: ["tag", "pos"], properties: { tag: { type: "string", minLength: 1 }, pos: { type: "array", minItems: 4, maxItems: 4, items: { type: "number", minimum: 0 } } } };
  const SCHEMA: Schema = {
    type: "object",
    required: ["id"],
    additionalProperties: false,
    properties: {
      id: { type: "string", minLength: 2, maxLength: 4, pattern: "^[a-z😺]+$" },
      page: { type: "integer", minimum: 1, maximum: 100 },
      kind: { enum: ["image", "detection"] },
      ratio: { type: ["number", "null"] },
      ids: { type: "array", maxItems: 3, uniqueItems: true, items: { type: "string" } },
      tags: { type: "array", items: { oneOf: [{ type: "string" }, BOX] } },
      either: { oneOf: [{ type: "integer" }, { type: "number" }] },
    },
  };
  it.each([
    ["a value of the wrong type", { id: 7 }, "id", "must be string"],
    ["a value of neither allowed type", { id: "ab", ratio: "x" }, "ratio", "must be number or null"],
    ["a string too short", { id: "a" }, "id", "must have at least 2 characters"],
    ["a string too long, counted in code points", { id: "😺😺😺😺😺" }, "id", "must have at most 4 characters"],
    ["a string off its pattern", { id: "AB" }, "id", "must match ^[a-z😺]+$"],
    ["a number too large", { id: "ab", page: 101 }, "page", "must be at most 100"],
    ["a number too small", { id: "ab", page: 0 }, "page", "must be at least 1"],
    ["a value outside an enum", { id: "ab", kind: "video" }, "kind", 'must be one of ["image","detection"]'],
    ["a list too long", { id: "ab", ids: ["a", "b", "c", "d"] }, "ids", "must have at most 3 items"],
    ["a repeated item", { id: "ab", ids: ["a", "b", "a"] }, "ids", "items 0 and 2 are duplicates"],
    ["an item of the wrong type", { id: "ab", ids: ["a", 2] }, "ids[1]", "must be string"],
    ["a missing key", {}, "id", "is required"],
    ["an unknown key", { id: "ab", colour: "red" }, "colour", "is unknown; it takes id, page, kind, ratio, ids, tags, either"],
    ["a missing key in a nested object", { id: "ab", tags: [{ pos: [0, 0, 1, 1] }] }, "tags[0]", "fits no allowed form (must be string; or tag: is required)"],
    ["a value that fits no form", { id: "ab", tags: ["cat", { tag: "dog", pos: [0, 0, -1, 1] }] }, "tags[1]", "fits no allowed form (must be string; or pos[2]: must be at least 0)"],
    ["a value that fits two forms", { id: "ab", either: 3 }, "either", "fits more than one allowed form"],
  ])("%s", (_label, data, path, problem) => {
    expect(firstIssue(SCHEMA, data)).toEqual({ path, problem });
  });

  it("names a nested value from the path it is given", () => {
    expect(firstIssue(SCHEMA, { id: "ab", ids: [1] }, "body")).toEqual({ path: "body.ids[0]", problem: "must be string" });
  });
});
