import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import {
  SIGNING_ALGORITHM,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  stringToSign,
  trimHeaderValue,
} from "../../src/auth/canonical.js";
import { hmacSha256Hex, keyedHmacSha256Hex, sha256Hex, stringToSignOf } from "../../src/auth/digest-node.js";
import { Secret } from "../../src/auth/secret.js";
import { signRequestOnNode as signRequest } from "../../src/auth/signer-node.js";
import { signRequestWithWebCrypto, type SignableRequest } from "../../src/auth/signer.js";
import { ModelArtsArgumentError, ModelArtsConfigError } from "../../src/errors.js";
import { canonicalQueryOfPairs } from "./query-oracle.js";

// Published SDK-HMAC-SHA256 examples (Huawei Cloud API signing guide and SDK docs).
const VPC_VECTOR = {
  request: {
    method: "GET",
    url: "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
    headers: { "content-type": "application/json", "X-Sdk-Date": "20191115T033655Z" },
  },
  credentials: { ak: "QTWAOYTTINDUT2QVKYUC", sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc" },
  authorization:
    "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
} as const;

const RESOURCES_URL = "https://service.endpoint.myhuaweicloud.com/resources?size=1";
const RESOURCES_HEADERS = { "X-Sdk-Date": "20200608T023900Z" };
const RESOURCES_CREDENTIALS = { ak: "AccessKey", sk: "SecretKey" };

describe("published vectors", () => {
  it("GET /v1/{project}/vpcs with content-type", () => {
    expect(signRequest(VPC_VECTOR.request, VPC_VECTOR.credentials)).toEqual({
      "X-Sdk-Date": "20191115T033655Z",
      Authorization: VPC_VECTOR.authorization,
    });
  });

  it("GET /resources?size=1", () => {
    const headers = signRequest({ method: "GET", url: RESOURCES_URL, headers: RESOURCES_HEADERS }, RESOURCES_CREDENTIALS);
    expect(headers.Authorization).toBe(
      "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842",
    );
  });

  it("POST /resources?size=1 with a JSON body", () => {
    const headers = signRequest(
      { method: "POST", url: RESOURCES_URL, headers: RESOURCES_HEADERS, body: '{"name":"test","id":1}' },
      RESOURCES_CREDENTIALS,
    );
    expect(headers.Authorization).toBe(
      "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f",
    );
  });

  it("builds the canonical request of the VPC example", () => {
    const url = new URL(VPC_VECTOR.request.url);
    const text = canonicalRequest({
      method: "GET",
      pathname: url.pathname,
      search: url.search,
      headers: new Map([
        ["content-type", "application/json"],
        ["host", url.host],
        ["x-sdk-date", "20191115T033655Z"],
      ]),
      signedHeaders: ["content-type", "host", "x-sdk-date"],
      payloadHash: sha256Hex(""),
    });
    expect(text).toBe(
      [
        "GET",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/",
        "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
        "content-type:application/json",
        "host:service.region.example.com",
        "x-sdk-date:20191115T033655Z",
        "",
        "content-type;host;x-sdk-date",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      ].join("\n"),
    );
    expect(stringToSign("20191115T033655Z", sha256Hex(text))).toBe(`SDK-HMAC-SHA256\n20191115T033655Z\n${sha256Hex(text)}`);
    expect(stringToSignOf("20191115T033655Z", text)).toBe(stringToSign("20191115T033655Z", sha256Hex(text)));
  });
});

describe("canonicalUri", () => {
  it.each([
    ["", "/"],
    ["/", "/"],
    ["/v1/abc", "/v1/abc/"],
    ["/v1/abc/", "/v1/abc/"],
    ["//a//", "//a//"],
    ["/A-Z_a.z~09", "/A-Z_a.z~09/"],
    // WHATWG leaves these sub-delims unescaped in a pathname; the canonical form escapes them.
    ["/a!$&'()*+,;=:@b", "/a%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A%40b/"],
    ["/a%20b", "/a%20b/"],
    ["/a b", "/a%20b/"],
    ["/%7E%41", "/~A/"],
    ["/%c3%a9t%C3%A9", "/%C3%A9t%C3%A9/"],
    ["/été/😀", "/%C3%A9t%C3%A9/%F0%9F%98%80/"],
    ["/%F0%9F%98%80", "/%F0%9F%98%80/"],
    // An encoded slash stays inside its segment.
    ["/a%2Fb/c", "/a%2Fb/c/"],
    // Malformed escapes stay literal percent signs.
    ["/a%zz/%4/%", "/a%25zz/%254/%25/"],
    // Escapes that are not UTF-8 keep their bytes.
    ["/%FF%C3", "/%FF%C3/"],
  ])("%j -> %j", (input, expected) => {
    expect(canonicalUri(input)).toBe(expected);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        const once = canonicalUri("/" + s);
        expect(canonicalUri(once)).toBe(once);
      }),
    );
  });

  it("agrees on a WHATWG pathname and the raw path it came from", () => {
    const raw = "/v1/é t/a+b/[x]/😀";
    expect(canonicalUri(new URL("https://h" + raw).pathname)).toBe(canonicalUri(raw));
  });
});

