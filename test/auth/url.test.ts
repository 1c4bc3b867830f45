/**
 * The Node signer reads host, canonical path and canonical query of a plain http(s) URL with
 * one pattern instead of the WHATWG parser and the canonical functions' own checks
 * (src/auth/url.ts). Whatever that shortcut accepts must sign exactly as the long way would:
 * `new URL`, then `canonicalUri` and `canonicalQuery`; anything `new URL` refuses must be left
 * to it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalQuery, canonicalUri } from "../../src/auth/canonical.js";
import { plainHttpUrlParts } from "../../src/auth/url.js";

/** Checks `url` if the shortcut takes it, and says whether it did. */
function expectAsWhatwg(url: string): boolean {
  const parts = plainHttpUrlParts(url);
  if (parts === undefined) return false;
  const parsed = new URL(url); // throws if the shortcut took a URL that WHATWG refuses
  expect(parts.host).toBe(parsed.host);
  expect(parts.pathname).toBe(parsed.pathname);
  expect(parts.search).toBe(parsed.search);
  expect(parts.canonicalPath).toBe(canonicalUri(parsed.pathname));
  expect(parts.canonicalQuery).toBe(canonicalQuery(parsed.search));
  return true;
}

// Mostly plain parts, so that the shortcut takes a good share of the URLs, with every kind of
// trap mixed in at a lower rate, so that some URLs come within one character of being plain.
const often = <T>(plain: fc.Arbitrary<T>, traps: fc.Arbitrary<T>, weight = 6): fc.Arbitrary<T> =>
  fc.oneof({ weight, arbitrary: plain }, { weight: 1, arbitrary: traps });
const scheme = often(fc.constantFrom("http://", "https://"), fc.constantFrom("HTTPS://", "Http://", "ftp://", "https:/", "https:///", "https:\\\\", " https://"));
const label = often(
  fc.stringMatching(/^[a-z0-9-]{1,8}$/),
  fc.constantFrom("xn--", "xn--a", "XN--nxasmq6b", "0x7f", "0X10", "127", "255", "256", "010", "0", "00", "1e3", "Ab", "é", "a_b", "a@b", "[::1]", "%41", ""),
);
const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join("."));
const port = often(fc.constantFrom("", ":443", ":80", ":8443", ":65535"), fc.constantFrom(":0", ":08080", ":65536", ":99999", ":", ":1a", ": 80"));
const trap = fc.constantFrom(
  ..."!$&'()*+,;=:@%\\#?",
  "/.",
  "/..",
  "/%2e",
  "/%2E",
  ".",
  "%41",
  "%2f",
  "%2d",
  "%e7",
  "%zz",
  " ",
  "\t",
  "\n",
  "\x00",
  "\x7f",
  '"',
  "<",
  ">",
  "`",
  "{",
  "}",
  "|",
  "^",
  "[",
  "]",
  "é",
  "猫",
  "\u017f",
  "\u212a",
  "\ud800",
);
const unreserved = fc.constantFrom(..."abcXYZ019-_.~");
const escaped = fc.constantFrom("%E7%8C%AB", "%20", "%2F", "%3D", "%26", "%2B", "%25", "%7E", "%2D");
const segment = fc.array(often(unreserved, trap, 25), { maxLength: 6 }).map((units) => units.join(""));
const path = fc.array(segment, { maxLength: 4 }).map((segments) => segments.map((s) => "/" + s).join(""));
const component = fc.array(often(fc.oneof(unreserved, escaped), trap, 25), { maxLength: 5 }).map((units) => units.join(""));
const field = fc.tuple(component, fc.option(component, { nil: undefined })).map(([key, value]) => (value === undefined ? key : key + "=" + value));
const query = fc.option(
  fc.array(field, { maxLength: 4 }).map((fields) => "?" + fields.join("&")),
  { nil: "" },
);
const rest = fc.tuple(path, query).map(([p, q]) => p + q);

