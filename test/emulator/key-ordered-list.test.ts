/**
 * KeyOrderedList against the obvious model (a sorted array of keys): after every batch of
 * inserts and deletes, size, membership, iteration order and every slice agree. Sizes go past
 * several block splits and merges of emptied blocks, and positions land on block edges.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { KeyOrderedList } from "../../src/emulator/key-ordered-list.js";

interface Rec {
  key: string;
}

const rec = (key: string): Rec => ({ key });
const keyName = (n: number): string => `k/${String(n).padStart(6, "0")}.png`;

/** A small deterministic generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function expectSameAs(list: KeyOrderedList<Rec>, model: string[], rand: () => number): void {
  expect(list.size).toBe(model.length);
  expect(Array.from(list, (r) => r.key)).toEqual(model);
  for (let probe = 0; probe < 40; probe++) {
    const start = Math.floor(rand() * (model.length + 3)) - 1;
    const count = Math.floor(rand() * 1200);
    const expected = start < 0 ? [] : model.slice(start, start + count);
    expect(list.slice(start, count).map((r) => r.key)).toEqual(expected);
  }
}

describe("KeyOrderedList", () => {
  test("random inserts and deletes across many blocks agree with a sorted array", () => {
    const rand = random(14);
    const list = new KeyOrderedList<Rec>();
    const model = new Set<string>();
    for (let round = 0; round < 12; round++) {
      // Growing rounds, then shrinking ones, so blocks split and then empty out.
      const inserting = round < 7;
      for (let i = 0; i < 1500; i++) {
        const key = keyName(Math.floor(rand() * 9000));
        if (inserting ? rand() < 0.85 : rand() < 0.1) {
          expect(list.insert(rec(key))).toBe(!model.has(key));
          model.add(key);
        } else {
          expect(list.delete(key)).toBe(model.has(key));
          model.delete(key);
        }
      }
      const sorted = [...model].sort();
      expectSameAs(list, sorted, rand);
      for (const key of sorted.slice(0, 50)) expect(list.has(key)).toBe(true);
      expect(list.has("k/absent")).toBe(false);
    }
  });

  test("pages read on across block edges: every position of a bulk-loaded list, in pages of 100", () => {
    const keys = Array.from({ length: 5_123 }, (_, i) => keyName(i));
    const list = KeyOrderedList.fromSorted(keys.map(rec));
    const walked: string[] = [];
    for (let start = 0; start < list.size; start += 100) walked.push(...list.slice(start, 100).map((r) => r.key));
    expect(walked).toEqual(keys);
    // Then a single change in the middle shifts only what follows it.
    list.insert(rec(keyName(2_000) + "a"));
    expect(list.slice(2_000, 3).map((r) => r.key)).toEqual([keyName(2_000), keyName(2_000) + "a", keyName(2_001)]);
  });

  test("append refuses a key that is not above the last one", () => {
    const list = KeyOrderedList.fromSorted([rec("b")]);
    expect(() => list.append(rec("b"))).toThrow(RangeError);
    expect(() => list.append(rec("a"))).toThrow(RangeError);
    expect(list.size).toBe(1);
  });

  test("any sequence of small operations matches the model (property)", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("insert" as const), n: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ kind: fc.constant("delete" as const), n: fc.integer({ min: 0, max: 60 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), (ops, start, count) => {
        const list = new KeyOrderedList<Rec>();
        const model = new Set<string>();
        for (const { kind, n } of ops) {
          const key = keyName(n);
          if (kind === "insert") {
            expect(list.insert(rec(key))).toBe(!model.has(key));
            model.add(key);
          } else {
            expect(list.delete(key)).toBe(model.has(key));
            model.delete(key);
          }
        }
        const sorted = [...model].sort();
        expect(Array.from(list, (r) => r.key)).toEqual(sorted);
        expect(list.slice(start, count).map((r) => r.key)).toEqual(sorted.slice(start, start + count));
      }),
    );
  });
});