describe("canonicalQuery", () => {
  it.each([
    ["", ""],
    ["?", ""],
    ["?&&", ""],
    ["?b=2&a=1", "a=1&b=2"],
    ["b=2&a=1", "a=1&b=2"],
    // Repeated keys: one pair per value, values sorted.
    ["a=2&a=1&a=10&a=", "a=&a=1&a=10&a=2"],
    // Empty values keep "=".
    ["a=&b", "a=&b="],
    ["=x", "=x"],
    // "+" means space, as in URLSearchParams; an escaped plus is a plus.
    ["q=a+b&r=a%2Bb", "q=a%20b&r=a%2Bb"],
    ["q=a%2fb!*'()", "q=a%2Fb%21%2A%27%28%29"],
    ["q=%E6%A0%87%E7%AD%BE&p=标签", "p=%E6%A0%87%E7%AD%BE&q=%E6%A0%87%E7%AD%BE"],
    ["q=%zz&r=%", "q=%25zz&r=%25"],
    ["q=%FF", "q=%FF"],
    // Upper case sorts before lower case (byte order).
    ["b=1&F=2", "F=2&b=1"],
    // Keys sort after encoding: "%2F" (from "/") comes before ".".
    ["a.=1&a%2F=2", "a%2F=2&a.=1"],
    ["x=%C3%A9&x=z", "x=%C3%A9&x=z"],
  ])("%j -> %j", (input, expected) => {
    expect(canonicalQuery(input)).toBe(expected);
  });

  it("sorts by key, then value, not by the joined pair", () => {
    // Joined, "a-b=1" < "a=2" since "-" < "="; by key, "a" < "a-b".
    expect(canonicalQuery("a-b=1&a=2")).toBe("a=2&a-b=1");
  });

  it("equals the official encoding of the decoded pairs, for URLSearchParams' own spelling", () => {
    const params = new URLSearchParams([
      ["b", "100%"],
      ["a", "x y"],
      ["a", ""],
    ]);
    expect(canonicalQuery(params.toString())).toBe("a=&a=x%20y&b=100%25");
    const pairs = fc.array(fc.tuple(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" })), { maxLength: 6 });
    fc.assert(
      fc.property(pairs, (entries) => {
        expect(canonicalQuery(new URLSearchParams(entries).toString())).toBe(canonicalQueryOfPairs(entries));
      }),
    );
  });
});

describe("header values", () => {
  it("trims HTTP whitespace only, like fetch's Headers", () => {
    expect(trimHeaderValue(" \t a b \r\n")).toBe("a b");
    expect(trimHeaderValue("\u00a0x\u00a0")).toBe("\u00a0x\u00a0");
    expect(trimHeaderValue("")).toBe("");
    expect(trimHeaderValue("   ")).toBe("");
  });
});

describe("SDK dates", () => {
  it("formats in UTC", () => {
    expect(formatSdkDate(new Date("2019-11-15T03:36:55.999Z"))).toBe("20191115T033655Z");
    expect(formatSdkDate(new Date("2019-11-15T11:36:55+08:00"))).toBe("20191115T033655Z");
    expect(formatSdkDate(new Date("0999-01-02T03:04:05Z"))).toBe("09990102T030405Z");
  });

  it("refuses dates it cannot spell", () => {
    expect(() => formatSdkDate(new Date(NaN))).toThrow(RangeError);
    expect(() => formatSdkDate(new Date("+010000-01-01T00:00:00Z"))).toThrow(RangeError);
  });

  it("parses what it formats", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }), (d) => {
        const text = formatSdkDate(d);
        expect(parseSdkDate(text)?.getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
      }),
    );
  });

  it("parses leap days", () => {
    expect(parseSdkDate("20200229T235959Z")?.toISOString()).toBe("2020-02-29T23:59:59.000Z");
  });

  it.each([
    "",
    "20191115T033655",
    "20191115t033655z",
    "2019-11-15T03:36:55Z",
    "20191115T0336550Z",
    " 20191115T033655Z",
    "20191115T033655Z ",
    "20191315T000000Z",
    "20191100T000000Z",
    "20190229T000000Z",
    "20190230T000000Z",
    "20191115T240000Z",
    "20191115T236000Z",
    "20191115T235960Z",
    "２０１９1115T033655Z",
  ])("rejects %j", (text) => {
    expect(parseSdkDate(text)).toBeUndefined();
  });
});