describe("plainHttpUrlParts", () => {
  it("reads every URL it accepts as WHATWG does", () => {
    let accepted = 0;
    fc.assert(
      fc.property(scheme, host, port, rest, (s, h, p, r) => {
        if (expectAsWhatwg(s + h + p + r)) accepted++;
      }),
      { numRuns: 5000 },
    );
    // The generators must reach the shortcut often enough for the property to say something.
    expect(accepted).toBeGreaterThan(150);
  });

  it("reads WHATWG's own serialisations as WHATWG does", () => {
    let accepted = 0;
    fc.assert(
      fc.property(scheme, host, port, rest, (s, h, p, r) => {
        let href: string;
        try {
          href = new URL(s + h + p + r).href;
        } catch {
          return;
        }
        if (expectAsWhatwg(href)) accepted++;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it("sorts a long canonical query (past the pairs it keeps sorted as they come) as canonicalQuery does", () => {
    const field = fc.tuple(fc.constantFrom("a", "a-", "a.b", "b", "%E7%8C%AB", "A", "a0", ""), fc.option(fc.constantFrom("", "1", "10", "2", "x%20y", "%E7%8C%AB"), { nil: undefined }));
    fc.assert(
      fc.property(fc.array(field, { minLength: 12, maxLength: 60 }), (fields) => {
        const query = fields.map(([key, value]) => (value === undefined ? key : `${key}=${value}`)).join("&");
        expect(expectAsWhatwg(`https://h.example.com/a?${query}`)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("takes the URLs a client sends", () => {
    const urls = [
      "https://modelarts.cn-north-4.myhuaweicloud.com/v1/0b6d9a7f2c4e4d1a8f3b5c7d9e1f2a3b/data-annotations/282/images?tag_name=%E7%8C%AB%20%E6%A9%98%E8%89%B2&per_page=100&page=3",
      "https://modelarts.cn-north-4.myhuaweicloud.com/v1/p1/data-annotations/282/images/delete",
      "http://localhost:8080/v1/p1/data-annotations/282/sync",
      "https://modelarts.cn-north-4.myhuaweicloud.com:443",
      "http://localhost?x=1",
    ];
    for (const url of urls) {
      expect(plainHttpUrlParts(url), url).toBeDefined();
      expectAsWhatwg(url);
    }
    expect(plainHttpUrlParts("https://h.example.com:443/a?")).toEqual({
      host: "h.example.com",
      pathname: "/a",
      search: "",
      canonicalPath: "/a/",
      canonicalQuery: "",
    });
    expect(plainHttpUrlParts("http://h.example.com:443")).toEqual({
      host: "h.example.com:443",
      pathname: "/",
      search: "",
      canonicalPath: "/",
      canonicalQuery: "",
    });
    expect(plainHttpUrlParts("http://h/v1//x/?b=%E7%8C%AB&a&b=1&&c=")?.canonicalQuery).toBe("a=&b=%E7%8C%AB&b=1&c=");
  });

  it.each([
    "HTTPS://h.example.com/",
    "https://H.example.com/",
    "https://user@h.example.com/",
    "https://[::1]:9000/",
    // An IPv4 address, even in shortest form, and any host whose last label starts with a digit.
    "http://127.0.0.1:8080/v1",
    "https://a.1b/",
    "https://127.1/",
    "https://0x7f.0.0.1/",
    "https://010.0.0.1/",
    "https://h.example.com./",
    "https://xn--nxasmq6b.example/",
    "https://h.example.com:0443/",
    "https://h.example.com:65536/",
    "https://h.example.com/a/./b",
    "https://h.example.com/a/%2E%2e/b",
    "https://h.example.com/a\\b",
    "https://h.example.com/a#f",
    "https://h.example.com/a b",
    "https://h.example.com/é",
    "https://h.example.com/a\t",
    // Plain for WHATWG, but not yet in canonical form: the canonical functions take these.
    "https://h.example.com/a%20b",
    "https://h.example.com/a!",
    "https://h.example.com/a?q=%e7%8c%ab",
    "https://h.example.com/a?q=a+b",
    "https://h.example.com/a?q=(x)",
    "https://h.example.com/a?q=%41",
    "https://h.example.com/a?q=a=b",
  ])("leaves %j to the URL parser", (url) => {
    expect(plainHttpUrlParts(url)).toBeUndefined();
  });
});
