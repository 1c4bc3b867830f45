// The Python overlay's signer (regen/overlays/python/modelarts/signer.py), checked in Python
// itself: on the published vectors, where it must agree with the TypeScript signer and the
// published values, and in a differential test of 1,500 generated requests against the official
// signer of the Huawei Cloud Python SDK (huaweicloudsdkcore, test-only, in the venv that
// scripts/lib/python-venv.mjs builds from PyPI) and against the TypeScript signer.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { signRequestOnNode as signRequest } from "../../src/auth/signer-node.js";
// @ts-expect-error: a plain .mjs script without types
import { ensurePythonVenv } from "../../scripts/lib/python-venv.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const OVERLAY = path.join(ROOT, "regen", "overlays", "python");
const SIGN_CASES = path.join(ROOT, "test", "regen", "python", "sign_cases.py");
const VECTORS = JSON.parse(fs.readFileSync(path.join(ROOT, "test", "regen", "fixtures", "signing-vectors.json"), "utf8")) as {
  vectors: { name: string; method: string; url: string; headers: Record<string, string>; body: string; ak: string; sk: string; authorization: string }[];
};

interface Case {
  method: string;
  host: string;
  /** Percent-encoded path, as sent. */
  path: string;
  /** Decoded pairs, as the official signer takes them. */
  query: [string, string][];
  url: string;
  headers: Record<string, string>;
  body: string;
  ak: string;
  sk: string;
  security_token?: string;
}

function signInPython(python: string, cases: unknown[], overlayOnly = false): Promise<{ overlay: string; official: string | null }[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SIGN_CASES, ...(overlayOnly ? ["--overlay-only"] : [])], {
      env: { ...process.env, PYTHONPATH: OVERLAY, PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`sign_cases.py exit ${code}: ${stderr}`))));
    child.stdin.end(JSON.stringify(cases));
  });
}

/** RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes. */
const strictEncode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

// Where the official signer and the documented algorithm part ways, the inputs stay on the side
// where they agree (toolchain notes): it sorts query pairs before encoding them, so keys (and
// the values of a repeated key) use characters whose raw order is their encoded order; it
// unquotes the whole path before splitting it, so no segment holds a "/" (nor "%2F"); it skips header
// names with "_" and adds X-Sdk-Content-Sha256 for a non-JSON content type.
const SAFE_QUERY_CHARS = [..."ABCXYZabcxyz0189-._~ !\"#$%&'()*+,"];
const safeQueryText = fc.string({ unit: fc.constantFrom(...SAFE_QUERY_CHARS), maxLength: 8 });
const anyText = fc.string({ unit: "grapheme", maxLength: 12 });
// "." and ".." segments are left out: URL parsers (WHATWG in the TypeScript signer, urllib3 before
// the overlay signs) remove them before anything is signed, which is normalisation, not signing.
const segment = fc
  .string({ unit: "grapheme", maxLength: 10 })
  .map((s) => s.replaceAll("/", ""))
  .filter((s) => s !== "." && s !== "..");
const headerName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,15}$/).filter((n) => !["host", "authorization", "x-sdk-date", "content-type", "x-security-token"].includes(n.toLowerCase()));
const headerValue = fc
  .tuple(fc.constantFrom("", " ", "\t", "  "), fc.stringMatching(/^[!-~]([ !-~]{0,20}[!-~])?$/), fc.constantFrom("", " ", "\t"))
  .map(([a, b, c]) => a + b + c);
const sdkDate = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true }).map((d) =>
  d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, ""),
);

const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"),
    host: fc.constantFrom("modelarts.cn-north-4.myhuaweicloud.com", "127.0.0.1:8443", "example.com:8080"),
    segments: fc.array(segment, { minLength: 0, maxLength: 5 }),
    trailingSlash: fc.boolean(),
    uniqueQuery: fc.uniqueArray(fc.tuple(safeQueryText, anyText), { selector: ([k]) => k, maxLength: 4 }),
    repeated: fc.option(fc.tuple(safeQueryText, fc.array(safeQueryText, { minLength: 2, maxLength: 3 }))),
    headers: fc.uniqueArray(fc.tuple(headerName, headerValue), { selector: ([n]) => n.toLowerCase(), maxLength: 4 }),
    json: fc.boolean(),
    body: fc.oneof(fc.constant(""), fc.string({ unit: "grapheme", maxLength: 60 })),
    date: sdkDate,
    ak: fc.stringMatching(/^[A-Z0-9]{1,24}$/),
    sk: fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
    securityToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/)),
  })
  .map((r) => {
    const query: [string, string][] = [...r.uniqueQuery];
    if (r.repeated && !query.some(([k]) => k === r.repeated![0])) for (const v of r.repeated[1]) query.push([r.repeated[0], v]);
    const pathText = "/" + r.segments.map(strictEncode).join("/") + (r.trailingSlash && r.segments.length > 0 ? "/" : "");
    const search = query.map(([k, v]) => `${strictEncode(k)}=${strictEncode(v)}`).join("&");
    const headers: Record<string, string> = Object.fromEntries(r.headers);
    headers["X-Sdk-Date"] = r.date;
    if (r.json) headers["Content-Type"] = "application/json";
    const c: Case = {
      method: r.method,
      host: r.host,
      path: pathText,
      query,
      url: `https://${r.host}${pathText}${search ? `?${search}` : ""}`,
      headers,
      body: r.body,
      ak: r.ak,
      sk: r.sk,
    };
    if (r.securityToken !== null) c.security_token = r.securityToken;
    return c;
  });

describe("Python overlay signer (regen/overlays/python/modelarts/signer.py)", () => {
  let python: string;

  beforeAll(() => {
    python = ensurePythonVenv({ log: () => {} });
  }, 300_000);

  it("gives the published signatures, as the TypeScript signer does", async () => {
    const fromPython = await signInPython(python, VECTORS.vectors, true);
    VECTORS.vectors.forEach((v, i) => {
      const ts = signRequest({ method: v.method, url: v.url, headers: v.headers, body: v.body || undefined }, { ak: v.ak, sk: v.sk });
      expect(ts.Authorization, v.name).toBe(v.authorization);
      expect(fromPython[i]?.overlay, v.name).toBe(v.authorization);
    });
  });

  it("agrees with huaweicloudsdkcore and the TypeScript signer on 1,500 generated requests", async () => {
    const cases = fc.sample(caseArbitrary, { numRuns: 1500, seed: 20261201 });
    const results = await signInPython(python, cases);
    expect(results).toHaveLength(1500);
    const disagreements: unknown[] = [];
    cases.forEach((c, i) => {
      const ts = signRequest(
        { method: c.method, url: c.url, headers: c.headers, body: c.body || undefined },
        c.security_token === undefined ? { ak: c.ak, sk: c.sk } : { ak: c.ak, sk: c.sk, securityToken: c.security_token },
      ).Authorization;
      const { overlay, official } = results[i]!;
      if (overlay !== official || overlay !== ts) disagreements.push({ case: c, overlay, official, ts });
    });
    expect(disagreements.slice(0, 3)).toEqual([]);
    // The generated requests reach what matters: bodies, escapes in path and query, repeated keys, tokens.
    expect(cases.filter((c) => c.body !== "").length).toBeGreaterThan(500);
    expect(cases.filter((c) => /%[0-9A-F]{2}/.test(c.path)).length).toBeGreaterThan(300);
    expect(cases.filter((c) => new Set(c.query.map(([k]) => k)).size < c.query.length).length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.security_token !== undefined).length).toBeGreaterThan(300);
  }, 120_000);
});
