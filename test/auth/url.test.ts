/**
 * The Node signer reads host, path and query of a plain http(s) URL without the WHATWG parser
 * (src/auth/url.ts). Whatever that shortcut accepts must sign exactly as `new URL` would have
 * it: same host, same canonical path, same canonical query; and anything `new URL` refuses or
 * rewrites in a way the canonical forms do not undo must be left to `new URL`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalQuery, canonicalUri } from "../../src/auth/canonical.js";
import { plainHttpUrlParts } from "../../src/auth/url.js";

function expectAsWhatwg(url: string): void {
  const parts = plainHttpUrlParts(url);
  if (parts === undefined) return;
  const parsed = new URL(url); // throws if the shortcut took a URL that WHATWG refuses
  expect(parts.host).toBe(parsed.host);
  expect(canonicalUri(parts.pathname)).toBe(canonicalUri(parsed.pathname));
  expect(canonicalQuery(parts.search)).toBe(canonicalQuery(parsed.search));
}

const scheme = fc.constantFrom("http://", "https://", "https://", "HTTPS://", "Http://", "ftp://", "https:/", "https:///", "https:\\\\", " https://");
const label = fc.oneof(
  fc.stringMatching(/^[a-z0-9-]{1,8}$/),
  fc.constantFrom("xn--", "xn--a", "XN--nxasmq6b", "0x7f", "0X10", "127", "255", "256", "010", "0", "00", "1e3", "Ab", "é", "a_b", "a@b", "[::1]", "%41", ""),
);
const host = fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join("."));
const port = fc.constantFrom("", "", ":443", ":80", ":8443", ":0", ":08080", ":65535", ":65536", ":99999", ":", ":1a", ": 80");
const pathUnit = fc.constantFrom(
  ..."abcXYZ019-_.~/!$&'()*+,;=:@%",
  "/.",
  "/..",
  "/%2e",
  "/%2E",
  "/.%2e",
  "%41",
  "%2f",
  "%zz",
  "\\",
  "#",
  "?",
  "&",
  "=",
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
const rest = fc.array(pathUnit, { maxLength: 16 }).map((units) => units.join(""));

describe("plainHttpUrlParts", () => {
  it("reads every URL it accepts as WHATWG does", () => {
    fc.assert(
      fc.property(scheme, host, port, rest, (s, h, p, r) => expectAsWhatwg(s + h + p + r)),
      { numRuns: 5000 },
    );
  });

  it("reads WHATWG's own serialisations as WHATWG does", () => {
    fc.assert(
      fc.property(scheme, host, port, rest, (s, h, p, r) => {
        let href: string;
        try {
          href = new URL(s + h + p + r).href;
        } catch {
          return;
        }
        expectAsWhatwg(href);
      }),
      { numRuns: 2000 },
    );
  });

  it("takes the URLs a client sends", () => {
    const urls = [
      "https://modelarts.cn-north-4.myhuaweicloud.com/v1/0b6d9a7f2c4e4d1a8f3b5c7d9e1f2a3b/data-annotations/282/images?tag_name=%E7%8C%AB%20%E6%A9%98%E8%89%B2&per_page=100&page=3",
      "https://modelarts.cn-north-4.myhuaweicloud.com/v1/p1/data-annotations/282/images/delete",
      "http://127.0.0.1:8080/v1/p1/data-annotations/282/sync",
      "https://modelarts.cn-north-4.myhuaweicloud.com:443",
      "http://localhost?x=1",
    ];
    for (const url of urls) {
      expect(plainHttpUrlParts(url), url).toBeDefined();
      expectAsWhatwg(url);
    }
    expect(plainHttpUrlParts("https://h.example.com:443/a?")).toEqual({ host: "h.example.com", pathname: "/a", search: "" });
    expect(plainHttpUrlParts("http://h.example.com:443")).toEqual({ host: "h.example.com:443", pathname: "/", search: "" });
  });

  it.each([
    "HTTPS://h.example.com/",
    "https://H.example.com/",
    "https://user@h.example.com/",
    "https://[::1]:9000/",
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
  ])("leaves %j to the URL parser", (url) => {
    expect(plainHttpUrlParts(url)).toBeUndefined();
  });
});
