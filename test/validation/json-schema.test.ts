/**
 * The shared validator (src/validation/json-schema.ts) against Ajv, the maintained JSON Schema
 * library, on the same schemas: the operations' argument schemas from generated/validators.ts
 * and a few hand-made ones for keywords the request side of the spec does not use yet (enum,
 * nullable types, the date-time pattern the generator substitutes). Verdicts and the reported
 * failures (keyword and location) must be the same on every generated input.
 */
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OPERATIONS, OPERATION_IDS } from "../../generated/operations.js";
import { ARGUMENTS, DEFINITIONS } from "../../generated/validators.js";
import { compileSchema, type Schema, type ValidationIssue } from "../../src/validation/json-schema.js";

function ajvFor(definitions: Readonly<Record<string, Schema>>): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, unicodeRegExp: true });
  for (const [id, schema] of Object.entries(definitions)) ajv.addSchema(schema as object, id);
  return ajv;
}

const summary = (issues: readonly { keyword: string; instancePath: string }[] | null | undefined) => (issues ?? []).map((e) => `${e.keyword} ${e.instancePath}`);

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
  const ajv = ajvFor(DEFINITIONS);

  it.each(OPERATION_IDS)("on %s's arguments", (operation) => {
    const ours = compileSchema(ARGUMENTS[operation], DEFINITIONS);
    const theirs = ajv.compile(ARGUMENTS[operation] as object);
    let refused = 0;
    fc.assert(
      fc.property(argumentsFor(operation), (args) => {
        const verdict = ours(args);
        expect(verdict).toBe(theirs(args));
        if (!verdict) {
          refused += 1;
          expect(summary(ours.errors)).toEqual(summary(theirs.errors as ValidationIssue[]));
          expect(ours.errors!.at(-1)!.message).toBe(theirs.errors!.at(-1)!.message);
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
    "a nullable number": { type: ["number", "null"], minimum: 0, maximum: 1 },
    "a date-time, as the generator spells it": { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$" },
    "objects under a schema for extra keys": { type: "object", required: ["a"], properties: { a: { type: "integer" } }, additionalProperties: { type: "string", maxLength: 2 } },
    "unique objects": { type: "array", uniqueItems: true, items: { type: "object" } },
  };
  it.each(Object.entries(SYNTHETIC))("on %s", (_, schema) => {
    const ours = compileSchema(schema, {});
    const theirs = new Ajv({ strict: false, unicodeRegExp: true }).compile(schema as object);
    const inputs = fc.oneof(value, fc.constantFrom("image", "detection", 0.5, "2026-12-01T10:00:00Z", "2026-12-01 10:00", { a: 1, b: "xy" }, { a: 1, b: "xyz" }, [{}, {}], [{ a: 1 }, { a: 2 }]));
    fc.assert(
      fc.property(inputs, (data) => {
        expect(ours(data)).toBe(theirs(data));
        if (ours.errors) expect(summary(ours.errors)).toEqual(summary(theirs.errors as ValidationIssue[]));
      }),
      { numRuns: 300 },
    );
  });
});

describe("where it is stricter than Ajv on purpose", () => {
  it("refuses numbers JSON cannot carry (Ajv takes NaN and Infinity as numbers, and Infinity as an integer)", () => {
    const perPage = compileSchema({ type: "integer", minimum: 1, maximum: 100 }, {});
    const ratio = compileSchema({ type: ["number", "null"] }, {});
    for (const n of [Number.NaN, Infinity, -Infinity]) {
      expect(perPage(n)).toBe(false);
      expect(ratio(n)).toBe(false);
      expect(perPage.errors![0]).toMatchObject({ keyword: "type", message: "must be integer" });
    }
    expect(ratio(null)).toBe(true);
  });
});

describe("keywords it does not implement", () => {
  it("refuses them when compiling, naming the keyword and where, instead of ignoring a constraint", () => {
    expect(() => compileSchema({ type: "object", properties: { n: { type: "integer", multipleOf: 2 } as Schema } }, {})).toThrow(
      /#\/properties\/n uses the JSON Schema keyword "multipleOf"/,
    );
    expect(() => compileSchema({ $ref: "/x" }, { "/x": { type: "string", format: "uuid" } as Schema })).toThrow(/"format"/);
  });
});