describe("parseAuthorization", () => {
  it("reads what the signer writes", () => {
    expect(parseAuthorization(VPC_VECTOR.authorization)).toEqual({
      algorithm: SIGNING_ALGORITHM,
      access: "QTWAOYTTINDUT2QVKYUC",
      signedHeaders: ["content-type", "host", "x-sdk-date"],
      signature: "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
    });
  });

  it("accepts any parameter order and spacing, and upper-case hex", () => {
    const sig = "7BE6668032F70418FCC22ABC52071E57AFF61B84A1D2381BB430D6870F4F6EBE";
    expect(parseAuthorization(`SDK-HMAC-SHA256   Signature=${sig},SignedHeaders=host ,  Access=AK `)).toEqual({
      algorithm: "SDK-HMAC-SHA256",
      access: "AK",
      signedHeaders: ["host"],
      signature: sig.toLowerCase(),
    });
  });

  it("returns the algorithm for the verifier to judge", () => {
    expect(parseAuthorization(VPC_VECTOR.authorization.replace("SDK-HMAC-SHA256", "OTHER-ALG"))?.algorithm).toBe("OTHER-ALG");
  });

  const sig = "a".repeat(64);
  it.each([
    "",
    "SDK-HMAC-SHA256",
    `SDK-HMAC-SHA256Access=AK, SignedHeaders=host, Signature=${sig}`,
    `Access=AK, SignedHeaders=host, Signature=${sig}`,
    `SDK-HMAC-SHA256 SignedHeaders=host, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=AK, Signature=${sig}`,
    "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host",
    `SDK-HMAC-SHA256 Access=AK, Access=AK, SignedHeaders=host, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${sig}, Extra=1`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${sig},`,
    `SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=A K, SignedHeaders=host, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;x-sdk-date, Signature=${sig}`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${sig.slice(1)}`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${sig}0`,
    `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${"g".repeat(64)}`,
    `SDK-HMAC-SHA256 Access AK, SignedHeaders=host, Signature=${sig}`,
  ])("rejects %j", (header) => {
    expect(parseAuthorization(header)).toBeUndefined();
  });
});

describe("HMAC", () => {
  it("matches RFC 4231 test case 2", () => {
    expect(hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(keyedHmacSha256Hex("Jefe")("what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("keyed form gives independent results call after call", () => {
    const keyed = keyedHmacSha256Hex("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc");
    const other = keyedHmacSha256Hex("ключ");
    for (const data of ["a", "", "ü".repeat(100), "b"]) {
      expect(keyed(data)).toBe(hmacSha256Hex("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", data));
      expect(other(data)).toBe(hmacSha256Hex("ключ", data));
    }
  });

  it("keyed form equals createHmac for ASCII, non-ASCII and over-long keys", () => {
    const key = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: "grapheme", maxLength: 80 }),
      fc.string({ minLength: 65, maxLength: 200 }),
    );
    fc.assert(
      fc.property(key, fc.string({ unit: "grapheme", maxLength: 100 }), (k, data) => {
        expect(keyedHmacSha256Hex(k)(data)).toBe(createHmac("sha256", k).update(data).digest("hex"));
      }),
      { numRuns: 200 },
    );
  });
});

describe("signRequest", () => {
  const credentials = { ak: "AK000000000000000001", sk: "sk-for-unit-tests-0000000000000000000000" };
  const base: SignableRequest = {
    method: "POST",
    url: "https://modelarts.cn-north-4.myhuaweicloud.com/v1/p1/data-annotations/282/images/delete",
    headers: { "Content-Type": "application/json", "X-Sdk-Date": "20261115T033655Z" },
    body: '{"samples":[]}',
  };
  const sign = (request: SignableRequest, creds: Parameters<typeof signRequest>[1] = credentials): Record<string, string> =>
    signRequest(request, creds);
  const authorizationOf = (request: SignableRequest): string => sign(request).Authorization as string;
  const signedHeadersOf = (request: SignableRequest): string[] => parseAuthorization(authorizationOf(request))?.signedHeaders ?? [];

  it("returns only X-Sdk-Date and Authorization", () => {
    expect(Object.keys(sign(base)).sort()).toEqual(["Authorization", "X-Sdk-Date"]);
  });

  it("signs a verifier can check with the shared canonical functions", () => {
    const added = sign(base);
    const auth = parseAuthorization(added.Authorization as string);
    if (auth === undefined) throw new Error("unparseable Authorization");
    const url = new URL(base.url);
    const received = new Map([
      ["content-type", "application/json"],
      ["host", url.host],
      ["x-sdk-date", added["X-Sdk-Date"] as string],
    ]);
    const text = canonicalRequest({
      method: "POST",
      pathname: url.pathname,
      search: url.search,
      headers: received,
      signedHeaders: auth.signedHeaders,
      payloadHash: sha256Hex(base.body as string),
    });
    expect(hmacSha256Hex(credentials.sk, stringToSignOf(added["X-Sdk-Date"] as string, text))).toBe(auth.signature);
  });

  describe("security token", () => {
    const withToken = { ...credentials, securityToken: "token-abc" };

    it("is added and signed", () => {
      const added = sign(base, withToken);
      expect(added["X-Security-Token"]).toBe("token-abc");
      expect(parseAuthorization(added.Authorization as string)?.signedHeaders).toEqual([
        "content-type",
        "host",
        "x-sdk-date",
        "x-security-token",
      ]);
      // Same as signing a request that already carried the header.
      const carried = { ...base, headers: { ...base.headers, "X-Security-Token": "token-abc" } };
      expect(added.Authorization).toBe(authorizationOf(carried));
      expect(added.Authorization).not.toBe(authorizationOf(base));
    });

    it("wins over a stale token header on the request", () => {
      const stale = { ...base, headers: { ...base.headers, "x-security-token": "old" } };
      expect(sign(stale, withToken)).toEqual(sign(base, withToken));
    });

    it("accepts a Secret and treats an empty token as none", () => {
      expect(sign(base, { ...credentials, securityToken: new Secret("token-abc") })).toEqual(sign(base, withToken));
      expect(sign(base, { ...credentials, securityToken: "" })).toEqual(sign(base));
    });
  });

  describe("secrets", () => {
    it("never returns the SK", () => {
      fc.assert(
        fc.property(fc.string({ minLength: 8, maxLength: 64 }), (sk) => {
          for (const creds of [{ ...credentials, sk }, { ...credentials, sk: new Secret(sk) }]) {
            const added = sign(base, creds);
            for (const value of Object.values(added)) expect(value).not.toContain(sk);
            expect(JSON.stringify(added)).not.toContain(JSON.stringify(sk).slice(1, -1));
          }
        }),
        { numRuns: 200 },
      );
    });

    it("signs the same with a Secret SK as with the plain string", () => {
      expect(sign(base, { ...credentials, sk: new Secret(credentials.sk) })).toEqual(sign(base));
    });

    it("refuses empty credentials", () => {
      expect(() => sign(base, { ak: "", sk: "x" })).toThrow(ModelArtsConfigError);
      expect(() => sign(base, { ak: "x", sk: new Secret("") })).toThrow(ModelArtsConfigError);
    });

    it("uses the current SK when a credentials object is changed in place", () => {
      const mutable = { ...credentials };
      const before = sign(base, mutable);
      mutable.sk = "rotated-secret-key-000000000000000000000";
      expect(sign(base, mutable)).not.toEqual(before);
      expect(sign(base, mutable)).toEqual(sign(base, { ...mutable }));
    });
  });

  describe("purity", () => {
    it("does not mutate the request", () => {
      const headers = Object.freeze({ "Content-Type": " application/json ", "X-Sdk-Date": "20261115T033655Z" });
      const request = Object.freeze({ ...base, headers });
      const before = JSON.stringify(request);
      expect(() => sign(request)).not.toThrow();
      expect(JSON.stringify(request)).toBe(before);

      const fetchHeaders = new Headers({ "X-Sdk-Date": "20261115T033655Z", Accept: "application/json" });
      const url = new URL("https://h.example.com/a?x=1");
      sign({ method: "GET", url, headers: fetchHeaders });
      expect([...fetchHeaders]).toEqual([
        ["accept", "application/json"],
        ["x-sdk-date", "20261115T033655Z"],
      ]);
      expect(url.href).toBe("https://h.example.com/a?x=1");
    });

    it("is deterministic", () => {
      const date = new Date("2026-11-15T03:36:55Z");
      const { headers: _omit, ...noDateRequest } = base;
      expect(signRequest(noDateRequest, credentials, date)).toEqual(signRequest(noDateRequest, credentials, date));
      expect(sign(base)).toEqual(sign(base));
    });
  });

  describe("date", () => {
    it("formats the given date when the request has no X-Sdk-Date", () => {
      const request = { ...base, headers: { "Content-Type": "application/json" } };
      const added = signRequest(request, credentials, new Date("2026-11-15T03:36:55.500Z"));
      expect(added["X-Sdk-Date"]).toBe("20261115T033655Z");
      expect(added.Authorization).toBe(authorizationOf(base));
    });

    it("defaults to now", () => {
      const before = Date.now();
      const added = signRequest({ method: "GET", url: "https://h.example.com/" }, credentials);
      const signedAt = parseSdkDate(added["X-Sdk-Date"] as string)?.getTime() ?? NaN;
      expect(signedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(signedAt).toBeLessThanOrEqual(Date.now());
    });

    it("prefers the request's X-Sdk-Date, whatever its case", () => {
      const lower = { ...base, headers: { "content-type": "application/json", "x-sdk-date": "20261115T033655Z" } };
      expect(signRequest(lower, credentials, new Date(0))).toEqual(sign(base));
    });

    it("rejects a malformed X-Sdk-Date", () => {
      const bad = { ...base, headers: { "X-Sdk-Date": "2026-11-15T03:36:55Z" } };
      expect(() => sign(bad)).toThrow(ModelArtsArgumentError);
    });
  });

  describe("signed headers", () => {
    it("includes every request header, lower-cased and sorted, plus host and x-sdk-date", () => {
      const request = { ...base, headers: { ...base.headers, "X-Project-Id": "p1", Accept: "*/*" } };
      expect(signedHeadersOf(request)).toEqual(["accept", "content-type", "host", "x-project-id", "x-sdk-date"]);
    });

    it("signs trimmed values", () => {
      const padded = { ...base, headers: { "Content-Type": " \tapplication/json  ", "X-Sdk-Date": " 20261115T033655Z\t" } };
      expect(sign(padded)).toEqual(sign(base));
    });

    it("joins repeated names the way Headers sends them", () => {
      const pairs: [string, string][] = [
        ["Accept", "a"],
        ["accept", " b"],
        ["X-Sdk-Date", "20261115T033655Z"],
      ];
      const fromHeaders = new Headers(pairs);
      expect(sign({ method: "GET", url: "https://h.example.com/", headers: pairs })).toEqual(
        sign({ method: "GET", url: "https://h.example.com/", headers: fromHeaders }),
      );
      expect(sign({ method: "GET", url: "https://h.example.com/", headers: pairs })).toEqual(
        sign({ method: "GET", url: "https://h.example.com/", headers: { accept: "a, b", "X-Sdk-Date": "20261115T033655Z" } }),
      );
    });

    it("does not sign an Authorization header it replaces", () => {
      const stale = { ...base, headers: { ...base.headers, Authorization: "SDK-HMAC-SHA256 old" } };
      expect(sign(stale)).toEqual(sign(base));
    });

    it.each([
      ["https://h.example.com/", "h.example.com"],
      ["https://h.example.com:443/", "h.example.com"],
      ["http://h.example.com:80/", "h.example.com"],
      ["https://h.example.com:8443/", "h.example.com:8443"],
      ["http://h.example.com:443/", "h.example.com:443"],
      ["https://[::1]:9000/", "[::1]:9000"],
      ["https://H.Example.COM/", "h.example.com"],
    ])("host of %s is %s", (url, host) => {
      const request = { method: "GET", url, headers: { "X-Sdk-Date": "20261115T033655Z" } };
      const withHost = { ...request, url: "https://elsewhere.example.com/", headers: { ...request.headers, Host: host } };
      expect(sign(request)).toEqual(sign(withHost));
    });
  });

  describe("inputs", () => {
    it("accepts a URL object as well as a string", () => {
      expect(sign({ ...base, url: new URL(base.url) })).toEqual(sign(base));
    });

    it("accepts headers as a record, Headers or entries", () => {
      const entries = Object.entries(base.headers as Record<string, string>);
      expect(sign({ ...base, headers: new Headers(entries) })).toEqual(sign(base));
      expect(sign({ ...base, headers: entries })).toEqual(sign(base));
      expect(sign({ ...base, headers: new Map(entries) })).toEqual(sign(base));
    });

    it("hashes the body bytes whatever their container", () => {
      const bytes = new TextEncoder().encode(base.body as string);
      expect(sign({ ...base, body: bytes })).toEqual(sign(base));
      expect(sign({ ...base, body: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) })).toEqual(sign(base));
      expect(sign({ ...base, body: null })).toEqual(sign({ ...base, body: "" }));
      expect(sign({ ...base, body: undefined })).toEqual(sign({ ...base, body: new Uint8Array(0) }));
      expect(sign({ ...base, body: "{}" })).not.toEqual(sign(base));
    });

    it("signs the method as fetch will send it", () => {
      expect(sign({ ...base, method: "post" })).toEqual(sign(base));
      // fetch upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT.
      expect(sign({ ...base, method: "patch" })).not.toEqual(sign({ ...base, method: "PATCH" }));
    });

    it("signs the path and query of the URL", () => {
      expect(authorizationOf({ ...base, url: base.url + "?a=1" })).not.toBe(authorizationOf(base));
      expect(authorizationOf({ ...base, url: base.url + "?b=2&a=1" })).toBe(authorizationOf({ ...base, url: base.url + "?a=1&b=2" }));
      expect(authorizationOf({ ...base, url: base.url + "/" })).toBe(authorizationOf(base));
    });
  });
});


describe("the Web Crypto path (browsers, Workers)", () => {
  it("reproduces the published vectors", async () => {
    expect(await signRequestWithWebCrypto(VPC_VECTOR.request, VPC_VECTOR.credentials)).toEqual({
      "X-Sdk-Date": "20191115T033655Z",
      Authorization: VPC_VECTOR.authorization,
    });
    const get = await signRequestWithWebCrypto({ method: "GET", url: RESOURCES_URL, headers: RESOURCES_HEADERS }, RESOURCES_CREDENTIALS);
    expect(get.Authorization).toMatch(/Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842$/);
    const post = await signRequestWithWebCrypto(
      { method: "POST", url: RESOURCES_URL, headers: RESOURCES_HEADERS, body: '{"name":"test","id":1}' },
      RESOURCES_CREDENTIALS,
    );
    expect(post.Authorization).toMatch(/Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f$/);
  });

  it("gives byte-identical headers to the Node path for any request and key", async () => {
    // The two signers collect headers and spell methods each its own way (Node's is tuned for
    // speed), so headers come in every case, order, repetition and padding, with the names the
    // signer treats specially among them.
    const segment = fc.string({ unit: "grapheme", maxLength: 12 }).map(encodeURIComponent);
    const headerName = fc.constantFrom("Content-Type", "content-type", "X-Project-Id", "x-project-id", "Accept", "ACCEPT", "Host", "Authorization", "X-Sdk-Date", "x-sdk-date", "X-Security-Token", "a", "z");
    const headerValue = fc.tuple(fc.constantFrom("", " ", "\t", " \r\n"), fc.string({ maxLength: 8 }).map((v) => v.replace(/[\r\n]/g, "")), fc.constantFrom("", " ", "\t "));
    const header = fc.tuple(headerName, headerValue).map(([name, [before, text, after]]) =>
      [name, /x-sdk-date/i.test(name) ? `${before}20261115T033655Z${after}` : `${before}${text}${after}`] as [string, string],
    );
    let refused = 0;
    const headers = fc.array(header, { maxLength: 6 }).chain((pairs) =>
      fc.constantFrom<SignableRequest["headers"]>(pairs, new Headers(pairs), Object.fromEntries(pairs), new Map(pairs), undefined),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "get", "Post", "PATCH", "patch", "OPTIONS", "head"),
        fc.array(segment, { maxLength: 4 }),
        fc.array(fc.tuple(segment, segment), { maxLength: 4 }),
        headers,
        fc.boolean(),
        fc.option(fc.oneof(fc.string({ unit: "grapheme" }), fc.uint8Array({ maxLength: 64 })), { nil: undefined }),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 80 }),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (method, segments, query, headers, asUrl, body, sk, securityToken) => {
          const href = `https://modelarts.cn-north-4.myhuaweicloud.com/${segments.join("/")}${query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join("&")}` : ""}`;
          const request: SignableRequest = { method, url: asUrl ? new URL(href) : href, headers, ...(body !== undefined ? { body } : {}) };
          const credentials = { ak: "AK1", sk, ...(securityToken !== undefined ? { securityToken } : {}) };
          const date = new Date("2026-11-15T03:36:55Z");
          // A repeated X-Sdk-Date is refused by both, in the same words.
          const outcome = async (sign: () => Promise<Record<string, string>> | Record<string, string>) => {
            try {
              return await sign();
            } catch (error) {
              return { refused: (error as Error).message };
            }
          };
          const web = await outcome(() => signRequestWithWebCrypto(request, credentials, date));
          expect(web).toEqual(await outcome(() => signRequest(request, credentials, date)));
          refused += "refused" in web ? 1 : 0;
        },
      ),
      { numRuns: 500 },
    );
    // Most requests must be signed for the property to say something.
    expect(refused).toBeLessThan(100);
  });

  it("signs concurrent requests with different SKs each with its own key (the imported key is kept for the last SK only)", async () => {
    const date = new Date("2026-11-15T03:36:55Z");
    const request: SignableRequest = { method: "GET", url: "https://h.example.com/a?b=1" };
    const sks = ["sk-one", "sk-two", "sk-one", new Secret("sk-three"), "sk-two"];
    const web = await Promise.all(sks.map((sk) => signRequestWithWebCrypto(request, { ak: "AK", sk }, date)));
    expect(web).toEqual(sks.map((sk) => signRequest(request, { ak: "AK", sk }, date)));
    expect(new Set(web.map((headers) => headers.Authorization)).size).toBe(3);
  });

  it("is what signRequestAsync falls back to, and the portable signRequest refuses to run without node:crypto", async () => {
    vi.resetModules();
    // A fresh copy of the portable module, without the Node entry's synchronous signer.
    const portable = await import("../../src/auth/signer.js?portable" as string) as typeof import("../../src/auth/signer.js");
    expect(() => portable.signRequest(VPC_VECTOR.request, VPC_VECTOR.credentials)).toThrow(/use signRequestAsync/);
    expect(await portable.signRequestAsync(VPC_VECTOR.request, VPC_VECTOR.credentials)).toEqual({
      "X-Sdk-Date": "20191115T033655Z",
      Authorization: VPC_VECTOR.authorization,
    });
  });
});
