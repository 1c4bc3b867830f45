/**
 * The host, canonical path and canonical query of an http(s) URL string, without the WHATWG
 * URL parser when the string is one that parser would give back unchanged. Used by the
 * synchronous Node signer only: `new URL` and the canonical forms' own checks cost more than
 * one of its SHA-256 digests, while one pattern can tell that the URLs a client sends
 * (`Request.url`, openapi-fetch's, with IDs in the path and escaped UTF-8 in the query) need
 * no rewriting at all. Anything else is left to `new URL` and the canonical functions.
 */

/**
 * Text already in canonical form: unreserved characters, and escapes with uppercase hex of
 * bytes that must stay escaped (not %41, not %2d). What fetch, URL and encodeURIComponent
 * send for non-ASCII text is mostly so, and then the canonical functions would give it back
 * unchanged at many times the cost.
 */
const CANONICAL_TEXT = String.raw`(?:[\w\-.~]|%(?:[0189A-F][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-DF]))*`;
const FIELD = `${CANONICAL_TEXT}(?:=${CANONICAL_TEXT})?`;
/**
 * Scheme; a host of lowercase letters, digits and "-" in dot-separated labels, none starting
 * with "xn--" (punycode, which IDNA would validate) and the last starting with a letter (a
 * number there makes WHATWG read the host as an IPv4 address and rewrite it: "127.1",
 * "0x7f.0.0.1"); a port in shortest form; a path of unreserved characters in which no segment
 * starts with "." (so no dot segment); and a query whose keys and values are all in canonical
 * form. WHATWG rewrites none of it but a default port.
 */
const PLAIN_URL = new RegExp(
  String.raw`^http(s?)://((?:(?!xn--)[a-z\d-]+\.)*(?!xn--)[a-z][a-z\d-]*)(?::([1-9]\d{0,4}))?((?:/(?!\.)[\w\-.~]*)*)(?:\?(${FIELD}(?:&${FIELD})*))?$`,
);

/** What a signature reads of the URL: `URL.host`, `URL.pathname` and `URL.search`, with the canonical path and query. */
export interface SignedUrlParts {
  host: string;
  pathname: string;
  search: string;
  canonicalPath: string;
  canonicalQuery: string;
}

/** The parts of `url` with their canonical forms when it is plain (see PLAIN_URL); undefined for anything else. */
export function plainHttpUrlParts(url: string): SignedUrlParts | undefined {
  const m = PLAIN_URL.exec(url);
  if (m === null) return undefined;
  const name = m[2] as string;
  const port = m[3];
  if (port !== undefined && Number(port) > 65535) return undefined;
  const path = m[4] as string;
  const query = m[5] ?? "";
  return {
    host: port === undefined || port === (m[1] === "s" ? "443" : "80") ? name : name + ":" + port,
    pathname: path === "" ? "/" : path,
    // As URL.search: a lone "?" gives "".
    search: query === "" ? "" : "?" + query,
    canonicalPath: path.endsWith("/") ? path : path + "/",
    canonicalQuery: sortedQuery(query),
  };
}

const SORTED_AS_THEY_COME = 16;

/**
 * `canonicalQuery` (./canonical.js) of a query whose keys and values are all in canonical
 * form already, so only the sorting is left: one pass, with the pairs kept sorted as they
 * come, since a request has a handful and this runs on every signature.
 */
function sortedQuery(search: string): string {
  const keys: string[] = [];
  const values: string[] = [];
  let at = 0;
  let nextEq = -1; // the first "=" at or after `at`, found once for all the fields it passes
  while (at < search.length) {
    let end = search.indexOf("&", at);
    if (end === -1) end = search.length;
    if (end > at) {
      if (nextEq < at) {
        nextEq = search.indexOf("=", at);
        if (nextEq === -1) nextEq = search.length;
      }
      const eq = nextEq < end ? nextEq : end;
      const key = search.slice(at, eq);
      const value = eq < end ? search.slice(eq + 1, end) : "";
      let i = keys.length;
      // Past a handful, pairs wait for one sort at the end instead of a quadratic insert.
      for (; i > 0 && i <= SORTED_AS_THEY_COME; i--) {
        const before = keys[i - 1] as string;
        if (before < key || (before === key && (values[i - 1] as string) <= value)) break;
        keys[i] = before;
        values[i] = values[i - 1] as string;
      }
      keys[i] = key;
      values[i] = value;
    }
    at = end + 1;
  }
  if (keys.length > SORTED_AS_THEY_COME) {
    // Canonical text has no NUL, which sorts before every character: by key, then value.
    return keys.map((key, i) => key + "\0" + values[i]).sort().join("&").replaceAll("\0", "=");
  }
  let out = "";
  for (let i = 0; i < keys.length; i++) out += (i === 0 ? "" : "&") + keys[i] + "=" + values[i];
  return out;
}
