/**
 * The canonical query of a raw query string keeps an already-canonical component as it is
 * and decodes and re-encodes any other; both ways must give what the decoded values give
 * (encoded by the official signer's encoder, see ./query-oracle.ts). Escapes here come in every spelling a client may
 * send: encodeURIComponent's (which keeps !'()*), lowercase hex, and escaped unreserved bytes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalQuery } from "../../src/auth/canonical.js";
import { canonicalQueryOfPairs } from "./query-oracle.js";

const utf8 = new TextEncoder();
const hex = (b: number, lower: boolean) => (lower ? b.toString(16) : b.toString(16).toUpperCase()).padStart(2, "0");

/** Every byte escaped, in lower or upper case hex: decodes to the same text as encodeURIComponent's spelling. */
const escapeAll = (text: string, lower: boolean) => Array.from(utf8.encode(text), (b) => `%${hex(b, lower)}`).join("");

const text = fc.string({ unit: fc.oneof(fc.constantFrom(..."aZ09-_.~!'()* %+&=/?"), fc.integer({ min: 0x80, max: 0x10ffff }).filter((n) => n < 0xd800 || n > 0xdfff).map((n) => String.fromCodePoint(n))), maxLength: 8 });
const spelling = fc.constantFrom<(s: string) => string>(encodeURIComponent, (s) => escapeAll(s, false), (s) => escapeAll(s, true));

describe("canonicalQuery of a raw query string", () => {
  it("equals that of the decoded pairs, however the escapes are spelt", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text, spelling, spelling), { maxLength: 4 }), (pairs) => {
        const raw = pairs.map(([key, value, spellKey, spellValue]) => `${spellKey(key)}=${spellValue(value)}`).join("&");
        expect(canonicalQuery(`?${raw}`)).toBe(canonicalQueryOfPairs(pairs.map(([key, value]) => [key, value])));
      }),
      { numRuns: 2000 },
    );
  });

  it("sorts a long query by key, then value", () => {
    const field = fc.tuple(fc.constantFrom("a", "a-", "a.b", "b", "%E7%8C%AB", "A", "a0", ""), fc.constantFrom("", "1", "10", "2", "x y", "%e7%8c%ab", "(1)"));
    fc.assert(
      fc.property(fc.array(field, { minLength: 12, maxLength: 60 }), (pairs) => {
        const raw = pairs.map(([key, value]) => `${key}=${value.replaceAll(" ", "+")}`).join("&");
        const decoded = pairs.map(([key, value]) => [decodeURIComponent(key), decodeURIComponent(value)] as const);
        expect(canonicalQuery(raw)).toBe(canonicalQueryOfPairs(decoded));
        expect(canonicalQuery(raw)).toBe(canonicalQuery(raw.split("&").reverse().join("&")));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps canonical escapes, re-encodes the rest", () => {
    expect(canonicalQuery("?tag_name=%E7%8C%AB%20x&page=3")).toBe("page=3&tag_name=%E7%8C%AB%20x");
    expect(canonicalQuery("?tag_name=%e7%8c%ab%41%2d(x)")).toBe("tag_name=%E7%8C%ABA-%28x%29");
    expect(canonicalQuery("?a=%4")).toBe("a=%254");
    expect(canonicalQuery("?a=%")).toBe("a=%25");
  });
});
